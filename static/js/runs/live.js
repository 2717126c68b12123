// A live run's page follows the run: poll the API and reload when a node's status changes.
const root = document.getElementById("run");
const POLL_MS = 1000;

const stateOf = (run) => JSON.stringify({
  nodes: Object.fromEntries(Object.keys(run.nodes).sort().map((id) => [id, run.nodes[id].status])),
  status: run.status,
});

async function poll() {
  const response = await fetch(`/api/runs/${root.dataset.runId}`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  if (stateOf(await response.json()) !== stateOf(JSON.parse(root.dataset.state))) window.location.reload();
  else setTimeout(poll, POLL_MS);
}

document.querySelectorAll("svg [data-node-id]").forEach((node) => node.addEventListener("click", () => {
  const details = document.getElementById(`node-${node.dataset.nodeId}`);
  if (details) { details.open = true; details.scrollIntoView({ behavior: "smooth", block: "center" }); }
}));
if (root?.dataset.live === "true") setTimeout(poll, POLL_MS);
