// The workflow being edited and the one command stack every change goes through (undo/redo).
export class Model {
  constructor(workflow, types) {
    this.workflow = workflow;
    this.graph = structuredClone(workflow.graph);
    this.graph.notes ??= [];
    this.types = types; // "kind/type" -> catalog entry
    this.done = [];
    this.undone = [];
    this.listeners = [];
    this.dirty = false;
  }

  typeOf(node) { return this.types.get(`${node.kind}/${node.type}`); }
  node(id) { return this.graph.nodes.find((n) => n.id === id); }
  trigger() { return this.graph.nodes.find((n) => n.kind === "trigger"); }

  ports(node) {
    if (node.type === "human_task") {
      const outcomes = Array.isArray(node.config.outcomes) && node.config.outcomes.length ? node.config.outcomes : ["done"];
      return [...new Set(outcomes.filter((o) => o && o !== "timeout")), "timeout"];
    }
    return this.typeOf(node)?.ports ?? ["next"];
  }

  onChange(listener) { this.listeners.push(listener); }
  changed() { this.dirty = true; this.listeners.forEach((l) => l()); }

  // A command is {label, apply(graph), revert(graph)}; both mutate the graph in place.
  execute(command) {
    command.apply(this.graph);
    this.done.push(command);
    this.undone = [];
    this.changed();
  }
  undo() {
    const command = this.done.pop();
    if (!command) return;
    command.revert(this.graph);
    this.undone.push(command);
    this.changed();
  }
  redo() {
    const command = this.undone.pop();
    if (!command) return;
    command.apply(this.graph);
    this.done.push(command);
    this.changed();
  }

  newId(prefix) {
    const taken = new Set([...this.graph.nodes, ...this.graph.edges].map((x) => x.id));
    let i = 1;
    while (taken.has(`${prefix}${i}`)) i += 1;
    return `${prefix}${i}`;
  }
}

// The commands: each keeps what it needs to revert itself exactly.
export const commands = {
  addNode: (node) => ({
    apply: (g) => g.nodes.push(node),
    revert: (g) => { g.nodes = g.nodes.filter((n) => n !== node); },
  }),
  connect: (edge) => ({
    apply: (g) => g.edges.push(edge),
    revert: (g) => { g.edges = g.edges.filter((e) => e !== edge); },
  }),
  remove: (graph, nodeIds, edgeIds) => {
    const nodes = graph.nodes.filter((n) => nodeIds.has(n.id));
    const edges = graph.edges.filter((e) => edgeIds.has(e.id) || nodeIds.has(e.source) || nodeIds.has(e.target));
    return {
      apply: (g) => {
        g.nodes = g.nodes.filter((n) => !nodes.includes(n));
        g.edges = g.edges.filter((e) => !edges.includes(e));
      },
      revert: (g) => { g.nodes.push(...nodes); g.edges.push(...edges); },
    };
  },
  move: (moves) => ({ // [{node, from, to}]
    apply: () => moves.forEach((m) => { m.node.position = { ...m.to }; }),
    revert: () => moves.forEach((m) => { m.node.position = { ...m.from }; }),
  }),
  setConfig: (node, key, before, after) => ({
    apply: () => { node.config[key] = structuredClone(after); },
    revert: () => { node.config[key] = structuredClone(before); },
  }),
  setLabel: (node, before, after) => ({
    apply: () => { node.label = after; },
    revert: () => { node.label = before; },
  }),
};
