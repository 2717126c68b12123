// The workflow editor page: loads the workflow and the node catalog, then wires palette, canvas, form, toolbar
// and the dock (problems, test run, versions).
import { api } from "../lib/api.js";
import { h, s } from "../lib/dom.js";
import { autoArrange } from "./arrange.js";
import { Canvas } from "./canvas.js";
import { catalog } from "./catalog.js";
import { Clipboard } from "./clipboard.js";
import { History } from "./history.js";
import { Inspector } from "./inspector.js";
import { Minimap } from "./minimap.js";
import { Model, commands } from "./model.js";
import { Notes } from "./notes.js";
import { DRAG_TYPE, palette } from "./palette.js";
import { GRID, H, W } from "./shapes.js";
import { autoLabel } from "./summaries.js";
import { TestRun } from "./testrun.js";

const root = document.getElementById("editor");
const id = root.dataset.workflowId;
const snap = (v) => Math.round(v / GRID) * GRID;

async function start() {
  const [{ data: workflow, etag }, { data: objects }, { data: users }] = await Promise.all([
    api("GET", `/api/workflows/${id}`), api("GET", "/api/objects"), api("GET", "/api/users")]);
  const model = new Model(workflow);
  const state = { etag };
  const status = h("span", { class: "status", role: "status" });
  const problems = h("ul", { class: "problems", "aria-label": "Problems" });
  const form = h("aside", { class: "inspector", "aria-label": "Step settings" });
  const svg = s("svg", { class: "canvas", "data-canvas": "", tabindex: 0 });
  const stage = h("div", { class: "stage" }, svg);
  const say = (text, kind = "info") => { status.textContent = text; status.title = text; status.dataset.kind = kind; };
  const canvas = new Canvas(svg, model, { onSelect: (sel) => inspector.show(sel.size === 1 ? [...sel][0] : null),
    onHint: (t) => say(t, "error"), onEditNote: (noteId) => notes.edit(noteId) });
  const inspector = new Inspector(form, model, { objects: new Map(objects.map((o) => [o.name, o])), users });
  const notes = new Notes(stage, canvas, model);
  const minimap = new Minimap(canvas, model);
  stage.append(minimap.el);
  const name = h("strong", { class: "wf-name" }), zone = h("span", { class: "wf-zone", title: "The workflow's time zone" });
  const showMeta = () => { name.textContent = name.title = model.meta.name; zone.textContent = model.meta.timezone; };
  model.onChange(showMeta);
  showMeta();
  const badge = h("span", { class: `badge badge-${workflow.status}`, text: workflow.status });
  const pause = h("button", { type: "button", text: "Pause", onclick: () => setStatus("pause") });
  const activate = h("button", { type: "button", text: "Activate", onclick: () => setStatus("activate") });
  const setBadge = (value) => { // only the one of Pause / Activate that the status allows is shown
    badge.textContent = value; badge.className = `badge badge-${value}`;
    pause.hidden = value !== "active"; activate.hidden = value !== "paused";
  };
  setBadge(workflow.status);

  const showProblems = (list) => {
    canvas.marks = new Map(list.filter((p) => p.node_id && p.severity === "error").map((p) => [p.node_id, "problem"]));
    problems.replaceChildren(...list.map((p) => h("li", { "data-problem": "", "data-severity": p.severity,
      onclick: () => { if (p.node_id) { canvas.selected = new Set([p.node_id]); canvas.select(); } } },
    h("strong", { text: p.severity === "error" ? "Error" : "Warning" }), ` ${p.node_id ? `${model.node(p.node_id)?.label ?? p.node_id}: ` : ""}${p.message}`)));
    canvas.draw();
  };

  // The Problems list follows the graph on screen: a posted graph is checked without being saved.
  let checking = 0, timer = null;
  const refreshProblems = async () => {
    clearTimeout(timer);
    const mine = ++checking;
    const { timezone, settings } = model.workflow;
    const { data } = await api("POST", `/api/workflows/${id}/validate`, { graph: model.graph, timezone, settings });
    if (mine === checking) showProblems(data.problems);
    return data.problems;
  };
  model.onChange(() => { clearTimeout(timer); timer = setTimeout(() => refreshProblems().catch(() => {}), 500); });
  const clipboard = new Clipboard(model, canvas, { workflowId: id, say, problemsOf: refreshProblems });

  const save = async () => {
    model.settle(); // an arrangement still gliding is saved where it lands
    try {
      const { name, description, timezone, settings } = model.meta;
      const body = { graph: model.graph, name, description, timezone, settings };
      const { data, etag: next } = await api("PUT", `/api/workflows/${id}`, body, { "If-Match": state.etag });
      state.etag = next; model.workflow = data; model.dirty = false;
      say(`Saved (revision ${data.revision}).`);
      await refreshProblems();
      return true;
    } catch (error) {
      say(`Not saved: ${error.message}`, "error");
      return false;
    }
  };

  const history = new History({ workflowId: id, say, onRestored: (data, next) => {
    model.execute(commands.all([commands.replaceGraph(model.graph, data.graph),
      ...["name", "description", "timezone", "settings"].map((key) => commands.setMeta(model.meta, key, model.meta[key], data[key]))]));
    state.etag = next; model.workflow = data; model.dirty = false;
    canvas.fit();
  } });
  const testRun = new TestRun({ workflowId: id, model, canvas, save, say });

  const publish = async () => {
    if (model.dirty && !(await save())) return;
    try {
      const { data } = await api("POST", `/api/workflows/${id}/publish`);
      setBadge(data.status);
      showProblems(data.problems ?? []);
      say(`Published version ${data.version}.`);
      await history.load();
    } catch (error) {
      showProblems(error.details?.problems ?? []);
      say(error.message, "error");
    }
  };

  const setStatus = async (action) => {
    try {
      const { data, etag: next } = await api("POST", `/api/workflows/${id}/${action}`);
      state.etag = next; setBadge(data.status);
      say(action === "pause" ? "Paused: no new runs start." : "Active: new runs start again.");
    } catch (error) { say(error.message, "error"); }
  };

  // A new step where it was dropped; dropped onto an edge, it goes in between that edge's two ends.
  const addNode = (type, at, edge = null) => {
    const node = { id: model.newId(type.type.replace(/_/g, "-")), kind: type.kind, type: type.type, label: type.label,
      config: structuredClone(type.defaults ?? {}), position: { x: snap(at.x), y: snap(at.y) } };
    node.label = autoLabel(node) ?? type.label;
    if (edge && type.kind === "trigger") say("A trigger starts a workflow; it cannot go in between steps.", "error");
    if (edge && type.kind !== "trigger") {
      const onward = { id: model.newId("e"), source: node.id, target: edge.target, port: model.ports(node)[0] };
      model.execute(commands.all([commands.addNode(node), commands.retarget(edge, node.id), commands.connect(onward)]));
    } else model.execute(commands.addNode(node));
    canvas.selected = new Set([node.id]); canvas.select();
  };

  const remove = () => {
    if (canvas.selected.size) model.execute(commands.remove(model.graph, new Set(canvas.selected)));
    canvas.selected = new Set(); canvas.select();
  };

  const center = () => { const v = canvas.visible(); return { x: v.x + v.w / 2 - W / 2, y: v.y + v.h / 2 - H / 2 }; };
  let dropTarget = null;
  const markDropTarget = (edge) => {
    const el = edge && canvas.els.edge.get(edge.id);
    if (el === dropTarget) return;
    dropTarget?.classList.remove("drop-target");
    el?.classList.add("drop-target");
    dropTarget = el;
  };
  svg.addEventListener("dragover", (e) => { e.preventDefault(); markDropTarget(canvas.edgeAt(e.clientX, e.clientY)); });
  svg.addEventListener("dragleave", () => markDropTarget(null));
  svg.addEventListener("drop", (e) => {
    e.preventDefault();
    markDropTarget(null);
    const type = catalog.types.get(e.dataTransfer.getData(DRAG_TYPE));
    const p = canvas.toWorld(e);
    if (type) addNode(type, { x: p.x - W / 2, y: p.y - H / 2 }, canvas.edgeAt(e.clientX, e.clientY));
  });

  const button = (text, onclick, extra = {}) => h("button", { type: "button", text, onclick, ...extra });
  const toolbar = h("header", { class: "editor-toolbar" },
    h("a", { href: "/", text: "← Workflows" }), name, zone, badge,
    h("a", { href: `/workflows/${id}/enrollments`, text: "Enrollment history" }),
    button("Settings", () => { canvas.selected = new Set(); canvas.select(); }),
    button("Undo", () => model.undo()), button("Redo", () => model.redo()),
    button("Zoom in", () => canvas.zoomAtCenter(1.2)), button("Zoom out", () => canvas.zoomAtCenter(1 / 1.2)),
    button("Fit", () => canvas.fit()), button("Add note", () => notes.add()),
    button("Auto-arrange", () => autoArrange({ workflowId: id, model, canvas, say })),
    pause, activate,
    button("Save", save), button("Publish", publish, { class: "primary" }), status);
  root.replaceChildren(toolbar,
    h("div", { class: "editor-body" }, palette((t) => addNode(t, center())), stage, form),
    h("div", { class: "dock" }, h("section", { class: "dock-panel", "aria-label": "Problems" }, h("h3", { text: "Problems" }), problems),
      testRun.el, history.el));

  document.addEventListener("keyup", (e) => { if (e.key === " ") canvas.spaceHeld = false; });
  document.addEventListener("keydown", (e) => {
    const mod = e.ctrlKey || e.metaKey, key = e.key.toLowerCase(), typing = e.target.closest("input, textarea, select");
    if (mod && key === "s") { // the side form is in the model as typed; a note's box keeps its text when left
      e.preventDefault();
      if (typing && !form.contains(typing)) typing.blur();
      save();
      return;
    }
    if (typing) return;
    if (e.key === " " && !e.target.closest("button, a")) { e.preventDefault(); canvas.spaceHeld = true; return; } // space + drag pans
    if (mod && key === "z") { e.preventDefault(); e.shiftKey ? model.redo() : model.undo(); }
    else if (mod && key === "d") { e.preventDefault(); clipboard.duplicate(); }
    else if (e.key === "Delete" || e.key === "Backspace") remove();
  });
  window.addEventListener("beforeunload", (e) => { if (model.dirty) { e.preventDefault(); e.returnValue = ""; } });
  canvas.draw();
  canvas.fit();
  inspector.render();
  requestAnimationFrame(() => setTimeout(() => performance.mark("editor:drawn"))); // after the first full paint
  await Promise.all([refreshProblems(), history.load(), testRun.loadRecords()]);
}

start().catch((error) => { root.replaceChildren(h("p", { class: "flash flash-error", text: `The editor could not load: ${error.message}` })); });
