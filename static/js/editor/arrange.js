// Auto-arrange: the layout API places the steps and notes, they glide there as a preview on the canvas (the model
// keeps the old positions), and the move commits as one undoable command when the glide ends. Whatever comes
// first (Undo, a save, a gesture) lands the glide at once, so nothing ever sees positions half-way.
import { api } from "../lib/api.js";
import { commands } from "./model.js";

const DURATION_MS = 400;
const ease = (t) => 1 - (1 - t) ** 3;

export async function autoArrange({ workflowId, model, canvas, say }) {
  if ("animating" in canvas.svg.dataset) return;
  let data;
  try {
    ({ data } = await api("POST", `/api/workflows/${workflowId}/layout`, { graph: model.graph }));
  } catch (error) { say(`Not arranged: ${error.message}`, "error"); return; }
  model.settle(); // an arrangement asked for just before lands first: moves start from real positions
  const to = new Map([...data.graph.nodes, ...data.graph.notes].map((n) => [n.id, n.position])); // notes go in a column beside
  const moves = [...model.graph.nodes, ...model.graph.notes].filter((n) => to.has(n.id))
    .map((n) => ({ node: n, from: { ...n.position }, to: { ...to.get(n.id) } }))
    .filter((m) => m.from.x !== m.to.x || m.from.y !== m.to.y);
  if (data.complete === false) { // the server's CPU deadline cut the layout short; it holds the best so far, or a grid
    say("Arranged as far as time allowed; the layout may be rougher than usual. Try again, or move steps by hand.");
  } else if (!moves.length) { say("Already arranged."); return; }
  if (!moves.length) return;
  let frame = null;
  canvas.svg.dataset.animating = "";
  model.busy(() => {
    cancelAnimationFrame(frame);
    delete canvas.svg.dataset.animating;
    moves.forEach((m) => canvas.preview.delete(m.node.id));
    model.execute(commands.move(moves));
  });
  const end = () => { model.settle(); canvas.fit(); };
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) { end(); return; }
  const items = moves.map((m) => m.node), ids = new Set(items.map((n) => n.id));
  const edges = model.graph.edges.filter((e) => ids.has(e.source) || ids.has(e.target));
  const started = performance.now();
  const step = (now) => {
    const t = ease(Math.min(1, (now - started) / DURATION_MS));
    moves.forEach((m) => canvas.preview.set(m.node.id, { position: { x: m.from.x + (m.to.x - m.from.x) * t, y: m.from.y + (m.to.y - m.from.y) * t } }));
    canvas.place(items, edges);
    if (t < 1) frame = requestAnimationFrame(step); else end();
  };
  frame = requestAnimationFrame(step);
}
