"""Auto-arrange: a layered (Sugiyama-style) top-down layout, and a crossing count to judge layouts.

1. Cycles are broken by reversing the back edges of a depth-first search that starts at the trigger.
2. Nodes are put in layers by their longest path from a source; edges spanning several layers get a
   dummy node per layer passed.
3. Crossings are reduced by median sweeps down and up with adjacent transpositions, keeping the best
   order seen. A node's key is its parent's position plus a fraction for the port it hangs from, so
   ``true`` lands left of ``false`` and outcomes follow their declared order.
4. Each layer's x coordinates solve "as close to the neighbours as possible, never closer than the
   node widths allow" exactly, by isotonic regression (pool adjacent violators), in alternating sweeps.

Positions are the top-left corners of ``NODE_W`` x ``NODE_H`` boxes, with the layout's origin at 0,0.
"""
from bisect import bisect_right

from builder.catalog import get_type
from builder.errors import WorkflowError
from builder.graph import read_graph

NODE_W, NODE_H = 240, 72
LAYER_GAP, NODE_GAP = 64, 40
DUMMY_W = 20
ORDER_ROUNDS, STALE_ROUNDS, PLACEMENT_ROUNDS = 12, 4, 8
NOTE_GAP = 24


def arrange(graph: dict) -> dict:
    """Return `graph` (read with :func:`builder.graph.read_graph`) with new node and note positions.

    The same input always gives the same output; nothing but positions changes.
    """
    graph = read_graph(graph)
    ids = [node["id"] for node in graph["nodes"]]
    layer_of, layers, up, down, port_key = _proper_graph(graph, ids)
    layers = _order(layers, up, down, port_key)
    centers = _place(layers, up, down)
    left = min((centers[v] for v in ids), default=NODE_W / 2) - NODE_W / 2
    positions = {v: {"x": round(centers[v] - left - NODE_W / 2), "y": layer_of[v] * (NODE_H + LAYER_GAP)}
                 for v in ids}
    nodes = [{**node, "position": positions[node["id"]]} for node in graph["nodes"]]
    right = max((p["x"] + NODE_W for p in positions.values()), default=0)
    return {"nodes": nodes, "edges": graph["edges"], "notes": _stack_notes(graph["notes"], right + 2 * NODE_GAP)}


def count_crossings(graph: dict) -> int:
    """The number of pairs of edges whose straight lines between node centers cross."""
    centers = {node["id"]: (node["position"]["x"] + NODE_W / 2, node["position"]["y"] + NODE_H / 2)
               for node in graph["nodes"]}
    segments = sorted({(centers[e["source"]], centers[e["target"]], e["source"], e["target"])
                       for e in graph["edges"] if e["source"] != e["target"]},
                      key=lambda s: min(s[0][0], s[1][0]))
    total = 0
    for i, (a, b, s1, t1) in enumerate(segments):
        right = max(a[0], b[0])
        for c, d, s2, t2 in segments[i + 1:]:
            if min(c[0], d[0]) > right:
                break
            if not {s1, t1} & {s2, t2} and _segments_cross(a, b, c, d):
                total += 1
    return total


def _segments_cross(a, b, c, d) -> bool:
    def side(p, q, r):
        cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (cross > 0) - (cross < 0)

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _ports(node) -> list:
    try:
        return get_type(node["type"], node["kind"]).ports_for(node["config"])
    except WorkflowError:
        return []


def _proper_graph(graph, ids):
    """Layers with dummy nodes, so that every edge joins two adjacent layers."""
    nodes = {node["id"]: node for node in graph["nodes"]}
    out = {v: [] for v in ids}
    for edge in graph["edges"]:
        ports = _ports(nodes[edge["source"]])
        index = ports.index(edge["port"]) if edge["port"] in ports else len(ports)
        # A fraction in (-0.5, 0.5): where under its parent a child hanging from this port belongs.
        out[edge["source"]].append((edge["target"], (index + 1) / (len(ports) + 2) - 0.5))
    roots = [v for v in ids if nodes[v]["kind"] == "trigger"] + [v for v in ids if nodes[v]["kind"] != "trigger"]
    dag = _break_cycles(roots, out)
    layer_of = _longest_path_layers(ids, dag)
    up, down, port_key = {v: [] for v in ids}, {v: [] for v in ids}, {}
    for (u, v), key in dag.items():
        chain = [u] + [("dummy", u, v, k) for k in range(layer_of[u] + 1, layer_of[v])] + [v]
        for a, b in zip(chain, chain[1:]):
            up.setdefault(b, []).append(a)
            down.setdefault(a, []).append(b)
            down.setdefault(b, [])
            port_key[a, b] = key if a == u else 0.0
        for k, dummy in enumerate(chain[1:-1], start=layer_of[u] + 1):
            layer_of[dummy] = k
    layers = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for v in _preorder(roots, down, port_key):
        layers[layer_of[v]].append(v)
    return layer_of, layers, up, down, port_key


def _break_cycles(roots, out) -> dict:
    """Edges (u, v) -> port key of an acyclic version of the graph: back edges reversed, self-loops dropped."""
    state, dag = {}, {}
    for root in roots:
        if root in state:
            continue
        state[root] = "open"
        stack = [(root, iter(sorted(out[root], key=lambda t: t[1])))]
        while stack:
            node, children = stack[-1]
            for target, key in children:
                if target == node:
                    continue
                if state.get(target) == "open":
                    dag.setdefault((target, node), 0.0)
                    continue
                dag[node, target] = min(key, dag.get((node, target), key))
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


def _preorder(roots, down, port_key) -> list:
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
            stack.extend(sorted(down[v], key=lambda w: port_key[v, w], reverse=True))
    return order


