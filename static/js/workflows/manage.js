// The workflows list: rename, duplicate, export, delete (asked first; live runs are cancelled only when the
// person says so) and import from a file. Every change goes through the JSON API.
import { api } from "../lib/api.js";
import { h } from "../lib/dom.js";

const status = document.getElementById("manage-status");
const say = (text, kind = "info") => { status.textContent = text; status.dataset.kind = kind; };
const fieldErrors = (error) => Object.entries(error.details ?? {}).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join("; ");
const failed = (what, error) => say(`${what}: ${error.message}${fieldErrors(error) ? ` (${fieldErrors(error)})` : ""}`, "error");

function rename(row) {
  const cell = row.querySelector(".wf-name-cell"), link = cell.querySelector("a"), old = link.textContent;
  const input = h("input", { value: old, maxlength: 200, "aria-label": "Name" });
  const done = () => form.replaceWith(link);
  const form = h("form", { class: "rename", onsubmit: async (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name) { say("A workflow needs a name.", "error"); return; }
    try {
      const { data } = await api("PUT", `/api/workflows/${row.dataset.workflowId}`, { name });
      link.textContent = data.name;
      done();
      say(`Renamed to “${data.name}”.`);
    } catch (error) { failed("Not renamed", error); }
  } }, input, h("button", { type: "submit", text: "Save name" }), h("button", { type: "button", text: "Cancel", onclick: done }));
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") done(); });
  link.replaceWith(form);
  input.select();
}

async function duplicate(row) {
  try {
    await api("POST", `/api/workflows/${row.dataset.workflowId}/duplicate`, {});
    location.reload(); // the copy is listed first (newest change)
  } catch (error) { failed("Not duplicated", error); }
}

async function exportFile(row) {
  try {
    const { data } = await api("GET", `/api/workflows/${row.dataset.workflowId}/export`);
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    const slug = data.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "workflow";
    const a = h("a", { href: url, download: `${slug}.flowdesk.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (error) { failed("Not exported", error); }
}

// Asks first. A workflow with live runs is kept unless the person then chooses to cancel them.
function remove(row) {
  const name = row.querySelector(".wf-name-cell a").textContent;
  const text = h("p", { text: `Delete “${name}”? Its published versions and run history go with it.` });
  const confirm = h("button", { type: "button", class: "danger", text: "Delete" });
  const dialog = h("dialog", { class: "confirm", "aria-label": "Delete workflow" }, text,
    h("div", { class: "actions" }, confirm, h("button", { type: "button", text: "Keep it", onclick: () => dialog.close() })));
  dialog.addEventListener("close", () => dialog.remove());
  let cancelRuns = false;
  confirm.addEventListener("click", async () => {
    try {
      await api("DELETE", `/api/workflows/${row.dataset.workflowId}${cancelRuns ? "?cancel_runs=1" : ""}`);
      dialog.close();
      row.remove();
      say(`Deleted “${name}”.`);
    } catch (error) {
      if (error.status === 409 && error.details?.live_runs && !cancelRuns) {
        cancelRuns = true;
        text.textContent = `“${name}” has ${error.details.live_runs} run(s) still going. Cancel them and delete the workflow?`;
        confirm.textContent = "Cancel runs and delete";
      } else { dialog.close(); failed("Not deleted", error); }
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function importFile(input) {
  const [file] = input.files;
  if (!file) return;
  let doc;
  try { doc = JSON.parse(await file.text()); } catch { say(`Not imported: ${file.name} is not a JSON file.`, "error"); input.value = ""; return; }
  try {
    const { data } = await api("POST", "/api/workflows/import", doc);
    location.assign(`/workflows/${data.id}/edit`);
  } catch (error) { failed(`Not imported from ${file.name}`, error); }
  input.value = "";
}

const actions = { Rename: rename, Duplicate: duplicate, Export: exportFile, Delete: remove };
document.querySelectorAll("tr[data-workflow-id]").forEach((row) => {
  const cell = row.querySelector(".wf-manage");
  if (!cell) return;
  const name = row.querySelector(".wf-name-cell a").textContent;
  cell.append(...Object.entries(actions).map(([label, act]) => h("button", { type: "button", class: `link-button${label === "Delete" ? " danger" : ""}`,
    text: label, "aria-label": `${label} ${name}`, onclick: () => act(row) })));
});
document.getElementById("import-file")?.addEventListener("change", (e) => importFile(e.target));
