"""Crossing reduction: the left-to-right order of every layer.

As Graphviz dot does it: two first orders (breadth-first from the top and from the bottom), then
median sweeps down and up with adjacent transpositions, keeping the best order seen. Every other
round, nodes of equal median trade places and transpositions that change nothing are made, which
walks the search along plateaus instead of stopping at the first one. Sifting finishes: each node
moves to the place in its layer where it crosses least. Held children (see :mod:`.layering`) never
pass each other.
"""
import random

from builder.layout.budget import Budget
from builder.layout.crossings import count_inversions, crossed_from_left
from builder.layout.layering import LayeredGraph

FIRST_ROUNDS, ROUNDS, PATIENCE = 4, 12, 4
TRANSPOSE_ROUNDS, SIFT_ROUNDS = 8, 4
PAIR_COST = 12  # budget units (an edge pair compared) that one look at two neighbours costs besides its pairs


def candidate_orders(g: LayeredGraph, count: int, budget: Budget):
    """Up to `count` orders of `g`'s layers with few crossings (one once `budget` is spent), the same
    for the same graph.

    The first is found as dot finds it; the others start from breadth-first orders that visit
    neighbours in a shuffled (seeded) order, since the sweeps settle in whichever valley they start in.
    """
    first, starts = None, []
    for downward in (True, False):
        start = _breadth_first(g, downward)
        if start in starts:  # a chain-like graph is met in the same order from both ends
            continue
        starts.append(start)
        order = _Order(g, start, budget)
        order.transpose()
        order.improve(FIRST_ROUNDS)
        if first is None or order.best_count < first.best_count:
            first = order
    yield _polished(g, first.best, budget)
    shuffle = random.Random(0).shuffle
    for _ in range(count - 1):
        if budget.spent:
            return
        yield _polished(g, _breadth_first(g, True, shuffle), budget)


def _polished(g, layers, budget) -> list:
    order = _Order(g, layers, budget)
    order.improve(ROUNDS)
    order = _Order(g, order.best, budget)
    order.transpose()
    order.sift()
    return order.layers


def _breadth_first(g, downward, shuffle=None) -> list:
    """Layers filled in the order a breadth-first walk meets the nodes, from the sources or the sinks."""
    ahead, behind = (g.down, g.up) if downward else (g.up, g.down)
    seen, layers = set(), [[] for _ in g.layers]
    for start in (v for layer in g.layers for v in layer if not behind[v]):
        if start in seen:
            continue
        seen.add(start)
        queue = [start]
        for v in queue:
            layers[g.layer_of[v]].append(v)
            neighbours = ahead[v] + behind[v]
            if shuffle:
                shuffle(neighbours)
            for w in neighbours:
                if w not in seen:
                    seen.add(w)
                    queue.append(w)
    return layers


