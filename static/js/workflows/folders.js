// Folders on the workflows list (editors): add, rename and delete folders (a folder with workflows is deleted only
// after the person agrees to move them to the root) and move each workflow with its "Folder" menu.
import { api } from "../lib/api.js";
import { h } from "../lib/dom.js";

const status = document.getElementById("manage-status");
const say = (text, kind = "info") => { status.textContent = text; status.dataset.kind = kind; };
const failed = (what, error) => say(`${what}: ${error.message}`, "error");
const shelves = [...document.querySelectorAll("li[data-folder-name]")].map((li) => ({ id: li.dataset.folderId, name: li.dataset.folderName }));
const viewing = new URLSearchParams(location.search).get("folder");

document.getElementById("new-folder")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = e.target.querySelector("input");
  try {
    const { data } = await api("POST", "/api/folders", { name: input.value });
    location.assign(`/?folder=${data.id}`);
  } catch (error) { failed("Folder not added", error); }
});

function rename(li) {
  const link = li.querySelector("a"), input = h("input", { value: li.dataset.folderName, maxlength: 100, "aria-label": "Folder name" });
  const done = () => form.replaceWith(link);
  const form = h("form", { class: "rename", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const { data } = await api("PATCH", `/api/folders/${li.dataset.folderId}`, { name: input.value });
      li.dataset.folderName = link.textContent = data.name;
      li.querySelectorAll(".folder-manage button").forEach((b) => b.setAttribute("aria-label", `${b.textContent} folder ${data.name}`));
      done();
      say(`Folder renamed to “${data.name}”.`);
    } catch (error) { failed("Folder not renamed", error); }
  } }, input, h("button", { type: "submit", text: "Save name" }), h("button", { type: "button", text: "Cancel", onclick: done }));
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") done(); });
  link.replaceWith(form);
  input.select();
}

// Asks first; a folder that holds workflows is deleted only if the person then agrees to move them to the root.
function remove(li) {
  const name = li.dataset.folderName;
  const text = h("p", { text: `Delete the folder “${name}”? Its workflows are kept.` });
  const confirm = h("button", { type: "button", class: "danger", text: "Delete folder" });
  const dialog = h("dialog", { class: "confirm", "aria-label": "Delete folder" }, text,
    h("div", { class: "actions" }, confirm, h("button", { type: "button", text: "Keep it", onclick: () => dialog.close() })));
  dialog.addEventListener("close", () => dialog.remove());
  let moveToRoot = false;
  confirm.addEventListener("click", async () => {
    try {
      await api("DELETE", `/api/folders/${li.dataset.folderId}${moveToRoot ? "?move_to_root=1" : ""}`);
      location.assign(viewing === li.dataset.folderId ? "/" : location.href);
    } catch (error) {
      if (error.status === 409 && error.details?.workflows && !moveToRoot) {
        moveToRoot = true;
        text.textContent = `“${name}” holds ${error.details.workflows} workflow(s). Move them to “No folder” and delete the folder?`;
        confirm.textContent = "Move them and delete";
      } else { dialog.close(); failed("Folder not deleted", error); }
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}

const count = (folderId) => document.querySelector(`li[data-folder-id="${folderId || "root"}"] .count`);
function recount(from, to) {
  for (const [id, step] of [[from, -1], [to, 1]]) {
    const el = count(id);
    if (el) el.textContent = String(Number(el.textContent) + step);
  }
}

async function move(row, select) {
  const from = row.dataset.folder, to = select.value;
  const name = row.querySelector(".wf-name-cell a").textContent;
  try {
    await api("PUT", `/api/workflows/${row.dataset.workflowId}/folder`, { folder: to ? Number(to) : null });
    row.dataset.folder = to;
    row.querySelector(".wf-folder").textContent = shelves.find((f) => f.id === to)?.name ?? "—";
    recount(from, to);
    if (viewing && viewing !== (to || "root")) row.hidden = true;
    say(to ? `Moved “${name}” to “${shelves.find((f) => f.id === to).name}”.` : `Moved “${name}” out of its folder.`);
  } catch (error) {
    select.value = from;
    failed(`“${name}” not moved`, error);
  }
}

document.querySelectorAll("li[data-folder-name]").forEach((li) => {
  li.querySelector(".folder-manage")?.append(
    h("button", { type: "button", class: "link-button", text: "Rename", "aria-label": `Rename folder ${li.dataset.folderName}`, onclick: () => rename(li) }),
    h("button", { type: "button", class: "link-button danger", text: "Delete", "aria-label": `Delete folder ${li.dataset.folderName}`, onclick: () => remove(li) }));
});
document.querySelectorAll("tr[data-workflow-id]").forEach((row) => {
  const name = row.querySelector(".wf-name-cell a").textContent;
  const select = h("select", { "aria-label": `Folder of ${name}`, onchange: () => move(row, select) },
    h("option", { value: "", text: "No folder" }), ...shelves.map((f) => h("option", { value: f.id, text: f.name })));
  select.value = row.dataset.folder;
  row.querySelector(".wf-manage")?.append(select);
});
