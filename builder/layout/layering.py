"""Layers: cycles broken, every node on a layer, and long edges cut into one step per layer.

Back edges of a depth-first search from the trigger are reversed, which keeps every loop's way
back (through its wait node) pointing up. A node's layer is its longest path from a source; an edge
that spans several layers gets a dummy node on each layer between its ends.
"""
from dataclasses import dataclass

from builder.catalog import ports_of


@dataclass
class LayeredGraph:
    """A proper layered graph: every edge of `up`/`down` joins adjacent layers.

    `layers` is a first order of each layer, `port_side[a, b]` in (-0.5, 0.5) says where under `a` the
    edge to `b` leaves it (``true`` left of ``false``, outcomes in declared order), and `edges` are
    the graph's edges between real nodes, for judging straight-line crossings.
    """

    layers: list
    layer_of: dict
    up: dict
    down: dict
    port_side: dict
    edges: list


def is_dummy(v) -> bool:
    return isinstance(v, tuple)


def layered_graph(graph: dict) -> LayeredGraph:
    """The layered graph of a normal-form `graph` (see :func:`builder.graph.read_graph`)."""
    ids = [node["id"] for node in graph["nodes"]]
    out = {v: [] for v in ids}
    ports = {node["id"]: ports_of(node) for node in graph["nodes"]}
    for edge in graph["edges"]:
        source_ports = ports[edge["source"]]
        index = source_ports.index(edge["port"]) if edge["port"] in source_ports else len(source_ports)
        out[edge["source"]].append((edge["target"], (index + 1) / (len(source_ports) + 2) - 0.5))
    kind = {node["id"]: node["kind"] for node in graph["nodes"]}
    roots = [v for v in ids if kind[v] == "trigger"] + [v for v in ids if kind[v] != "trigger"]
    dag = _break_cycles(roots, out)
    layer_of = _longest_path_layers(ids, dag)
    up, down, port_side = {v: [] for v in ids}, {v: [] for v in ids}, {}
    for (u, v), side in dag.items():
        chain = [u] + [("dummy", u, v, k) for k in range(layer_of[u] + 1, layer_of[v])] + [v]
        for k, (a, b) in enumerate(zip(chain, chain[1:])):
            up.setdefault(b, []).append(a)
            down.setdefault(a, []).append(b)
            down.setdefault(b, [])
            layer_of[b] = layer_of[u] + k + 1
            port_side[a, b] = side if a == u else 0.0
    layers = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for v in _preorder(roots, down, port_side):
        layers[layer_of[v]].append(v)
    edges = [(e["source"], e["target"]) for e in graph["edges"]]
    return LayeredGraph(layers, layer_of, up, down, port_side, edges)


def _break_cycles(roots, out) -> dict:
    """Edges (u, v) -> port side of an acyclic version of the graph: back edges reversed, self-loops dropped."""
    state, dag = {}, {}
    for root in roots:
        if root in state:
            continue
        state[root] = "open"
        stack = [(root, iter(sorted(out[root], key=lambda t: t[1])))]
        while stack:
            node, children = stack[-1]
            for target, side in children:
                if target == node:
                    continue
                if state.get(target) == "open":
                    dag.setdefault((target, node), 0.0)
                    continue
                dag[node, target] = min(side, dag.get((node, target), side))
                if target not in state:
                    state[target] = "open"
                    stack.append((target, iter(sorted(out[target], key=lambda t: t[1]))))
                    break
            else:
                state[node] = "done"
                stack.pop()
    return dag


def _longest_path_layers(ids, dag) -> dict:
    preds = {v: [] for v in ids}
    succs = {v: [] for v in ids}
    for u, v in dag:
        preds[v].append(u)
        succs[u].append(v)
    waiting = {v: len(preds[v]) for v in ids}
    ready = [v for v in ids if not waiting[v]]
    layer_of = {}
    for v in ready:  # grows while it is walked: Kahn's topological order
        layer_of[v] = max((layer_of[u] + 1 for u in preds[v]), default=0)
        for w in succs[v]:
            waiting[w] -= 1
            if not waiting[w]:
                ready.append(w)
    return layer_of


def _preorder(roots, down, port_side) -> list:
    """Depth-first order from the roots, children by port: a first order with few crossings."""
    seen, order = set(), []
    for root in roots:
        stack = [root]
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            order.append(v)
            stack.extend(sorted(down[v], key=lambda w: port_side[v, w], reverse=True))
    return order
