// The SVG shapes of the canvas: a step, an edge's curve, a sticky note. Pure builders, no state.
import { s } from "../lib/dom.js";
import { catalog, kindColour } from "./catalog.js";
import { iconAt } from "./icons.js";
import { noteText } from "./notetext.js";
import { portLabel, summary } from "./summaries.js";

export const W = catalog.nodeSize.w, H = catalog.nodeSize.h, GRID = 20;

export const portX = (ports, port) => ((Math.max(0, ports.indexOf(port)) + 1) * W) / (ports.length + 1);

export function curve(a, b) {
  const bend = Math.max(40, Math.abs(b.y - a.y) / 2);
  return `M${a.x},${a.y} C${a.x},${a.y + bend} ${b.x},${b.y - bend} ${b.x},${b.y - 2}`;
}

// One edge: a wide invisible path to hit (and to drop a new step onto) under the visible curve.
export function edgeShape(id, d, classes) {
  return s("g", { class: "edge-group", "data-edge-id": id },
    s("path", { d, class: "edge-hit" }), s("path", { d, class: `edge ${classes}`.trim(),
      "marker-end": classes.includes("on-path") ? "url(#arrow-on-path)" : "url(#arrow)" }));
}

export function nodeShape(node, type, ports, { selected, status, when }) {
  const colour = kindColour(node.kind), said = summary(node, type);
  const g = s("g", { class: `node${selected ? " selected" : ""}`, "data-node-id": node.id, "data-kind": node.kind,
    "data-status": status, transform: `translate(${node.position.x},${node.position.y})` },
  s("rect", { width: W, height: H, rx: 10, class: "box" }),
  s("rect", { width: 6, height: H, rx: 3, fill: colour }),
  s("g", { color: colour }, iconAt(type?.icon, 15, 14, 18)),
  s("text", { x: 39, y: 28, class: "label", text: clip(node.label || type?.label || node.type, 30) }),
  s("text", { x: 15, y: 53, class: "summary", text: clip(said, 36) }, s("title", { text: said })),
  s("circle", { cx: W / 2, cy: 0, r: 5, class: "inport" }),
  when ? s("text", { x: W / 2 + 12, y: -6, class: "when", text: when.short }, s("title", { text: when.long })) : null);
  for (const port of ports) {
    const x = portX(ports, port), label = portLabel(port);
    g.append(s("g", { class: "port", "data-port": port }, s("circle", { cx: x, cy: H, r: 7 }),
      label === "" ? null : s("text", { x, y: H + 20, class: "port-label", text: label })));
  }
  return g;
}

export function noteShape(note, selected) {
  const { x, y } = note.position, { w, h: height } = note.size;
  return s("g", { class: `note${selected ? " selected" : ""}`, "data-note-id": note.id, transform: `translate(${x},${y})` },
    s("rect", { width: w, height, rx: 4, class: "note-paper" }),
    note.text ? noteText(note.text, w, height) : s("text", { x: 10, y: 26, class: "note-text muted", text: "Double-click to write a note" }),
    s("path", { d: `M${w - 14},${height} L${w},${height - 14} L${w},${height} Z`, class: "note-resize" }));
}

function clip(text, n) { return text.length > n ? `${text.slice(0, n - 1)}…` : text; }
