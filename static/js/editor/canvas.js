// The SVG canvas: draws nodes and edges, and turns pointer gestures into commands (one `mode` at a time).
import { s } from "../lib/dom.js";
import { commands } from "./model.js";
import { PORT_LABELS, summary } from "./summaries.js";

export const W = 240, H = 72, GRID = 20;
const KIND_COLOURS = { trigger: "#2b8a3e", condition: "#e67700", wait: "#1971c2", human_task: "#9c36b5", action: "#3b5bdb" };
const snap = (v) => Math.round(v / GRID) * GRID;

export class Canvas {
  constructor(svg, model, { onSelect, onHint }) {
    Object.assign(this, { svg, model, onSelect, onHint });
    this.view = { x: 40, y: 40, k: 1 };
    this.selected = new Set();
    this.marks = new Map(); // node id -> status (problem / path)
    this.mode = "idle";
    this.root = s("g", { class: "viewport" });
    this.edgeLayer = s("g");
    this.nodeLayer = s("g");
    this.root.append(this.edgeLayer, this.nodeLayer);
    svg.append(s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#868e96" }))), this.root);
    svg.addEventListener("pointerdown", (e) => this.down(e));
    svg.addEventListener("pointermove", (e) => this.moveTo(e));
    svg.addEventListener("pointerup", (e) => this.up(e));
    svg.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    model.onChange(() => this.draw());
  }

  portPoint(node, port) {
    const ports = this.model.ports(node);
    const i = Math.max(0, ports.indexOf(port));
    return { x: node.position.x + ((i + 1) * W) / (ports.length + 1), y: node.position.y + H };
  }

  draw() {
    this.root.setAttribute("transform", `translate(${this.view.x},${this.view.y}) scale(${this.view.k})`);
    this.edgeLayer.replaceChildren(...this.model.graph.edges.map((e) => this.drawEdge(e)).filter(Boolean));
    this.nodeLayer.replaceChildren(...this.model.graph.nodes.map((n) => this.drawNode(n)));
  }

  drawEdge(edge) {
    const from = this.model.node(edge.source), to = this.model.node(edge.target);
    if (!from || !to) return null;
    const a = this.portPoint(from, edge.port), b = { x: to.position.x + W / 2, y: to.position.y };
    const bend = Math.max(40, Math.abs(b.y - a.y) / 2);
    const d = `M${a.x},${a.y} C${a.x},${a.y + bend} ${b.x},${b.y - bend} ${b.x},${b.y - 2}`;
    return s("path", { d, class: `edge${this.selected.has(edge.id) ? " selected" : ""}`, "data-edge-id": edge.id,
      "marker-end": "url(#arrow)" });
  }

  drawNode(node) {
    const { x, y } = node.position, type = this.model.typeOf(node);
    const colour = KIND_COLOURS[node.kind] ?? "#495057";
    const status = this.marks.get(node.id);
    const g = s("g", { class: `node${this.selected.has(node.id) ? " selected" : ""}`, "data-node-id": node.id,
      "data-kind": node.kind, "data-status": status, transform: `translate(${x},${y})` },
      s("rect", { width: W, height: H, rx: 10, class: "box" }),
      s("rect", { width: 6, height: H, rx: 3, fill: colour }),
      s("text", { x: 18, y: 26, class: "label", text: clip(node.label || type?.label || node.type, 30) }),
      s("text", { x: 18, y: 48, class: "summary", text: clip(summary(node), 36) }),
      s("circle", { cx: W / 2, cy: 0, r: 5, class: "inport" }));
    this.model.ports(node).forEach((port) => {
      const p = this.portPoint(node, port);
      g.append(s("g", { class: "port", "data-port": port },
        s("circle", { cx: p.x - x, cy: H, r: 7 }),
        PORT_LABELS[port] === "" ? null : s("text", { x: p.x - x, y: H + 20, class: "port-label",
          text: PORT_LABELS[port] ?? port })));
    });
    return g;
  }

  toWorld(e) {
    const r = this.svg.getBoundingClientRect();
    return { x: (e.clientX - r.left - this.view.x) / this.view.k, y: (e.clientY - r.top - this.view.y) / this.view.k };
  }

  down(e) {
    const port = e.target.closest(".port"), nodeEl = e.target.closest(".node"), edgeEl = e.target.closest(".edge");
    this.start = { e, world: this.toWorld(e), view: { ...this.view } };
    this.svg.setPointerCapture(e.pointerId);
    if (port) {
      this.mode = "connect";
      this.start.from = { node: port.closest(".node").dataset.nodeId, port: port.dataset.port };
      this.ghost = s("path", { class: "edge ghost" });
      this.root.append(this.ghost);
    } else if (nodeEl) {
      const id = nodeEl.dataset.nodeId;
      if (e.shiftKey) this.selected.has(id) ? this.selected.delete(id) : this.selected.add(id);
      else if (!this.selected.has(id)) this.selected = new Set([id]);
      this.mode = "drag";
      this.start.nodes = [...this.selected].map((nid) => this.model.node(nid)).filter(Boolean)
        .map((n) => ({ node: n, from: { ...n.position } }));
      this.select();
    } else if (edgeEl) {
      this.selected = new Set([edgeEl.dataset.edgeId]);
      this.select();
    } else {
      this.mode = e.shiftKey ? "rubber" : "pan";
      if (!e.shiftKey && this.selected.size) { this.selected = new Set(); this.select(); }
      if (this.mode === "rubber") { this.band = s("rect", { class: "band" }); this.root.append(this.band); }
    }
  }

  moveTo(e) {
    if (this.mode === "idle") return;
    const p = this.toWorld(e), d = { x: p.x - this.start.world.x, y: p.y - this.start.world.y };
    if (this.mode === "pan") {
      this.view.x = this.start.view.x + e.clientX - this.start.e.clientX;
      this.view.y = this.start.view.y + e.clientY - this.start.e.clientY;
      this.root.setAttribute("transform", `translate(${this.view.x},${this.view.y}) scale(${this.view.k})`);
    } else if (this.mode === "drag") {
      this.start.nodes.forEach((m) => { m.node.position = { x: m.from.x + d.x, y: m.from.y + d.y }; });
      requestAnimationFrame(() => this.draw());
    } else if (this.mode === "connect") {
      const a = this.portPoint(this.model.node(this.start.from.node), this.start.from.port);
      this.ghost.setAttribute("d", `M${a.x},${a.y} L${p.x},${p.y}`);
    } else if (this.mode === "rubber") {
      const x = Math.min(p.x, this.start.world.x), y = Math.min(p.y, this.start.world.y);
      Object.entries({ x, y, width: Math.abs(d.x), height: Math.abs(d.y) }).forEach(([k, v]) => this.band.setAttribute(k, v));
    }
  }

  up(e) {
    const mode = this.mode;
    this.mode = "idle";
    if (mode === "drag") this.finishDrag();
    if (mode === "connect") this.finishConnect(e);
    if (mode === "rubber") this.finishRubber(this.toWorld(e));
  }

  finishDrag() {
    const moves = this.start.nodes.map((m) => ({ ...m, to: { x: snap(m.node.position.x), y: snap(m.node.position.y) } }))
      .filter((m) => m.to.x !== m.from.x || m.to.y !== m.from.y);
    this.start.nodes.forEach((m) => { m.node.position = { ...m.from }; });
    if (moves.length) this.model.execute(commands.move(moves));
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
    this.selected = new Set(this.model.graph.nodes.filter((n) => n.position.x >= x1 && n.position.x + W <= x2
      && n.position.y >= y1 && n.position.y + H <= y2).map((n) => n.id));
    this.select();
  }

  select() { this.draw(); this.onSelect(this.selected); }

  wheel(e) {
    e.preventDefault();
    const r = this.svg.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
    this.zoomAt(px, py, e.deltaY < 0 ? 1.1 : 1 / 1.1);
  }

  zoomAt(px, py, factor) {
    const k = Math.min(2.5, Math.max(0.2, this.view.k * factor));
    this.view.x = px - ((px - this.view.x) * k) / this.view.k;
    this.view.y = py - ((py - this.view.y) * k) / this.view.k;
    this.view.k = k;
    this.draw();
  }

  fit() {
    const nodes = this.model.graph.nodes;
    if (!nodes.length) return;
    const r = this.svg.getBoundingClientRect();
    const xs = nodes.map((n) => n.position.x), ys = nodes.map((n) => n.position.y);
    const minX = Math.min(...xs), minY = Math.min(...ys), w = Math.max(...xs) + W - minX, hgt = Math.max(...ys) + H + 30 - minY;
    const k = Math.min(1.2, Math.max(0.2, Math.min((r.width - 80) / w, (r.height - 80) / hgt)));
    this.view = { k, x: (r.width - w * k) / 2 - minX * k, y: 40 - minY * k };
    this.draw();
  }

  dropPoint(clientX, clientY) {
    return this.toWorld({ clientX, clientY });
  }
}

function clip(text, n) { return text.length > n ? `${text.slice(0, n - 1)}…` : text; }