class _Order:
    """Layers being reordered, with each node's place; `best` is the order with the fewest crossings seen.
    Every improvement stops once the budget is spent."""

    def __init__(self, g: LayeredGraph, layers, budget: Budget):
        self.g, self.layers, self.budget = g, [list(layer) for layer in layers], budget
        self.pos = {v: i for layer in self.layers for i, v in enumerate(layer)}
        self.left_of = {}  # v -> its held siblings that must stay right of it
        for children in g.held.values():
            for i, v in enumerate(children):
                self.left_of[v] = set(children[i + 1:])
        for children in g.held.values():
            self._hold(children)
        self.best, self.best_count = self.copy(), self.crossings()

    def copy(self) -> list:
        return [list(layer) for layer in self.layers]

    def _place(self, layer) -> None:
        self.pos.update((v, i) for i, v in enumerate(layer))

    def _hold(self, children) -> None:
        """Put held siblings back in port order, in the slots they occupy."""
        layer = self.layers[self.g.layer_of[children[0]]]
        for slot, v in zip(sorted(self.pos[v] for v in children), children):
            layer[slot] = v
            self.pos[v] = slot

    def crossings(self) -> int:
        total, pos, down = 0, self.pos, self.g.down
        for upper, lower in zip(self.layers, self.layers[1:]):
            ends = []
            for v in upper:
                below = down[v]
                if len(below) == 1:  # most nodes, and every dummy
                    ends.append(pos[below[0]])
                else:
                    ends += sorted(pos[w] for w in below)
            total += count_inversions(ends, len(lower))
        return total

    def improve(self, rounds) -> None:
        """Sweep and transpose for up to `rounds` rounds, until PATIENCE rounds bring nothing better."""
        stale = 0
        for round_ in range(rounds):
            if self.best_count == 0 or stale >= PATIENCE or self.budget.spent:
                return
            ties = round_ % 4 < 2
            self._sweep(downward=round_ % 2 == 0, ties=ties)
            self.transpose(ties=not ties)
            count = self.crossings()
            stale = 0 if count < self.best_count else stale + 1
            if count <= self.best_count:
                self.best, self.best_count = self.copy(), count

    def _sweep(self, downward, ties) -> None:
        """Sort each layer by the median position of its neighbours in the layer sorted just before."""
        fixed_side = self.g.up if downward else self.g.down
        for i in range(1, len(self.layers)) if downward else range(len(self.layers) - 2, -1, -1):
            layer = self.layers[i]
            medians = {v: self._median(fixed_side[v]) for v in layer if fixed_side[v]}
            # Nodes without a median hold their slot; the others share the rest.
            slots = [j for j, v in enumerate(layer) if v in medians]
            moving = sorted(medians, key=lambda v: (medians[v], -self.pos[v] if ties else self.pos[v]))
            for j, v in zip(slots, moving):
                layer[j] = v
            self._place(layer)
            for v in {u for w in layer for u in self.g.up[w]} & self.g.held.keys():
                self._hold(self.g.held[v])

    def _median(self, neighbours) -> float:
        """dot's weighted median: with an even count, leaning to the side whose positions lie closer."""
        if len(neighbours) == 1:
            return self.pos[neighbours[0]]
        keys = sorted(self.pos[u] for u in neighbours)
        count, middle = len(keys), len(keys) // 2
        if count % 2:
            return keys[middle]
        if count == 2:
            return (keys[0] + keys[1]) / 2
        left_span, right_span = keys[middle - 1] - keys[0], keys[-1] - keys[middle]
        if left_span + right_span == 0:
            return (keys[middle - 1] + keys[middle]) / 2
        return (keys[middle - 1] * right_span + keys[middle] * left_span) / (left_span + right_span)

    def _ends(self, layer) -> dict:
        """Where the edges of each node of `layer` end in the layers above and below (which stay put while
        this one is reordered)."""
        pos, up, down = self.pos, self.g.up, self.g.down
        return {v: ([pos[u] for u in up[v]], [pos[w] for w in down[v]]) for v in layer}

    def _pair_crossings(self, v_ends, w_ends) -> tuple:
        """Crossings between the edges of v and those of w (given by their `_ends`): with v left of w,
        and with w left of v."""
        (v_up, v_down), (w_up, w_down) = v_ends, w_ends
        if len(v_up) == len(v_down) == len(w_up) == len(w_down) == 1:  # dummies, and chains
            self.budget.spend(2 + 2 * PAIR_COST)
            return (v_up[0] > w_up[0]) + (v_down[0] > w_down[0]), (v_up[0] < w_up[0]) + (v_down[0] < w_down[0])
        v_left = w_left = 0
        for mine, theirs in zip(v_ends, w_ends):
            for a in mine:
                for b in theirs:
                    v_left += a > b
                    w_left += a < b
        self.budget.spend(len(v_up) * len(w_up) + len(v_down) * len(w_down) + 2 * PAIR_COST)
        return v_left, w_left

    def transpose(self, ties=False) -> None:
        """Swap neighbours in a layer while that removes crossings with the layers above and below.

        With `ties`, swaps that change nothing are made too, to move along plateaus.
        """
        up, down, left_of = self.g.up, self.g.down, self.left_of
        dirty = None  # the nodes whose pairs may cross differently since they were looked at; None: all
        for _ in range(TRANSPOSE_ROUNDS):
            if self.budget.spent:
                return
            changed = set()
            for layer in self.layers:
                if dirty is not None and dirty.isdisjoint(layer):
                    continue
                ends = self._ends(layer) if dirty is None else _Lazy(self._ends)
                for j in range(len(layer) - 1):
                    v, w = layer[j], layer[j + 1]
                    if dirty is not None and v not in dirty and w not in dirty or w in left_of.get(v, ()):
                        continue
                    now, swapped = self._pair_crossings(ends[v], ends[w])
                    if swapped < now or (ties and 0 < swapped == now):
                        layer[j], layer[j + 1] = w, v
                        self.pos[v], self.pos[w] = j + 1, j
                        if swapped < now:
                            changed.update((v, w))
                            if dirty is not None:
                                dirty.update((v, w))  # and so the pairs they now form in this layer
            if not changed:
                return
            # A swap changes the crossings of the pairs the two form and of the pairs of their neighbours.
            dirty = changed | {u for v in changed for u in up[v] + down[v]}

    def sift(self) -> None:
        """Move each node to its best place in its layer, between the held siblings it must stay between."""
        for _ in range(SIFT_ROUNDS):
            improved = False
            crossing = self._crossing_nodes()  # moving a node changes only crossings of its own edges
            for layer in self.layers:
                if self.budget.spent:
                    return
                ends = self._ends(layer)
                for v in [v for v in layer if v in crossing]:
                    improved |= self._sift_one(layer, v, ends)
            if not improved:
                return

    def _crossing_nodes(self) -> set:
        """The nodes with an edge that crosses another."""
        found = set()
        for upper in self.layers[:-1]:
            edges = [(self.pos[v], self.pos[w], v, w) for v in upper for w in self.g.down[v]]
            mirrored = [(-top, -bottom) for top, bottom, _, _ in reversed(edges)]
            crossed = zip(crossed_from_left([edge[:2] for edge in edges]), reversed(crossed_from_left(mirrored)))
            found.update(node for edge, (left, right) in zip(edges, crossed) if left or right for node in edge[2:])
        return found

    def _sift_one(self, layer, v, ends) -> bool:
        start = self.pos[v]
        others = layer[:start] + layer[start + 1:]
        lowest = max((i + 1 for i, w in enumerate(others) if v in self.left_of.get(w, ())), default=0)
        highest = min((i for i, w in enumerate(others) if w in self.left_of.get(v, ())), default=len(others))
        # change: the crossings with v at place i + 1, less those with v at place `lowest`
        best_place, best_change, change, current = lowest, 0, 0, 0
        for i in range(lowest, highest):
            v_left, w_left = self._pair_crossings(ends[v], ends[others[i]])
            change += w_left - v_left
            if i + 1 == start:
                current = change
            if change < best_change:
                best_place, best_change = i + 1, change
        if best_change >= current:
            return False
        others.insert(best_place, v)
        layer[:] = others
        self._place(layer)
        return True


class _Lazy(dict):
    """`ends[v]` worked out for the nodes asked about only."""

    def __init__(self, ends):
        super().__init__()
        self.ends = ends

    def __missing__(self, v):
        self[v] = found = self.ends([v])[v]
        return found