def _order(layers, up, down, port_key) -> list:
    best, best_crossings, best_round = [list(layer) for layer in layers], _crossings(layers, down), 0
    for round_ in range(ORDER_ROUNDS):
        if best_crossings == 0 or round_ - best_round > STALE_ROUNDS:
            break
        pos = {v: i for layer in layers for i, v in enumerate(layer)}
        downward = round_ % 2 == 0
        neighbours = up if downward else down
        for i in range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1):
            layers[i] = sorted(layers[i], key=lambda v: (_median(v, neighbours, pos, port_key, downward), pos[v]))
            pos.update((v, j) for j, v in enumerate(layers[i]))
        _transpose(layers, up, down, port_key, pos)
        crossings = _crossings(layers, down)
        if crossings < best_crossings:
            best, best_crossings, best_round = [list(layer) for layer in layers], crossings, round_
    return best


def _median(v, neighbours, pos, port_key, downward) -> float:
    keys = sorted(pos[u] + (port_key[u, v] if downward else 0.0) for u in neighbours[v])
    if not keys:
        return pos[v]
    middle = len(keys) // 2
    return keys[middle] if len(keys) % 2 else (keys[middle - 1] + keys[middle]) / 2


def _crossings(layers, down) -> int:
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        lower_pos = {v: i for i, v in enumerate(lower)}
        ends = [lower_pos[w] for v in upper for w in sorted(down[v], key=lower_pos.__getitem__)]
        seen = []
        for end in ends:  # inversions: earlier edges that end further right cross this one
            total += len(seen) - bisect_right(seen, end)
            seen.insert(bisect_right(seen, end), end)
    return total


def _transpose(layers, up, down, port_key, pos) -> None:
    """Swap neighbours in a layer while that removes crossings with the layers above and below."""
    for _ in range(4):
        improved = False
        for layer in layers:
            for j in range(len(layer) - 1):
                v, w = layer[j], layer[j + 1]
                as_is = swapped = 0
                for side in (up, down):
                    right_ends = [pos[b] for b in side[w]]
                    for a in side[v]:
                        for b in right_ends:
                            as_is += pos[a] > b
                            swapped += pos[a] < b
                if swapped < as_is and not _pinned(v, w, up, port_key):
                    layer[j], layer[j + 1] = w, v
                    pos[v], pos[w] = j + 1, j
                    improved = True
        if not improved:
            return


def _pinned(v, w, up, port_key) -> bool:
    """True when v hangs from an earlier port than w of a shared parent, so must stay left of it."""
    return any(port_key[p, v] < port_key[p, w] for p in set(up[v]) & set(up[w]))


def _place(layers, up, down) -> dict:
    """Center x of every node: each layer fitted to its neighbours under the spacing constraints."""
    offsets = {}  # a node's least distance from the left end of its layer
    for layer in layers:
        cursor = 0.0
        for j, v in enumerate(layer):
            cursor += _gap(layer[j - 1], v) if j else 0.0
            offsets[v] = cursor
    x = dict(offsets)
    above = {v: [(u, _weight(u, v)) for u in up[v]] for v in offsets}
    below = {v: [(w, _weight(v, w)) for w in down[v]] for v in offsets}
    both = {v: above[v] + below[v] for v in offsets}
    for round_ in range(PLACEMENT_ROUNDS):
        downward = round_ % 2 == 0
        links = both if round_ >= PLACEMENT_ROUNDS - 2 else above if downward else below
        for layer in layers[1:] if downward else layers[-2::-1]:
            _fit_layer(layer, x, links, offsets)
    return x


def _fit_layer(layer, x, links, offsets) -> None:
    targets, weights = [], []
    for v in layer:
        total = sum(weight for _, weight in links[v])
        wanted = sum(x[u] * weight for u, weight in links[v]) / total if total else x[v]
        targets.append(wanted - offsets[v])
        weights.append(1.0 if isinstance(v, str) else 2.0)
    for v, value in zip(layer, _isotonic(targets, weights)):
        x[v] = value + offsets[v]


def _isotonic(targets, weights) -> list:
    """The non-decreasing sequence closest (weighted least squares) to `targets`: pool adjacent violators."""
    blocks = []  # [mean, weight, count]
    for value, weight in zip(targets, weights):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, weight2, count2 = blocks.pop()
            mean1, weight1, count1 = blocks[-1]
            total = weight1 + weight2
            blocks[-1] = [(mean1 * weight1 + mean2 * weight2) / total, total, count1 + count2]
    return [mean for mean, _, count in blocks for _ in range(count)]


def _gap(a, b) -> float:
    width = {True: NODE_W, False: DUMMY_W}
    real = isinstance(a, str) and isinstance(b, str)
    return (width[isinstance(a, str)] + width[isinstance(b, str)]) / 2 + (NODE_GAP if real else NODE_GAP / 2)


def _weight(u, v) -> float:
    """Long edges (through dummies) pull harder, so they stay straight."""
    return {0: 1.0, 1: 2.0, 2: 8.0}[(not isinstance(u, str)) + (not isinstance(v, str))]


def _stack_notes(notes, left) -> list:
    """Sticky notes in a column right of the diagram, in their previous top-to-bottom order."""
    placed, top = [], 0
    for note in sorted(notes, key=lambda n: (n["position"]["y"], n["position"]["x"], n["id"])):
        placed.append({**note, "position": {"x": left, "y": top}})
        top += note["size"]["h"] + NOTE_GAP
    order = {note["id"]: index for index, note in enumerate(notes)}
    return sorted(placed, key=lambda n: order[n["id"]])
