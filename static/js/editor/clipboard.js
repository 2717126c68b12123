// Copy, paste and duplicate steps, the connections between them and sticky notes. Copy and paste go through the
// system clipboard as JSON text in the "flowdesk-steps/1" form (docs/EDITOR.md), so steps move between
// workflows and tabs. A paste is one command, so one undo takes it back.
import { commands } from "./model.js";

export const FORMAT = "flowdesk-steps/1";
const OFFSET = 40;
const typing = (e) => e.target instanceof Element && e.target.closest("input, textarea, select, [contenteditable]");

export class Clipboard {
  constructor(model, canvas, { workflowId, say, problemsOf }) {
    Object.assign(this, { model, canvas, workflowId, say, problemsOf });
    document.addEventListener("copy", (e) => this.onCopy(e));
    document.addEventListener("paste", (e) => this.onPaste(e));
  }

  chosen() {
    this.model.settle(); // copies of what is gliding start where it lands
    const ids = this.canvas.selected;
    const nodes = this.model.graph.nodes.filter((n) => ids.has(n.id)), kept = new Set(nodes.map((n) => n.id));
    return { nodes, notes: this.model.graph.notes.filter((n) => ids.has(n.id)),
      edges: this.model.graph.edges.filter((e) => kept.has(e.source) && kept.has(e.target)) };
  }

  onCopy(e) {
    if (typing(e) || !this.canvas.selected.size || !getSelection().isCollapsed) return; // selected page text copies as text
    const { nodes, edges, notes } = this.chosen();
    if (!nodes.length && !notes.length) return;
    const doc = { format: FORMAT, workflow_id: Number(this.workflowId), object: this.model.trigger()?.config?.object ?? null, nodes, edges, notes };
    e.clipboardData.setData("text/plain", JSON.stringify(doc, null, 2));
    e.preventDefault();
    this.say(`Copied ${nodes.length} step(s)${notes.length ? ` and ${notes.length} note(s)` : ""}.`);
  }

  onPaste(e) {
    if (typing(e)) return;
    let doc;
    try { doc = JSON.parse(e.clipboardData.getData("text/plain")); } catch { doc = null; }
    e.preventDefault();
    if (doc?.format !== FORMAT || !Array.isArray(doc.nodes)) { this.say("The clipboard holds no Flowdesk steps to paste.", "error"); return; }
    const here = String(doc.workflow_id) === String(this.workflowId);
    const added = this.add(doc, here ? null : this.canvas.visible());
    if (added) this.checkFields(added, doc.object);
  }

  duplicate() { this.add(this.chosen(), null); }

  // Adds copies with fresh ids: beside the originals, or (from another workflow) at the top left of `view`.
  add({ nodes = [], edges = [], notes = [] }, view) {
    const skipped = [];
    const usable = nodes.filter((n) => {
      const ok = n && typeof n.id === "string" && n.position && this.model.typeOf(n);
      if (!ok) skipped.push(`'${n?.label ?? n?.type ?? "?"}' is not a step this editor knows`);
      else if (n.kind === "trigger" && this.model.trigger()) skipped.push("the trigger (a workflow has one)");
      return ok && !(n.kind === "trigger" && this.model.trigger());
    });
    const items = [...usable, ...notes.filter((n) => n?.position && n.size)];
    if (!items.length) { this.say(`Nothing pasted${skipped.length ? `: ${skipped.join("; ")}` : ""}.`, "error"); return null; }
    const left = Math.min(...items.map((i) => i.position.x)), top = Math.min(...items.map((i) => i.position.y));
    const shift = view ? { x: view.x + OFFSET - left, y: view.y + OFFSET - top } : { x: OFFSET, y: OFFSET };
    const given = new Set(), ids = new Map();
    const copy = (item, prefix) => {
      const id = this.model.newId(prefix, given);
      given.add(id);
      ids.set(item.id, id);
      return { ...structuredClone(item), id, position: { x: item.position.x + shift.x, y: item.position.y + shift.y } };
    };
    const added = [...usable.map((n) => commands.addNode(copy(n, n.type.replace(/_/g, "-")))),
      ...items.filter((i) => i.size).map((n) => commands.addNote(copy(n, "note-")))];
    const wires = edges.filter((w) => ids.has(w.source) && ids.has(w.target)).map((w) => {
      const id = this.model.newId("e", given);
      given.add(id);
      return commands.connect({ ...structuredClone(w), id, source: ids.get(w.source), target: ids.get(w.target) });
    });
    this.model.execute(commands.all([...added, ...wires]));
    this.canvas.selected = new Set(usable.map((n) => ids.get(n.id)).concat(items.filter((i) => i.size).map((n) => ids.get(n.id))));
    this.canvas.select();
    this.say(`Pasted ${usable.length} step(s)${wires.length ? ` and ${wires.length} connection(s)` : ""}.` +
      (skipped.length ? ` Left out: ${skipped.join("; ")}.` : ""));
    return new Set(ids.values());
  }

  // Pasted steps that name fields this workflow's object lacks are said at once, not only in the Problems list.
  async checkFields(added, fromObject) {
    const found = (await this.problemsOf()).filter((p) => added.has(p.node_id) && / has no field /.test(p.message));
    if (!found.length) return;
    const object = this.model.trigger()?.config?.object;
    const lines = found.map((p) => `${this.model.node(p.node_id)?.label ?? p.node_id}: ${p.message}`);
    this.say(`Pasted, but ${found.length === 1 ? "a step names a field" : "steps name fields"} ${object ?? "this workflow's object"} does not have` +
      `${fromObject && fromObject !== object ? ` (copied from a ${fromObject} workflow)` : ""} — ${lines.join("; ")}`, "error");
  }
}
