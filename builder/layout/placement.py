"""x coordinates: each layer as close to its neighbours as the box widths allow.

Each layer's centers solve "as close to the neighbours as possible, never closer than the widths
allow" exactly, by isotonic regression (pool adjacent violators), in alternating sweeps.
"""
from builder.layout.geometry import NODE_GAP, NODE_W
from builder.layout.layering import LayeredGraph, is_dummy

DUMMY_W = 20
PLACEMENT_ROUNDS = 8


def place(g: LayeredGraph, layers: list) -> dict:
    """The center x of every node (real and dummy) of `layers`."""
    offsets = {}  # a node's least distance from the left end of its layer
    for layer in layers:
        cursor = 0.0
        for j, v in enumerate(layer):
            cursor += _gap(layer[j - 1], v) if j else 0.0
            offsets[v] = cursor
    x = dict(offsets)
    above = {v: [(u, _weight(u, v)) for u in g.up[v]] for v in offsets}
    below = {v: [(w, _weight(v, w)) for w in g.down[v]] for v in offsets}
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
        weights.append(1.0 if is_dummy(v) else 2.0)
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
    real = not is_dummy(a) and not is_dummy(b)
    width_a, width_b = (DUMMY_W if is_dummy(v) else NODE_W for v in (a, b))
    return (width_a + width_b) / 2 + (NODE_GAP if real else NODE_GAP / 2)


def _weight(u, v) -> float:
    """Long edges (through dummies) pull harder, so they stay straight."""
    return {0: 1.0, 1: 2.0, 2: 8.0}[is_dummy(u) + is_dummy(v)]
