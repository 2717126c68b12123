// The workflow editor page: loads the workflow and the node catalog, then wires palette, canvas, form and toolbar.
import { api } from "../lib/api.js";
import { h, s } from "../lib/dom.js";
import { Canvas, GRID, H, W } from "./canvas.js";
import { Inspector } from "./inspector.js";
import { Model, commands } from "./model.js";

const KIND_TITLES = { trigger: "Triggers", condition: "Conditions", wait: "Waits", human_task: "People", action: "Actions" };
const root = document.getElementById("editor");
const id = root.dataset.workflowId;
let clipboard = null;

async function start() {
  const [{ data: workflow, etag }, { data: catalog }, { data: objects }, { data: users }] = await Promise.all([
    api("GET", `/api/workflows/${id}`), api("GET", "/api/node-types"), api("GET", "/api/objects"), api("GET", "/api/users")]);
  const types = new Map(catalog.map((t) => [`${t.kind}/${t.type}`, t]));
  const model = new Model(workflow, types);
  const state = { etag, model };
  const status = h("span", { class: "status", role: "status" });
  const problems = h("ul", { class: "problems", "aria-label": "Problems" });
  const form = h("aside", { class: "inspector", "aria-label": "Step settings" });
  const svg = s("svg", { class: "canvas", "data-canvas": "", tabindex: 0 });
  const say = (text, kind = "info") => { status.textContent = text; status.dataset.kind = kind; };
  const canvas = new Canvas(svg, model, { onSelect: (sel) => inspector.show(sel.size === 1 ? [...sel][0] : null), onHint: (t) => say(t, "error") });
  const inspector = new Inspector(form, model, { objects: Object.fromEntries(objects.map((o) => [o.name, o])), users });
  const badge = h("span", { class: `badge badge-${workflow.status}`, text: workflow.status });

  const showProblems = (list) => {
    canvas.marks = new Map(list.filter((p) => p.node_id && p.severity === "error").map((p) => [p.node_id, "problem"]));
    problems.replaceChildren(...list.map((p) => h("li", { "data-problem": "", "data-severity": p.severity,
      onclick: () => { if (p.node_id) { canvas.selected = new Set([p.node_id]); canvas.select(); } } },
    h("strong", { text: p.severity === "error" ? "Error" : "Warning" }), ` ${p.node_id ? `${model.node(p.node_id)?.label ?? p.node_id}: ` : ""}${p.message}`)));
    canvas.draw();
  };

  const save = async () => {
    try {
      const body = { graph: model.graph, name: model.workflow.name };
      const { data, etag: next } = await api("PUT", `/api/workflows/${id}`, body, { "If-Match": state.etag });
      state.etag = next; model.workflow = data; model.dirty = false;
      say(`Saved (revision ${data.revision}).`);
      const { data: found } = await api("POST", `/api/workflows/${id}/validate`);
      showProblems(found.problems);
      return true;
    } catch (error) {
      say(error.status === 409 ? `Not saved: ${error.message}` : `Not saved: ${error.message}`, "error");
      return false;
    }
  };

  const publish = async () => {
    if (model.dirty && !(await save())) return;
    try {
      const { data } = await api("POST", `/api/workflows/${id}/publish`);
      badge.textContent = data.status; badge.className = `badge badge-${data.status}`;
      showProblems(data.problems ?? []);
      say(`Published version ${data.version}.`);
    } catch (error) {
      showProblems(error.details?.problems ?? []);
      say(error.message, "error");
    }
  };

  const arrange = async () => {
    const { data } = await api("POST", `/api/workflows/${id}/layout`, { graph: model.graph });
    const to = new Map(data.graph.nodes.map((n) => [n.id, n.position]));
    const moves = model.graph.nodes.filter((n) => to.has(n.id)).map((n) => ({ node: n, from: { ...n.position }, to: to.get(n.id) }));
    model.execute(commands.move(moves));
    canvas.fit();
  };

  const setStatus = async (action) => {
    try {
      const { data, etag: next } = await api("POST", `/api/workflows/${id}/${action}`);
      state.etag = next; badge.textContent = data.status; badge.className = `badge badge-${data.status}`;
      say(action === "pause" ? "Paused: no new runs start." : "Active: new runs start again.");
    } catch (error) { say(error.message, "error"); }
  };

  const addNode = (type, at) => {
    const node = { id: model.newId(type.type.replace(/_/g, "-")), kind: type.kind, type: type.type, label: type.label,
      config: structuredClone(type.defaults ?? {}), position: { x: Math.round(at.x / GRID) * GRID, y: Math.round(at.y / GRID) * GRID } };
    model.execute(commands.addNode(node));
    canvas.selected = new Set([node.id]); canvas.select();
  };

  const remove = () => {
    const nodeIds = new Set([...canvas.selected].filter((x) => model.node(x)));
    const edgeIds = new Set([...canvas.selected].filter((x) => !model.node(x)));
    if (nodeIds.size || edgeIds.size) model.execute(commands.remove(model.graph, nodeIds, edgeIds));
    canvas.selected = new Set(); canvas.select();
  };

  const paste = (nodes, offset = 40) => {
    const copies = nodes.map((n) => ({ ...structuredClone(n), id: model.newId(n.type.replace(/_/g, "-")),
      position: { x: n.position.x + offset, y: n.position.y + offset } }));
    copies.forEach((c) => model.execute(commands.addNode(c)));
    canvas.selected = new Set(copies.map((c) => c.id)); canvas.select();
  };

  const search = h("input", { type: "search", placeholder: "Search steps", "aria-label": "Search steps" });
  const palette = h("nav", { class: "palette", "aria-label": "Steps" }, search);
  const groups = Object.entries(KIND_TITLES).map(([kind, title]) => {
    const items = catalog.filter((t) => t.kind === kind).map((t) => h("div", { class: `palette-item kind-${kind}`,
      draggable: "true", "data-node-type": t.type, "data-kind": kind, title: t.help, text: t.label,
      ondragstart: (e) => e.dataTransfer.setData("text/x-node-type", `${t.kind}/${t.type}`),
      ondblclick: () => addNode(t, canvas.dropPoint(svg.getBoundingClientRect().left + 200, svg.getBoundingClientRect().top + 120)) }));
    return h("section", {}, h("h3", { text: title }), ...items);
  });
  palette.append(...groups);
  search.addEventListener("input", () => palette.querySelectorAll(".palette-item").forEach((item) => {
    item.hidden = !item.textContent.toLowerCase().includes(search.value.toLowerCase());
  }));
  svg.addEventListener("dragover", (e) => e.preventDefault());
  svg.addEventListener("drop", (e) => {
    e.preventDefault();
    const type = types.get(e.dataTransfer.getData("text/x-node-type"));
    if (type) addNode(type, (({ x, y }) => ({ x: x - W / 2, y: y - H / 2 }))(canvas.dropPoint(e.clientX, e.clientY)));
  });

  const button = (text, onclick, extra = {}) => h("button", { type: "button", text, onclick, ...extra });
  const toolbar = h("header", { class: "editor-toolbar" },
    h("a", { href: "/", text: "← Workflows" }), h("strong", { class: "wf-name", text: workflow.name }), badge,
    button("Undo", () => model.undo()), button("Redo", () => model.redo()),
    button("Zoom in", () => canvas.zoomAt(300, 200, 1.2)), button("Zoom out", () => canvas.zoomAt(300, 200, 1 / 1.2)),
    button("Fit", () => canvas.fit()), button("Auto-arrange", arrange),
    button("Pause", () => setStatus("pause")), button("Activate", () => setStatus("activate")),
    button("Save", save), button("Publish", publish, { class: "primary" }), status);
  root.replaceChildren(toolbar, h("div", { class: "editor-body" }, palette, h("div", { class: "stage" }, svg), form),
    h("section", { class: "problems-panel" }, h("h3", { text: "Problems" }), problems));

  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select")) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === "z") { e.preventDefault(); e.shiftKey ? model.redo() : model.undo(); }
    else if (mod && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
    else if (mod && e.key.toLowerCase() === "c") clipboard = [...canvas.selected].map((x) => model.node(x)).filter(Boolean).map((n) => structuredClone(n));
    else if (mod && e.key.toLowerCase() === "v" && clipboard) paste(clipboard);
    else if (mod && e.key.toLowerCase() === "d") { e.preventDefault(); paste([...canvas.selected].map((x) => model.node(x)).filter(Boolean)); }
    else if (e.key === "Delete" || e.key === "Backspace") remove();
  });
  window.addEventListener("beforeunload", (e) => { if (model.dirty) { e.preventDefault(); e.returnValue = ""; } });
  canvas.draw();
  canvas.fit();
  inspector.render();
  const { data: found } = await api("POST", `/api/workflows/${id}/validate`);
  showProblems(found.problems);
}

start().catch((error) => { root.replaceChildren(h("p", { class: "flash flash-error", text: `The editor could not load: ${error.message}` })); });
