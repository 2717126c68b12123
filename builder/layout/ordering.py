"""Crossing reduction: the left-to-right order of every layer.

Median sweeps down and up the layers with adjacent transpositions (as Graphviz dot does), then
sifting: every node in turn moves to the place in its layer where it crosses least. Children of one
node stay in port order throughout (``true`` left of ``false``, outcomes as declared). The best
order seen is kept.
"""
from bisect import bisect_right, insort

from builder.layout.layering import LayeredGraph, is_dummy

SWEEP_ROUNDS, PATIENCE = 24, 8
TRANSPOSE_ROUNDS, SIFT_ROUNDS = 6, 4


def reduce_crossings(g: LayeredGraph, layers: list) -> list:
    """A copy of `layers` reordered to cross less; the same input gives the same order."""
    starts = [layers, _breadth_first(g, layers)]
    found = [_sweeps(g, start) for start in starts]
    return min(found, key=lambda f: f[1])[0]


def _breadth_first(g, layers):
    seen, order = set(), []
    for root in (v for layer in layers for v in layer):
        if root in seen:
            continue
        seen.add(root)
        queue = [root]
        for v in queue:
            order.append(v)
            for w in sorted(g.down[v], key=lambda w: g.port_side[v, w]):
                if w not in seen:
                    seen.add(w)
                    queue.append(w)
    result = [[] for _ in layers]
    for v in order:
        result[g.layer_of[v]].append(v)
    return result


def _sweeps(g, layers):
    order = _Order(g, [list(layer) for layer in layers])
    for layer in order.layers:
        order.keep_port_order(layer)
    best, best_count, stale = order.copy(), order.crossings(), 0
    for round_ in range(SWEEP_ROUNDS):
        if best_count == 0 or stale >= PATIENCE:
            break
        order.sweep(downward=round_ % 2 == 0)
        order.transpose(ties=round_ % 4 < 2)
        count = order.crossings()
        stale = 0 if count < best_count else stale + 1
        if count <= best_count:
            best, best_count = order.copy(), count
    order = _Order(g, best)
    order.sift()
    return order.layers, order.crossings()


class _Order:
    def __init__(self, g: LayeredGraph, layers):
        self.g, self.layers = g, layers
        self.pos = {v: i for layer in layers for i, v in enumerate(layer)}
        # Port order holds among a node's own children; a join goes where its several inputs are.
        self.held = {u: [v for v in children if len(g.up[v]) == 1 and not is_dummy(v)] for u, children in g.down.items()}
        self.left_of = {}  # v -> the nodes that must stay right of v
        for u, children in self.held.items():
            for v in children:
                self.left_of.setdefault(v, set()).update(
                    w for w in children if g.port_side[u, v] < g.port_side[u, w])

    def copy(self) -> list:
        return [list(layer) for layer in self.layers]

    def place(self, layer) -> None:
        self.pos.update((v, i) for i, v in enumerate(layer))

    def crossings(self) -> int:
        return sum(self._crossings_between(upper, lower) for upper, lower in zip(self.layers, self.layers[1:]))

    def _crossings_between(self, upper, lower) -> int:
        pos, total, seen = self.pos, 0, []
        for v in upper:
            for end in sorted(pos[w] for w in self.g.down[v]):
                total += len(seen) - bisect_right(seen, end)  # earlier edges ending further right cross
                insort(seen, end)
        return total

    def keep_port_order(self, layer) -> None:
        """Put the children of each node back in port order, in the slots they occupy."""
        pos, side = self.pos, self.g.port_side
        parents = sorted({u for v in layer for u in self.g.up[v]}, key=pos.__getitem__)
        for u in parents:
            children = self.held[u]
            if len(children) > 1:
                slots = sorted(pos[v] for v in children)
                for slot, v in zip(slots, sorted(children, key=lambda v: (side[u, v], pos[v]))):
                    layer[slot] = v
                self.place(layer)

    def sweep(self, downward: bool) -> None:
        """Sort each layer by the median position of its neighbours in the layer just sorted."""
        indices = range(1, len(self.layers)) if downward else range(len(self.layers) - 2, -1, -1)
        for i in indices:
            layer = self.layers[i]
            # Nodes with no neighbour on the sorted side hold their slot; the others share the rest.
            keyed = [v for v in layer if (self.g.up if downward else self.g.down)[v]]
            slots = [j for j, v in enumerate(layer) if (self.g.up if downward else self.g.down)[v]]
            for j, v in zip(slots, sorted(keyed, key=lambda v: (self._median(v, downward), self.pos[v]))):
                layer[j] = v
            self.place(layer)
            self.keep_port_order(layer)

    def _median(self, v, downward) -> float:
        if downward:
            keys = sorted(self.pos[u] + self.g.port_side[u, v] for u in self.g.up[v])
        else:
            keys = sorted(self.pos[w] for w in self.g.down[v])
        if not keys:
            return self.pos[v]
        middle = len(keys) // 2
        return keys[middle] if len(keys) % 2 else (keys[middle - 1] + keys[middle]) / 2

    def pair_crossings(self, v, w) -> int:
        """Crossings between the edges of v and those of w, with v left of w in their layer."""
        pos, total = self.pos, 0
        for side in (self.g.up, self.g.down):
            right_ends = [pos[b] for b in side[w]]
            for a in side[v]:
                total += sum(pos[a] > b for b in right_ends)
        return total

    def transpose(self, ties=False) -> None:
        """Swap neighbours in a layer while that removes crossings with the layers above and below.

        With `ties`, swaps that change nothing are made too (once per pair and round), to move along plateaus.
        """
        for _ in range(TRANSPOSE_ROUNDS):
            improved = False
            for layer in self.layers:
                for j in range(len(layer) - 1):
                    v, w = layer[j], layer[j + 1]
                    if w in self.left_of.get(v, ()):
                        continue
                    now, swapped = self.pair_crossings(v, w), self.pair_crossings(w, v)
                    if swapped < now or (ties and swapped == now and now > 0):
                        layer[j], layer[j + 1] = w, v
                        self.pos[v], self.pos[w] = j + 1, j
                        improved |= swapped < now
            if not improved:
                return

    def sift(self) -> None:
        """Move each node to its best place in its layer, between the siblings port order holds it between."""
        for _ in range(SIFT_ROUNDS):
            improved = False
            for layer in self.layers:
                for v in list(layer):
                    improved |= self._sift_one(layer, v)
            if not improved:
                return

    def _sift_one(self, layer, v) -> bool:
        start = self.pos[v]
        others = layer[:start] + layer[start + 1:]
        lowest = max((i + 1 for i, w in enumerate(others) if v in self.left_of.get(w, ())), default=0)
        highest = min((i for i, w in enumerate(others) if w in self.left_of.get(v, ())), default=len(others))
        if not lowest <= start <= highest:
            return False
        # change: the crossings with v at place i + 1, less those with v at place `lowest`
        best_place, best_change, change, current = lowest, 0, 0, 0
        for i in range(lowest, highest):
            w = others[i]
            change += self.pair_crossings(w, v) - self.pair_crossings(v, w)
            if i + 1 == start:
                current = change
            if change < best_change:
                best_place, best_change = i + 1, change
        if best_change >= current:
            return False
        others.insert(best_place, v)
        layer[:] = others
        self.place(layer)
        return True
