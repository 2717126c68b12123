"""Crossing reduction: the left-to-right order of every layer.

Much as Graphviz dot does it: two first orders (breadth-first and depth-first from the top), then
median sweeps down and up with adjacent transpositions, keeping the best order seen. Every other
round, nodes of equal median trade places and transpositions that change nothing are made, which
walks the search along plateaus instead of stopping at the first one. Held children (see
:mod:`.layering`) never pass each other.

Nodes are numbered here (lists indexed by number instead of dicts keyed by name): the sweeps and
transpositions look at each node many times.
"""
import math
import random

from builder.layout.budget import Budget
from builder.layout.crossings import count_inversions
from builder.layout.layering import LayeredGraph

FIRST_ROUNDS, ROUNDS, PATIENCE = 4, 12, 4
TRANSPOSE_ROUNDS = 8
PAIR_COST = 12  # budget units (an edge pair compared) that one look at two neighbours costs besides its pairs


def candidate_orders(g: LayeredGraph, count: int, budget: Budget):
    """Up to `count` orders of `g`'s layers with few crossings (one once `budget` is spent), the same
    for the same graph.

    The first is the better of two, each swept for a few rounds: from a breadth-first order as dot's,
    and from a depth-first one, in which the tree that most of a workflow is has no crossings. The others
    start from breadth-first orders that visit neighbours in a shuffled (seeded) order and are swept
    longer, since the sweeps settle in whichever valley they start in.
    """
    numbered = _Numbered(g)
    first, starts = None, []
    for walk in (_breadth_first, _depth_first):
        start = walk(numbered)
        if start in starts:  # a chain-like graph is met in the same order both ways
            continue
        starts.append(start)
        order = _Order(numbered, start, budget)
        order.transpose()
        order.keep()
        order.improve(FIRST_ROUNDS)
        if first is None or order.best_count < first.best_count:
            first = order
    yield numbered.named(_polished(numbered, first.best, budget, rounds=0))
    shuffle = random.Random(0).shuffle
    for _ in range(count - 1):
        if budget.spent:
            return
        yield numbered.named(_polished(numbered, _breadth_first(numbered, shuffle), budget))


class _Numbered:
    """`g` with its nodes numbered in the order of its layers: `up[i]`/`down[i]` list numbers,
    `one_up[i]`/`one_down[i]` the only one there (None: none or several), `held` lists the held sibling
    groups (`held_in[k]` those of layer k), `left_of[i]` the held siblings that must stay right of node i
    (None: no such)."""

    def __init__(self, g: LayeredGraph):
        self.names = [v for layer in g.layers for v in layer]
        number = {v: i for i, v in enumerate(self.names)}
        self.layers = [[number[v] for v in layer] for layer in g.layers]
        self.layer_of = [0] * len(self.names)
        for k, layer in enumerate(self.layers):
            for i in layer:
                self.layer_of[i] = k
        self.up = [[number[u] for u in g.up[v]] for v in self.names]
        self.down = [[number[w] for w in g.down[v]] for v in self.names]
        self.held = {number[u]: [number[v] for v in children] for u, children in g.held.items()}
        self.one_up = [ups[0] if len(ups) == 1 else None for ups in self.up]
        self.one_down = [downs[0] if len(downs) == 1 else None for downs in self.down]
        self.held_in = [[] for _ in self.layers]  # the held groups of each layer
        for children in self.held.values():
            self.held_in[self.layer_of[children[0]]].append(children)
        self.left_of = [None] * len(self.names)
        for children in self.held.values():
            for k, i in enumerate(children):
                self.left_of[i] = set(children[k + 1:])

    def named(self, layers) -> list:
        names = self.names
        return [[names[i] for i in layer] for layer in layers]


def _polished(g, layers, budget, rounds=ROUNDS) -> list:
    if rounds:
        order = _Order(g, layers, budget)
        order.keep()
        order.improve(rounds)
        layers = order.best
    order = _Order(g, layers, budget)
    order.transpose()
    return order.layers


def _depth_first(g: _Numbered) -> list:
    """Layers filled in the order a depth-first walk from the sources meets the nodes, each node's edges
    in port order: a tree comes out without crossings."""
    ahead, behind = g.down, g.up
    seen, layers = [False] * len(g.names), [[] for _ in g.layers]
    for start in (v for layer in g.layers for v in layer if not behind[v]):
        stack = [start]
        while stack:
            v = stack.pop()
            if seen[v]:
                continue
            seen[v] = True
            layers[g.layer_of[v]].append(v)
            stack += reversed([w for w in ahead[v] + behind[v] if not seen[w]])
    return layers


def _breadth_first(g: _Numbered, shuffle=None) -> list:
    """Layers filled in the order a breadth-first walk from the sources meets the nodes."""
    ahead, behind = g.down, g.up
    seen, layers = [False] * len(g.names), [[] for _ in g.layers]
    for start in (v for layer in g.layers for v in layer if not behind[v]):
        if seen[start]:
            continue
        seen[start] = True
        queue = [start]
        for v in queue:
            layers[g.layer_of[v]].append(v)
            neighbours = ahead[v] + behind[v]
            if shuffle:
                shuffle(neighbours)
            for w in neighbours:
                if not seen[w]:
                    seen[w] = True
                    queue.append(w)
    return layers


