// The workflow being edited and the one command stack every change goes through (undo/redo).
import { catalog, portsOf } from "./catalog.js";
import { autoLabel } from "./summaries.js";

export class Model {
  constructor(workflow) {
    this.workflow = workflow;
    this.graph = structuredClone(workflow.graph);
    // The workflow's own settings, edited through commands like the graph and saved with it.
    this.meta = structuredClone({ name: workflow.name, description: workflow.description ?? "",
      timezone: workflow.timezone, settings: { reenroll: false, exit_when: null, ...workflow.settings } });
    this.graph.notes ??= [];
    this.done = [];
    this.undone = [];
    this.listeners = [];
    this.landing = null; // how to finish what is still moving (an arrangement gliding), if anything is
    this.dirty = false;
  }

  typeOf(node) { return catalog.types.get(`${node.kind}/${node.type}`); }
  node(id) { return this.graph.nodes.find((n) => n.id === id); }
  note(id) { return this.graph.notes.find((n) => n.id === id); }
  edge(id) { return this.graph.edges.find((e) => e.id === id); }
  trigger() { return this.graph.nodes.find((n) => n.kind === "trigger"); }

  ports(node) { return portsOf(node, this.typeOf(node)); }

  onChange(listener) { this.listeners.push(listener); }
  changed() { this.dirty = true; this.listeners.forEach((l) => l()); }

  // Something still changing the graph on its own (an animation) calls `busy` with how to finish it at once;
  // `settle` does that before every command, undo and redo, and before the graph is saved or grabbed.
  busy(land) { this.landing = land; }
  settle() {
    const land = this.landing;
    this.landing = null;
    land?.();
  }

  // A command is {apply(graph), revert(graph)}; both mutate the graph in place. Commands that share a
  // `coalesce` key with the last one (keystrokes in one field) become one undo step that reverts to before the first.
  execute(command) {
    this.settle();
    command.apply(this.graph);
    const last = this.done.at(-1);
    if (command.coalesce && last?.coalesce === command.coalesce && !this.undone.length) {
      this.done[this.done.length - 1] = { ...command, revert: last.revert };
    } else this.done.push(command);
    this.undone = [];
    this.changed();
  }
  undo() {
    this.settle();
    const command = this.done.pop();
    if (!command) return;
    command.revert(this.graph);
    this.undone.push(command);
    this.changed();
  }
  redo() {
    this.settle();
    const command = this.undone.pop();
    if (!command) return;
    command.apply(this.graph);
    this.done.push(command);
    this.changed();
  }

  newId(prefix, given = new Set()) { // `given`: ids handed out but not in the graph yet
    const taken = new Set([...given, ...[...this.graph.nodes, ...this.graph.edges, ...this.graph.notes].map((x) => x.id)]);
    let i = 1;
    while (taken.has(`${prefix}${i}`)) i += 1;
    return `${prefix}${i}`;
  }
}

// The commands: each keeps what it needs to revert itself exactly.
export const commands = {
  all: (list) => ({ // several commands undone and redone as one
    apply: (g) => list.forEach((c) => c.apply(g)),
    revert: (g) => [...list].reverse().forEach((c) => c.revert(g)),
  }),
  addNode: (node) => ({
    apply: (g) => g.nodes.push(node),
    revert: (g) => { g.nodes = g.nodes.filter((n) => n !== node); },
  }),
  addNote: (note) => ({
    apply: (g) => g.notes.push(note),
    revert: (g) => { g.notes = g.notes.filter((n) => n !== note); },
  }),
  connect: (edge) => ({
    apply: (g) => g.edges.push(edge),
    revert: (g) => { g.edges = g.edges.filter((e) => e !== edge); },
  }),
  retarget: (edge, target) => {
    const before = edge.target;
    return { apply: () => { edge.target = target; }, revert: () => { edge.target = before; } };
  },
  remove: (graph, ids) => {
    const nodes = graph.nodes.filter((n) => ids.has(n.id));
    const notes = graph.notes.filter((n) => ids.has(n.id));
    const edges = graph.edges.filter((e) => ids.has(e.id) || ids.has(e.source) || ids.has(e.target));
    return {
      apply: (g) => {
        g.nodes = g.nodes.filter((n) => !nodes.includes(n));
        g.notes = g.notes.filter((n) => !notes.includes(n));
        g.edges = g.edges.filter((e) => !edges.includes(e));
      },
      revert: (g) => { g.nodes.push(...nodes); g.notes.push(...notes); g.edges.push(...edges); },
    };
  },
  move: (moves) => ({ // [{node, from, to}]; `node` is anything with a position (a step or a note)
    apply: () => moves.forEach((m) => { m.node.position = { ...m.to }; }),
    revert: () => moves.forEach((m) => { m.node.position = { ...m.from }; }),
  }),
  resize: (note, from, to) => ({
    apply: () => { note.size = { ...to }; },
    revert: () => { note.size = { ...from }; },
  }),
  setConfig: (node, key, before, after, coalesce) => { // a label never edited by hand follows the settings
    const labelBefore = node.label, followed = autoLabel(node) !== null && autoLabel(node) === node.label;
    return {
      coalesce,
      apply: () => {
        node.config[key] = structuredClone(after);
        if (followed) node.label = autoLabel(node) ?? labelBefore;
      },
      revert: () => { node.config[key] = structuredClone(before); node.label = labelBefore; },
    };
  },
  setConfigs: (node, after) => { // several keys as one step, for a picker that writes more than one
    const parts = Object.entries(after).map(([key, value]) => commands.setConfig(node, key, node.config[key], value));
    return { apply: () => parts.forEach((c) => c.apply()), revert: () => [...parts].reverse().forEach((c) => c.revert()) };
  },
  setBranches: (graph, node, before, after, renamed, coalesce) => { // edges leaving a renamed branch follow it
    const leaving = graph.edges.filter((e) => e.source === node.id), ports = leaving.map((e) => e.port);
    const moved = renamed ? leaving.filter((e) => e.port === renamed.from) : [];
    return { // revert restores every leaving port, so keystrokes coalesced into one step undo as one
      coalesce,
      apply: () => { node.config.branches = structuredClone(after); moved.forEach((e) => { e.port = renamed.to; }); },
      revert: () => { node.config.branches = structuredClone(before); leaving.forEach((e, i) => { e.port = ports[i]; }); },
    };
  },
  setLabel: (node, before, after, coalesce) => ({
    coalesce,
    apply: () => { node.label = after; },
    revert: () => { node.label = before; },
  }),
  setMeta: (meta, key, before, after, coalesce) => ({ // name, description, timezone or settings of the workflow
    coalesce,
    apply: () => { meta[key] = structuredClone(after); },
    revert: () => { meta[key] = structuredClone(before); },
  }),
  setText: (note, before, after) => ({
    apply: () => { note.text = after; },
    revert: () => { note.text = before; },
  }),
  replaceGraph: (graph, next) => { // a restored version: the whole graph at once, keeping the objects undo refers to
    const parts = (g) => ({ nodes: [...g.nodes], edges: [...g.edges], notes: [...(g.notes ?? [])] });
    const before = parts(graph), after = parts(structuredClone(next));
    return { apply: (g) => Object.assign(g, parts(after)), revert: (g) => Object.assign(g, parts(before)) };
  },
};
