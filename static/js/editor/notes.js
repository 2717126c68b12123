// Sticky notes: add one, and write its Markdown text in a box laid over it (the canvas shows it rendered).
import { h } from "../lib/dom.js";
import { commands } from "./model.js";
import { GRID } from "./shapes.js";

const SIZE = { w: 240, h: 140 };
const snap = (v) => Math.round(v / GRID) * GRID;

export class Notes {
  constructor(stage, canvas, model) {
    Object.assign(this, { stage, canvas, model });
  }

  add() {
    const v = this.canvas.visible();
    const note = { id: this.model.newId("note-"), text: "", size: { ...SIZE },
      position: { x: snap(v.x + v.w / 2 - SIZE.w / 2), y: snap(v.y + v.h / 2 - SIZE.h / 2) } };
    this.model.execute(commands.addNote(note));
    this.canvas.selected = new Set([note.id]);
    this.canvas.select();
    this.edit(note.id);
  }

  edit(id) {
    const note = this.model.note(id), el = this.canvas.els.note.get(id);
    if (!note || !el) return;
    const box = el.getBoundingClientRect(), stage = this.stage.getBoundingClientRect();
    const area = h("textarea", { class: "note-editor", "aria-label": "Note text",
      placeholder: "Markdown: **bold**, _italic_, `code`, - lists, [links](https://…)" });
    Object.assign(area.style, { left: `${box.left - stage.left}px`, top: `${box.top - stage.top}px`,
      width: `${Math.max(box.width, 200)}px`, height: `${Math.max(box.height, 120)}px` });
    area.value = note.text;
    let open = true;
    const close = (keep) => {
      if (!open) return;
      open = false;
      area.remove();
      if (keep && area.value !== note.text) this.model.execute(commands.setText(note, note.text, area.value));
    };
    area.addEventListener("blur", () => close(true));
    area.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close(false);
      else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) close(true);
    });
    this.stage.append(area);
    area.focus();
  }
}
