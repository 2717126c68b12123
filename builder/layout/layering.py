"""Layers: cycles broken, every node on a layer, and long edges cut into one step per layer.

Back edges of a depth-first search from the trigger are reversed, which keeps every loop's way
back (through its wait node) pointing up. Nodes start on the layer of their longest path from a
source and then slide down where that shortens edges; an edge that still spans several layers gets
a dummy node on each layer between its ends.

Port order is a constraint on the children a condition or human task leads to alone, on the layer
just below it: ``true`` left of ``false``, outcomes in declared order. A child that other nodes lead
into too (a join), a long edge and the ``next``/``error``/``timeout`` ports are free to go where
they cross least.
"""
import itertools
import math
from dataclasses import dataclass

from builder.catalog import ports_of
from builder.layout.budget import Budget

# Budget units per node a move looks at: a node moved costs about three edge pairs compared.
MOVE_COST = 3

# Edge shortening by groups: at most this many nodes pushed down together, in at most this many passes.
GROUP_LIMIT, GROUP_PASSES = 8, 4


@dataclass
class LayeredGraph:
    """A proper layered graph: every edge of `up`/`down` joins adjacent layers.

    `layers` holds the nodes of each layer (real ones in document order, then dummies), `down[v]`
    lists v's children in port order, `held[v]` the children that must keep that order, and `edges`
    are the graph's edges between real nodes, for judging straight-line crossings.
    """

    layers: list
    layer_of: dict
    up: dict
    down: dict
    held: dict
    edges: list


def is_dummy(v) -> bool:
    return isinstance(v, int)


def layered_graph(graph: dict, budget: Budget | None = None) -> LayeredGraph:
    """The layered graph of a normal-form `graph` (see :func:`builder.graph.read_graph`); edges are shortened
    until `budget` is spent."""
    ids = [node["id"] for node in graph["nodes"]]
    nodes = {node["id"]: node for node in graph["nodes"]}
    ports = {v: ports_of(nodes[v]) for v in ids}
    out = {v: [] for v in ids}  # (target, port rank, held by port order)
    for edge in graph["edges"]:
        source, port = edge["source"], edge["port"]
        rank = ports[source].index(port) if port in ports[source] else len(ports[source])
        out[source].append((edge["target"], rank, port in _ordered_ports(nodes[source], ports[source])))
    roots = [v for v in ids if nodes[v]["kind"] == "trigger"] + [v for v in ids if nodes[v]["kind"] != "trigger"]
    dag = _break_cycles(roots, out)
    preds, succs = {v: [] for v in ids}, {v: [] for v in ids}
    for u, v in dag:
        preds[v].append(u)
        succs[u].append(v)
    layer_of, order = _longest_path_layers(ids, preds, succs)
    pinned = {v for v in ids if nodes[v]["kind"] == "trigger"}
    _shorten_edges(order, preds, succs, layer_of, pinned)
    _push_groups(order, preds, succs, layer_of, pinned, budget or Budget())
    up, down = {v: [] for v in ids}, {v: [] for v in ids}
    dummies = itertools.count()
    for u, v in sorted(dag, key=lambda edge: dag[edge][0]):
        above = u
        for layer in range(layer_of[u] + 1, layer_of[v]):  # a dummy on every layer the edge passes
            dummy = next(dummies)
            up[dummy], down[dummy], layer_of[dummy] = [above], [], layer
            down[above].append(dummy)
            above = dummy
        up[v].append(above)
        down[above].append(v)
    held = {u: [v for v in down[u] if len(up[v]) == 1 and dag.get((u, v), (0, False))[1]] for u in ids}
    layers = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for v in down:
        layers[layer_of[v]].append(v)
    edges = [(e["source"], e["target"]) for e in graph["edges"]]
    return LayeredGraph(layers, layer_of, up, down, {u: kids for u, kids in held.items() if len(kids) > 1}, edges)


def _ordered_ports(node, ports) -> list:
    if node["kind"] == "condition":
        return ports
    return [port for port in ports if port != "timeout"] if node["kind"] == "human_task" else []


