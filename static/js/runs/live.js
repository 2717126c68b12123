// The run page follows a live run by itself: every 2 s it asks the API whether the run moved and, when it
// did, swaps in the server-rendered fragment (diagram, steps, timeline); it stops once the run has ended.
// Clicking a node of the diagram opens and highlights that node's steps.
const POLL_MS = 2000;
const root = document.getElementById("run");
const shown = () => root.querySelector(".run-live");

function moved(run) {
  const view = shown();
  if (run.status !== view.querySelector("[data-run-status]").dataset.runStatus) return true;
  if (run.steps.length !== Number(view.dataset.steps)) return true;
  return Object.entries(run.nodes).some(([id, node]) =>
    view.querySelector(`svg [data-node-id="${CSS.escape(id)}"]`)?.dataset.status !== node.status);
}

async function refresh() {
  const response = await fetch(root.dataset.fragment, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const open = new Set([...root.querySelectorAll("details[open]")].map((details) => details.id));
  const fresh = document.createElement("template");
  fresh.innerHTML = await response.text();
  fresh.content.querySelectorAll("details").forEach((details) => { if (open.has(details.id)) details.open = true; });
  shown().replaceWith(fresh.content);
}

async function poll() {
  const response = await fetch(`/api/runs/${root.dataset.runId}`, { headers: { Accept: "application/json" } });
  // Signed out or the run is gone: a reload would show why, polling would not.
  if (response.status >= 400 && response.status < 500) return;
  if (response.ok && moved(await response.json())) await refresh();
  if (shown().dataset.live === "true") setTimeout(poll, POLL_MS);
}

function showSteps(event) {
  const node = event.target.closest("svg [data-node-id]");
  const details = node && document.getElementById(`node-${node.dataset.nodeId}`);
  if (!details) return;
  root.querySelectorAll(".highlight").forEach((element) => element.classList.remove("highlight"));
  node.classList.add("highlight");
  details.classList.add("highlight");
  details.open = true;
  details.scrollIntoView({ behavior: "smooth", block: "center" });
}

if (root) {
  root.addEventListener("click", showSteps);
  if (shown().dataset.live === "true") setTimeout(poll, POLL_MS);
}
