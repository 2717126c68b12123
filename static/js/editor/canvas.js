// The SVG canvas: keeps one element per step, edge and note, redraws only what changed, and turns pointer
// gestures into commands (one `mode` at a time). A drag, a resize or an arrangement gliding is a preview:
// positions and sizes in `preview`, drawn but never written to the model, until it commits as one command.
import { s } from "../lib/dom.js";
import { commands } from "./model.js";
import { GRID, H, W, curve, edgeShape, nodeShape, noteShape, portX } from "./shapes.js";

const snap = (v) => Math.round(v / GRID) * GRID;
const FAR = 0.45; // zoomed out further, steps are drawn as plain boxes: their text could not be read anyway

export class Canvas {
  constructor(svg, model, { onSelect, onHint, onEditNote }) {
    Object.assign(this, { svg, model, onSelect, onHint, onEditNote });
    this.view = { x: 40, y: 40, k: 1 };
    this.viewListeners = [];
    this.selected = new Set();
    this.marks = new Map(); // node id -> "problem"
    this.trace = null; // while a test run is shown: {nodes: Map id -> {status, when}, edges: Set of ids}
    this.mode = "idle";
    this.preview = new Map(); // id -> {position} or {size}: what a gesture or animation shows before it commits
    this.els = { node: new Map(), edge: new Map(), note: new Map() };
    this.root = s("g", { class: "viewport" });
    this.layers = { note: s("g", { class: "notes" }), edge: s("g", { class: "edges" }), node: s("g", { class: "nodes" }) };
    this.root.append(this.layers.note, this.layers.edge, this.layers.node);
    const arrow = (id, fill) => s("marker", { id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 12, markerHeight: 12,
      markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", fill }));
    svg.append(s("defs", {}, arrow("arrow", "#868e96"), arrow("arrow-on-path", "#2b8a3e")), this.root);
    svg.addEventListener("pointerdown", (e) => this.down(e));
    svg.addEventListener("pointermove", (e) => this.moveTo(e));
    svg.addEventListener("pointerup", (e) => this.up(e));
    svg.addEventListener("pointercancel", () => this.cancelGesture());
    svg.addEventListener("dragstart", (e) => e.preventDefault()); // a press on selected text would start a native drag
    svg.addEventListener("dblclick", (e) => { // the pointer capture of a drag makes the svg the target: look under the pointer
      const el = document.elementFromPoint(e.clientX, e.clientY)?.closest(".note");
      if (el) this.onEditNote(el.dataset.noteId);
    });
    svg.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    new ResizeObserver(([entry]) => { this.size = entry.contentRect; this.applyView(); }).observe(svg);
    model.onChange(() => this.draw());
  }

  onView(listener) { this.viewListeners.push(listener); }

  // An item as it is drawn: with the preview's position or size when a gesture or animation holds one.
  shown(item) {
    const over = item && this.preview.get(item.id);
    return over ? { ...item, ...over } : item;
  }

  portPoint(node, port) {
    const { position } = this.shown(node);
    return { x: position.x + portX(this.model.ports(node), port), y: position.y + H };
  }

  edgeD(edge, byId = null) {
    const find = (id) => (byId ? byId.get(id) : this.shown(this.model.node(id)));
    const from = find(edge.source), to = find(edge.target);
    return from && to ? curve(this.portPoint(from, edge.port), { x: to.position.x + W / 2, y: to.position.y }) : null;
  }

  // Bring the elements in line with the graph, rebuilding only those whose look changed.
  draw() {
    const nodes = this.model.graph.nodes.map((n) => this.shown(n)), byId = new Map(nodes.map((n) => [n.id, n]));
    this.sync("note", this.model.graph.notes.map((n) => this.shown(n)), (n) => [n.position.x, n.position.y, n.size.w, n.size.h, n.text, this.selected.has(n.id)],
      (n) => noteShape(n, this.selected.has(n.id)));
    this.sync("edge", this.model.graph.edges.filter((e) => byId.has(e.source) && byId.has(e.target)),
      (e) => [this.edgeD(e, byId), this.edgeClasses(e.id)], (e) => edgeShape(e.id, this.edgeD(e, byId), this.edgeClasses(e.id)));
    this.sync("node", nodes, (n) => [n.position.x, n.position.y, n.label, n.config, this.model.ports(n), ...Object.values(this.looks(n.id))],
      (n) => nodeShape(n, this.model.typeOf(n), this.model.ports(n), this.looks(n.id)));
    this.applyView();
  }

  sync(kind, items, keyOf, build) {
    const els = this.els[kind], seen = new Set();
    for (const item of items) {
      seen.add(item.id);
      const key = JSON.stringify(keyOf(item)), old = els.get(item.id);
      if (old?.key === key) continue;
      const el = build(item);
      el.key = key;
      if (old) old.replaceWith(el); else this.layers[kind].append(el);
      els.set(item.id, el);
    }
    for (const [id, el] of els) if (!seen.has(id)) { el.remove(); els.delete(id); }
  }

  looks(id) {
    const traced = this.trace && (this.trace.nodes.get(id) ?? { status: "not_reached" });
    return { selected: this.selected.has(id), status: traced ? traced.status : this.marks.get(id), when: traced?.when };
  }

  edgeClasses(id) {
    return [this.selected.has(id) && "selected", this.trace?.edges.has(id) && "on-path"].filter(Boolean).join(" ");
  }

  applyView() {
    const { x, y, k } = this.view;
    this.root.setAttribute("transform", `translate(${x},${y}) scale(${k})`);
    if (this.svg.classList.contains("far") !== k < FAR) this.svg.classList.toggle("far", k < FAR);
    this.svg.style.backgroundPosition = `${x}px ${y}px`;
    this.svg.style.backgroundSize = `${GRID * k}px ${GRID * k}px`;
    this.cull();
    this.viewListeners.forEach((l) => l());
  }

  // Take what lies outside the view (plus a margin) out of rendering: Chromium paints every element of an SVG.
  cull(items = [...this.model.graph.nodes, ...this.model.graph.notes].map((i) => this.shown(i)), edges = this.model.graph.edges) {
    const v = this.visible(), m = 100 / this.view.k;
    const show = (el, x, y, w, h) => {
      const hide = x > v.x + v.w + m || x + w < v.x - m || y > v.y + v.h + m || y + h < v.y - m;
      if (el && el.culled !== hide) { el.culled = hide; el.style.display = hide ? "none" : ""; }
    };
    for (const { id, position: p, size } of items) {
      if (size) show(this.els.note.get(id), p.x, p.y, size.w, size.h);
      else show(this.els.node.get(id), p.x, p.y - 20, W, H + 45);
    }
    const byId = new Map(this.model.graph.nodes.map((n) => [n.id, this.shown(n).position]));
    for (const e of edges) {
      const a = byId.get(e.source), b = byId.get(e.target);
      if (!a || !b) continue;
      const bend = Math.max(40, Math.abs(a.y + H - b.y) / 2); // how far the curve may swing past its ends
      show(this.els.edge.get(e.id), Math.min(a.x, b.x), Math.min(a.y, b.y) - bend, Math.abs(a.x - b.x) + W, Math.abs(a.y - b.y) + H + 2 * bend);
    }
  }

  toWorld(e) {
    const r = this.svg.getBoundingClientRect();
    return { x: (e.clientX - r.left - this.view.x) / this.view.k, y: (e.clientY - r.top - this.view.y) / this.view.k };
  }

  // The visible part of the world.
  visible() {
    const r = this.size ?? this.svg.getBoundingClientRect(), { x, y, k } = this.view;
    return { x: -x / k, y: -y / k, w: r.width / k, h: r.height / k };
  }

  centerOn(p) {
    const r = this.svg.getBoundingClientRect();
    this.view.x = r.width / 2 - p.x * this.view.k;
    this.view.y = r.height / 2 - p.y * this.view.k;
    this.applyView();
  }

  down(e) {
    if (e.button !== 0) return;
    getSelection()?.removeAllRanges(); // text selected by the last gesture would turn this press into a text drag
    this.model.settle(); // a gesture starts from where things are going, not from midway
    const port = e.target.closest(".port"), item = e.target.closest(".node, .note"), edgeEl = e.target.closest(".edge-group");
    const corner = e.target.closest(".note-resize");
    this.start = { e, world: this.toWorld(e), view: { ...this.view } };
    this.svg.setPointerCapture(e.pointerId);
    if (this.spaceHeld) this.mode = "pan";
    else if (corner) {
      this.mode = "resize";
      this.start.note = this.model.note(corner.closest(".note").dataset.noteId);
      this.start.size = { ...this.start.note.size };
    } else if (port) {
      this.mode = "connect";
      this.start.from = { node: port.closest(".node").dataset.nodeId, port: port.dataset.port };
      this.ghost = s("path", { class: "edge ghost" });
      this.root.append(this.ghost);
    } else if (item) {
      const id = item.dataset.nodeId ?? item.dataset.noteId;
      if (e.shiftKey) this.selected.has(id) ? this.selected.delete(id) : this.selected.add(id);
      else if (!this.selected.has(id)) this.selected = new Set([id]);
      this.select();
      this.startDrag();
    } else if (edgeEl) {
      this.selected = new Set([edgeEl.dataset.edgeId]);
      this.select();
    } else {
      this.mode = e.shiftKey ? "rubber" : "pan";
      if (!e.shiftKey && this.selected.size) { this.selected = new Set(); this.select(); }
      if (this.mode === "rubber") { this.band = s("rect", { class: "band" }); this.root.append(this.band); }
    }
  }

  startDrag() {
    this.mode = "drag";
    const items = [...this.selected].map((id) => this.model.node(id) ?? this.model.note(id)).filter(Boolean);
    const ids = new Set(items.map((i) => i.id));
    this.start.items = items.map((item) => ({ node: item, from: { ...item.position }, to: { ...item.position } }));
    this.start.edges = this.model.graph.edges.filter((e) => ids.has(e.source) || ids.has(e.target));
  }

  moveTo(e) {
    if (this.mode === "idle") return;
    const p = this.toWorld(e), d = { x: p.x - this.start.world.x, y: p.y - this.start.world.y };
    if (this.mode === "pan") {
      this.view.x = this.start.view.x + e.clientX - this.start.e.clientX;
      this.view.y = this.start.view.y + e.clientY - this.start.e.clientY;
      this.applyView();
    } else if (this.mode === "drag") {
      this.start.items.forEach((m) => { m.to = { x: m.from.x + d.x, y: m.from.y + d.y }; this.preview.set(m.node.id, { position: m.to }); });
      this.frame ??= requestAnimationFrame(() => { this.frame = null; this.placeMoving(); });
    } else if (this.mode === "resize") {
      const { note, size } = this.start;
      this.preview.set(note.id, { size: { w: Math.max(120, size.w + d.x), h: Math.max(60, size.h + d.y) } });
      this.frame ??= requestAnimationFrame(() => { this.frame = null; this.draw(); });
    } else if (this.mode === "connect") {
      const a = this.portPoint(this.model.node(this.start.from.node), this.start.from.port);
      this.ghost.setAttribute("d", `M${a.x},${a.y} L${p.x},${p.y}`);
    } else if (this.mode === "rubber") {
      const x = Math.min(p.x, this.start.world.x), y = Math.min(p.y, this.start.world.y);
      Object.entries({ x, y, width: Math.abs(d.x), height: Math.abs(d.y) }).forEach(([k, v]) => this.band.setAttribute(k, v));
    }
  }

  // The fast path while dragging or animating: move the given items' elements and redraw only their edges
  // (the minimap catches up when the move becomes a command).
  place(items, edges) {
    items = items.map((i) => this.shown(i));
    for (const item of items) {
      this.els.node.get(item.id)?.setAttribute("transform", `translate(${item.position.x},${item.position.y})`);
      this.els.note.get(item.id)?.setAttribute("transform", `translate(${item.position.x},${item.position.y})`);
    }
    for (const edge of edges) {
      const d = this.edgeD(edge), el = this.els.edge.get(edge.id);
      if (d && el) for (const path of el.children) path.setAttribute("d", d);
    }
    this.cull(items, edges);
  }

  placeMoving() { if (this.mode === "drag") this.place(this.start.items.map((m) => m.node), this.start.edges); }

  up(e) {
    const mode = this.mode;
    this.mode = "idle";
    if (mode === "drag") this.finishDrag();
    if (mode === "resize") this.finishResize();
    if (mode === "connect") this.finishConnect(e);
    if (mode === "rubber") this.finishRubber(this.toWorld(e));
    getSelection()?.removeAllRanges();
  }

  // The browser took the pointer away (a touch scroll, a native drag): drop the preview, change nothing.
  cancelGesture() {
    const mode = this.mode;
    this.mode = "idle";
    this.ghost?.remove();
    this.band?.remove();
    if (mode === "drag" || mode === "resize") { this.preview.clear(); this.draw(); }
  }

  finishDrag() {
    const moves = this.start.items.map((m) => ({ node: m.node, from: m.from, to: { x: snap(m.to.x), y: snap(m.to.y) } }))
      .filter((m) => m.to.x !== m.from.x || m.to.y !== m.from.y);
    this.start.items.forEach((m) => this.preview.delete(m.node.id));
    if (moves.length) this.model.execute(commands.move(moves));
    else this.place(this.start.items.map((m) => m.node), this.start.edges);
  }

  finishResize() {
    const { note, size } = this.start, seen = this.preview.get(note.id)?.size ?? size, to = { w: snap(seen.w), h: snap(seen.h) };
    this.preview.delete(note.id);
    if (to.w !== size.w || to.h !== size.h) this.model.execute(commands.resize(note, size, to));
    else this.draw();
  }

  finishConnect(e) {
    this.ghost.remove();
    const target = document.elementFromPoint(e.clientX, e.clientY)?.closest(".node");
    if (!target) return;
    const { node: source, port } = this.start.from, to = target.dataset.nodeId;
    const hint = this.refusal(source, port, to);
    if (hint) { this.onHint(hint); return; }
    this.model.execute(commands.connect({ id: this.model.newId("e"), source, target: to, port }));
  }

  refusal(source, port, target) {
    if (source === target) return "A step cannot connect to itself.";
    if (this.model.node(target)?.kind === "trigger") return "Nothing can lead into a trigger; it is where runs start.";
    if (this.model.graph.edges.some((e) => e.source === source && e.port === port && e.target === target))
      return "These two steps are already connected.";
    return null;
  }

  finishRubber(p) {
    this.band.remove();
    const x1 = Math.min(p.x, this.start.world.x), x2 = Math.max(p.x, this.start.world.x);
    const y1 = Math.min(p.y, this.start.world.y), y2 = Math.max(p.y, this.start.world.y);
    const inside = (x, y, w, h) => x >= x1 && x + w <= x2 && y >= y1 && y + h <= y2;
    this.selected = new Set([...this.model.graph.nodes.filter((n) => inside(n.position.x, n.position.y, W, H)),
      ...this.model.graph.notes.filter((n) => inside(n.position.x, n.position.y, n.size.w, n.size.h))].map((n) => n.id));
    this.select();
  }

  select() { this.draw(); this.onSelect(this.selected); }

  // The edge under a screen point, if any (a new step dropped there goes in between).
  edgeAt(clientX, clientY) {
    const id = document.elementFromPoint(clientX, clientY)?.closest(".edge-group")?.dataset.edgeId;
    return id ? this.model.edge(id) : null;
  }

  wheel(e) {
    e.preventDefault();
    const r = this.svg.getBoundingClientRect();
    this.zoomAt(e.clientX - r.left, e.clientY - r.top, e.deltaY < 0 ? 1.1 : 1 / 1.1);
  }

  zoomAt(px, py, factor) {
    const k = Math.min(2.5, Math.max(0.1, this.view.k * factor));
    this.view.x = px - ((px - this.view.x) * k) / this.view.k;
    this.view.y = py - ((py - this.view.y) * k) / this.view.k;
    this.view.k = k;
    this.applyView();
  }

  zoomAtCenter(factor) {
    const r = this.size ?? this.svg.getBoundingClientRect();
    this.zoomAt(r.width / 2, r.height / 2, factor);
  }

  // The box around every step and note, in world units.
  bounds() {
    const boxes = [...this.model.graph.nodes.map((n) => ({ ...n.position, w: W, h: H + 30 })),
      ...this.model.graph.notes.map((n) => ({ ...n.position, w: n.size.w, h: n.size.h }))];
    if (!boxes.length) return null;
    const x = Math.min(...boxes.map((b) => b.x)), y = Math.min(...boxes.map((b) => b.y));
    return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
  }

  fit() {
    const box = this.bounds();
    if (!box) return;
    const r = this.svg.getBoundingClientRect();
    const k = Math.min(1.2, Math.max(0.1, Math.min((r.width - 80) / box.w, (r.height - 80) / box.h)));
    this.view = { k, x: (r.width - box.w * k) / 2 - box.x * k, y: 40 - box.y * k };
    this.applyView();
  }
}