def _pair_crossings(pos, v_ends, w_ends) -> tuple:
    """Crossings between the edges of v and those of w, each given by their other ends (one side: above or
    below) placed at `pos`: with v left of w, and with w left of v."""
    v_left = w_left = 0
    for a in v_ends:
        a = pos[a]
        for b in w_ends:
            b = pos[b]
            v_left += a > b
            w_left += a < b
    return v_left, w_left


class _Order:
    """Layers being reordered, with each node's place; `best` is the order with the fewest crossings seen
    (since the first :meth:`keep`). Every improvement stops once the budget is spent."""

    def __init__(self, g: _Numbered, layers, budget: Budget):
        self.g, self.layers, self.budget = g, [list(layer) for layer in layers], budget
        self.pos = [0] * len(g.names)
        for layer in self.layers:
            self._place(layer)
        for children in g.held.values():
            self._hold(children)
        # The crossings between layers k and k + 1, counted again only once either layer is reordered.
        self.between, self.reordered = [0] * (len(self.layers) - 1), set(range(len(self.layers)))
        self.best, self.best_count = None, math.inf

    def copy(self) -> list:
        return [list(layer) for layer in self.layers]

    def _place(self, layer) -> None:
        pos = self.pos
        for i, v in enumerate(layer):
            pos[v] = i

    def _hold(self, children) -> None:
        """Put held siblings back in port order, in the slots they occupy."""
        layer = self.layers[self.g.layer_of[children[0]]]
        for slot, v in zip(sorted(self.pos[v] for v in children), children):
            layer[slot] = v
            self.pos[v] = slot

    def crossings(self) -> int:
        pos, down, one_down, between, reordered = self.pos, self.g.down, self.g.one_down, self.between, self.reordered
        for k, (upper, lower) in enumerate(zip(self.layers, self.layers[1:])):
            if k not in reordered and k + 1 not in reordered:
                continue
            ends = []
            for v in upper:
                if one_down[v] is not None:  # most nodes, and every dummy
                    ends.append(pos[one_down[v]])
                elif down[v]:
                    ends += sorted([pos[w] for w in down[v]])
            self.budget.spend(len(ends))
            # (sorted: no crossing, found at C speed)
            between[k] = count_inversions(ends, len(lower)) if ends != sorted(ends) else 0
        reordered.clear()
        return sum(between)

    def keep(self) -> None:
        """Make the order as it is the best one when it crosses less."""
        count = self.crossings()
        if count < self.best_count:
            self.best, self.best_count = self.copy(), count

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
        pos, median, held_in = self.pos, self._median, self.g.held_in
        for i in range(1, len(self.layers)) if downward else range(len(self.layers) - 2, -1, -1):
            layer = self.layers[i]
            before = list(layer)
            # Nodes without a median hold their slot; the others share the rest.
            slots, keyed = [], []
            for j, v in enumerate(layer):
                neighbours = fixed_side[v]
                if neighbours:
                    slots.append(j)
                    keyed.append((pos[neighbours[0]] if len(neighbours) == 1 else median(neighbours),
                                  -j if ties else j, v))
            keyed.sort()
            for j, (_, _, v) in zip(slots, keyed):
                layer[j] = v
            self._place(layer)
            for children in held_in[i]:
                self._hold(children)
            if layer != before:
                self.reordered.add(i)
        self.budget.spend(len(self.pos))

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

    def transpose(self, ties=False) -> None:
        """Swap neighbours in a layer while that removes crossings with the layers above and below.

        With `ties`, swaps that change nothing are made too, to move along plateaus.
        """
        up, down, left_of, pos = self.g.up, self.g.down, self.g.left_of, self.pos
        one_up, one_down = self.g.one_up, self.g.one_down
        dirty = None  # the nodes whose pairs may cross differently since they were looked at; None: all
        for _ in range(TRANSPOSE_ROUNDS):
            if self.budget.spent:
                return
            changed = set()
            for k, layer in enumerate(self.layers):
                if len(layer) < 2 or dirty is not None and dirty.isdisjoint(layer):
                    continue
                self.budget.spend(len(layer) * PAIR_COST)
                for j in range(len(layer) - 1):
                    v, w = layer[j], layer[j + 1]
                    if dirty is not None and v not in dirty and w not in dirty or \
                            left_of[v] is not None and w in left_of[v]:
                        continue
                    a, b = one_up[v], one_up[w]
                    if a is not None and b is not None:  # most pairs: a single edge each
                        a, b = pos[a], pos[b]
                        now, swapped = a > b, a < b
                    else:
                        now, swapped = _pair_crossings(pos, up[v], up[w])
                    a, b = one_down[v], one_down[w]
                    if a is not None and b is not None:
                        a, b = pos[a], pos[b]
                        now, swapped = now + (a > b), swapped + (a < b)
                    else:
                        below, swapped_below = _pair_crossings(pos, down[v], down[w])
                        now, swapped = now + below, swapped + swapped_below
                    if swapped < now or (ties and 0 < swapped == now):
                        layer[j], layer[j + 1] = w, v
                        pos[v], pos[w] = j + 1, j
                        self.reordered.add(k)
                        if swapped < now:
                            changed.update((v, w))
                            if dirty is not None:
                                dirty.update((v, w))  # and so the pairs they now form in this layer
            if not changed:
                return
            # A swap changes the crossings of the pairs the two form and of the pairs of their neighbours.
            dirty = changed | {u for v in changed for u in up[v] + down[v]}
