// The minimap of a large workflow: every step in miniature with the visible area outlined; click or drag to go there.
import { h } from "../lib/dom.js";
import { kindColour } from "./catalog.js";
import { H, W } from "./shapes.js";

const MW = 200, MH = 130, PAD = 6, LARGE = 12;

export class Minimap {
  constructor(canvas, model) {
    Object.assign(this, { canvas, model });
    const ratio = window.devicePixelRatio || 1;
    this.el = h("canvas", { class: "minimap", width: MW * ratio, height: MH * ratio, "data-minimap": "",
      role: "img", "aria-label": "Minimap: click or drag to move the view" });
    this.ctx = this.el.getContext("2d");
    this.ctx.scale(ratio, ratio);
    this.frame = null;
    this.el.hidden = model.graph.nodes.length <= LARGE;
    canvas.onView(() => this.schedule());
    model.onChange(() => this.schedule());
    this.el.addEventListener("pointerdown", (e) => {
      this.el.setPointerCapture(e.pointerId);
      const frame = this.frameOf(); // kept while dragging, so the picture does not shift under the pointer
      const follow = (m) => this.go(m, frame);
      follow(e);
      this.el.addEventListener("pointermove", follow);
      this.el.addEventListener("pointerup", () => this.el.removeEventListener("pointermove", follow), { once: true });
    });
    this.schedule();
  }

  schedule() {
    this.frame ??= requestAnimationFrame(() => { this.frame = null; this.draw(); });
  }

  // The world box shown (everything plus the visible area) and its scale into the minimap.
  frameOf() {
    const v = this.canvas.visible(), content = this.canvas.bounds() ?? v;
    const x = Math.min(v.x, content.x), y = Math.min(v.y, content.y);
    const w = Math.max(v.x + v.w, content.x + content.w) - x, hgt = Math.max(v.y + v.h, content.y + content.h) - y;
    const k = Math.min((MW - 2 * PAD) / w, (MH - 2 * PAD) / hgt);
    return { x, y, k, ox: PAD + (MW - 2 * PAD - w * k) / 2, oy: PAD + (MH - 2 * PAD - hgt * k) / 2 };
  }

  draw() {
    this.el.hidden = this.model.graph.nodes.length <= LARGE;
    if (this.el.hidden) return;
    const { ctx } = this, f = this.frameOf();
    const px = (v) => f.ox + (v - f.x) * f.k, py = (v) => f.oy + (v - f.y) * f.k;
    ctx.clearRect(0, 0, MW, MH);
    ctx.fillStyle = "#ffe066";
    for (const n of this.model.graph.notes) ctx.fillRect(px(n.position.x), py(n.position.y), n.size.w * f.k, n.size.h * f.k);
    for (const n of this.model.graph.nodes) {
      ctx.fillStyle = kindColour(n.kind);
      ctx.fillRect(px(n.position.x), py(n.position.y), Math.max(2, W * f.k), Math.max(1.5, H * f.k));
    }
    const v = this.canvas.visible();
    ctx.fillStyle = "rgba(59, 91, 219, 0.08)";
    ctx.strokeStyle = "#3b5bdb";
    ctx.lineWidth = 1.5;
    ctx.fillRect(px(v.x), py(v.y), v.w * f.k, v.h * f.k);
    ctx.strokeRect(px(v.x), py(v.y), v.w * f.k, v.h * f.k);
  }

  go(e, f) {
    const r = this.el.getBoundingClientRect();
    this.canvas.centerOn({ x: f.x + (e.clientX - r.left - f.ox) / f.k, y: f.y + (e.clientY - r.top - f.oy) / f.k });
  }
}
