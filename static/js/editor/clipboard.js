// Copy, paste and duplicate the selected steps and sticky notes. A paste is one command, so one undo takes it back.
import { commands } from "./model.js";

const OFFSET = 40;

export class Clipboard {
  constructor(model, canvas) {
    Object.assign(this, { model, canvas });
    this.copied = null; // {nodes, notes}, cloned when copied
  }

  chosen() {
    this.model.settle(); // copies of what is gliding start where it lands
    const ids = [...this.canvas.selected];
    return { nodes: ids.map((id) => this.model.node(id)).filter(Boolean), notes: ids.map((id) => this.model.note(id)).filter(Boolean) };
  }

  copy() { this.copied = structuredClone(this.chosen()); }
  paste() { if (this.copied) this.add(this.copied); }
  duplicate() { this.add(this.chosen()); }

  add({ nodes, notes }) {
    const given = new Set();
    const copy = (item, prefix) => {
      const id = this.model.newId(prefix, given);
      given.add(id);
      return { ...structuredClone(item), id, position: { x: item.position.x + OFFSET, y: item.position.y + OFFSET } };
    };
    const added = [...nodes.map((n) => commands.addNode(copy(n, n.type.replace(/_/g, "-")))),
      ...notes.map((n) => commands.addNote(copy(n, "note-")))];
    if (!added.length) return;
    this.model.execute(commands.all(added));
    this.canvas.selected = given;
    this.canvas.select();
  }
}
