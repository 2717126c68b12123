// Auto-arrange: the layout API places the steps and notes, they glide there, and the move is one undoable command.
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
  const to = new Map([...data.graph.nodes, ...data.graph.notes].map((n) => [n.id, n.position])); // notes go in a column beside
  const moves = [...model.graph.nodes, ...model.graph.notes].filter((n) => to.has(n.id))
    .map((n) => ({ node: n, from: { ...n.position }, to: { ...to.get(n.id) } }))
    .filter((m) => m.from.x !== m.to.x || m.from.y !== m.to.y);
  if (!moves.length) { say("Already arranged."); return; }
  canvas.svg.dataset.animating = "";
  await glide(canvas, model, moves);
  delete canvas.svg.dataset.animating;
  moves.forEach((m) => { m.node.position = m.from; });
  model.execute(commands.move(moves));
  canvas.fit();
}

function glide(canvas, model, moves) {
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) return Promise.resolve();
  const items = moves.map((m) => m.node), ids = new Set(items.map((n) => n.id));
  const edges = model.graph.edges.filter((e) => ids.has(e.source) || ids.has(e.target));
  return new Promise((resolve) => {
    const started = performance.now();
    const step = (now) => {
      const t = ease(Math.min(1, (now - started) / DURATION_MS));
      moves.forEach((m) => { m.node.position = { x: m.from.x + (m.to.x - m.from.x) * t, y: m.from.y + (m.to.y - m.from.y) * t }; });
      canvas.place(items, edges);
      if (t < 1) requestAnimationFrame(step); else resolve();
    };
    requestAnimationFrame(step);
  });
}