def _break_cycles(roots, out) -> dict:
    """Edges (u, v) -> (port rank, held) of an acyclic version of the graph.

    Back edges of a depth-first search are reversed (and held by no port order), self-loops dropped.
    """
    state, dag = {}, {}
    for root in roots:
        if root in state:
            continue
        state[root] = "open"
        stack = [(root, iter(sorted(out[root], key=lambda t: t[1])))]
        while stack:
            node, children = stack[-1]
            for target, rank, held in children:
                if target == node:
                    continue
                if state.get(target) == "open":
                    dag.setdefault((target, node), (math.inf, False))
                    continue
                dag[node, target] = min((rank, held), dag.get((node, target), (rank, held)))
                if target not in state:
                    state[target] = "open"
                    stack.append((target, iter(sorted(out[target], key=lambda t: t[1]))))
                    break
            else:
                state[node] = "done"
                stack.pop()
    return dag


def _longest_path_layers(ids, preds, succs) -> tuple:
    """Each node's layer (its longest path from a source) and the nodes in topological order."""
    waiting = {v: len(preds[v]) for v in ids}
    order = [v for v in ids if not waiting[v]]
    layer_of = {}
    for v in order:  # grows while it is walked: Kahn's topological order
        layer_of[v] = max((layer_of[u] + 1 for u in preds[v]), default=0)
        for w in succs[v]:
            waiting[w] -= 1
            if not waiting[w]:
                order.append(w)
    return layer_of, order


def _shorten_edges(order, preds, succs, layer_of, pinned) -> None:
    """Move nodes down where that shortens the edges in total, in one pass up and one down.

    Longest paths put every node as high as it can go, which leaves a long edge from a node with many
    edges out above the nodes they lead to. Each layer a node moves down shortens its edges out and
    lengthens its edges in; so from the bottom up, a node with more edges out than in moves down until it
    meets its nearest successor. A node whose successors all float (sinks, and nodes leading only to
    floating ones) floats too: nothing pulls it down, and it is set just below its lowest predecessor.
    """
    floating = set()
    for v in reversed(order):
        if v in pinned:
            continue
        anchored = [layer_of[w] for w in succs[v] if w not in floating]
        if not anchored:
            floating.add(v)
        elif len(preds[v]) < len(anchored):
            layer_of[v] = min(anchored) - 1
    for v in order:
        if v in floating:
            layer_of[v] = max((layer_of[u] + 1 for u in preds[v]), default=0)


def _push_groups(order, preds, succs, layer_of, pinned, budget: Budget) -> None:
    """Move a node down a layer with the few nodes it would push ahead of it, while that shortens the
    edges in total (Nikolov et al.'s promotion, downwards): what one node at a time cannot do.

    A group is given up past GROUP_LIMIT nodes, and the passes are at most GROUP_PASSES, so this stays
    linear in the size of the graph. A node whose push failed is tried again only once a node whose layer
    that push read has moved since.
    """
    moved_at = {}  # node -> the try after which its layer last changed
    failed = {}  # node -> (the try that failed, the nodes whose layers it read)
    tries = 0
    for _ in range(GROUP_PASSES):
        improved = False
        for v in order:
            if budget.spent:
                return
            if v in pinned or not succs[v]:
                continue
            if v in failed:
                tried, read = failed[v]
                if all(moved_at.get(w, -1) < tried for w in read):
                    continue  # it would fail the same way
            below = layer_of[v] + 1
            if len(preds[v]) >= len(succs[v]) and all(layer_of[w] != below for w in succs[v]):
                continue  # alone, and moving it alone would lengthen its edges
            tries += 1
            moved, change, stack, read = {}, 0, [v], [v]
            while stack and len(moved) <= GROUP_LIMIT:  # v one layer down, and every successor it lands on
                w = stack.pop()
                if w in moved:
                    continue
                moved[w] = layer = layer_of[w]
                layer_of[w] = layer = layer + 1
                change += len(preds[w]) - len(succs[w])
                read += succs[w]
                for x in succs[w]:
                    if layer_of[x] == layer and x not in moved:
                        stack.append(x)
            budget.spend(MOVE_COST * len(moved))
            if change < 0 and not stack:
                improved = True
                moved_at.update(dict.fromkeys(moved, tries))
                failed.pop(v, None)
            else:
                layer_of.update(moved)
                failed[v] = tries, read
        if not improved:
            return
