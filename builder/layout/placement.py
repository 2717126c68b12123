"""x coordinates: each layer as close to its neighbours as the box widths allow.

Each layer's centers solve "as close to the neighbours as possible, never closer than the widths
allow" exactly, by isotonic regression (pool adjacent violators), in alternating sweeps.
"""
from builder.layout.geometry import NODE_GAP, NODE_W
from builder.layout.layering import LayeredGraph, is_dummy

DUMMY_W = 20
# The least distance between the centers of two neighbours in a layer, by how many of them are dummies.
GAPS = [NODE_W + NODE_GAP, (NODE_W + DUMMY_W) / 2 + NODE_GAP / 2, DUMMY_W + NODE_GAP / 2]
# How hard an edge pulls, by how many of its ends are dummies: long edges pull harder, so they stay straight.
WEIGHTS = [1.0, 2.0, 8.0]
PLACEMENT_ROUNDS = 4


def place(g: LayeredGraph, layers: list) -> dict:
    """The center x of every node (real and dummy) of `layers`."""
    names = [v for layer in layers for v in layer]
    number = {v: i for i, v in enumerate(names)}
    rows = [[number[v] for v in layer] for layer in layers]
    dummy = [is_dummy(v) for v in names]
    offsets = [0.0] * len(names)  # a node's least distance from the left end of its layer
    for row in rows:
        cursor, last = 0.0, None
        for i in row:
            if last is not None:
                cursor += GAPS[dummy[last] + dummy[i]]
            offsets[i], last = cursor, i
    x = list(offsets)
    weight = [1.0 if flag else 2.0 for flag in dummy]
    above = [[number[u] for u in g.up[v]] for v in names]
    below = [[number[w] for w in g.down[v]] for v in names]
    both = [up + down for up, down in zip(above, below)]
    row_weights = [[weight[i] for i in row] for row in rows]
    for round_ in range(PLACEMENT_ROUNDS):
        downward = round_ % 2 == 0
        links = both if round_ >= PLACEMENT_ROUNDS - 2 else above if downward else below
        for k in range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1):
            row, targets = rows[k], []
            for i in row:
                linked = links[i]
                if len(linked) == 1:  # most nodes, and every dummy
                    targets.append(x[linked[0]] - offsets[i])
                elif linked:
                    pull = total = 0.0
                    for j in linked:
                        weight_ij = WEIGHTS[dummy[i] + dummy[j]]
                        pull += x[j] * weight_ij
                        total += weight_ij
                    targets.append(pull / total - offsets[i])
                else:
                    targets.append(x[i] - offsets[i])
            for i, value in zip(row, _isotonic(targets, row_weights[k])):
                x[i] = value + offsets[i]
    return dict(zip(names, x))


def _isotonic(targets, weights) -> list:
    """The non-decreasing sequence closest (weighted least squares) to `targets`: pool adjacent violators."""
    means, totals, counts = [], [], []  # the pooled blocks so far
    for value, weight in zip(targets, weights):
        count = 1
        while means and means[-1] > value:  # pool with the block before
            mean, total = means.pop(), totals.pop()
            count += counts.pop()
            value, weight = (mean * total + value * weight) / (total + weight), total + weight
        means.append(value)
        totals.append(weight)
        counts.append(count)
    return [mean for mean, count in zip(means, counts) for _ in range(count)]
