"""Box sizes and gaps of the layout, and the straight-line crossing count that judges a layout."""
from builder.node_type import NODE_H, NODE_W  # noqa: F401  (the node size, declared with the node types)

LAYER_GAP, NODE_GAP = 64, 40


def count_crossings(graph: dict) -> int:
    """The number of pairs of edges whose straight lines between node centers cross.

    Edges that share an end never count, nor do self-loops; parallel edges count once.
    """
    centers = {node["id"]: (node["position"]["x"] + NODE_W / 2, node["position"]["y"] + NODE_H / 2)
               for node in graph["nodes"]}
    return crossings_of_lines(centers, [(e["source"], e["target"]) for e in graph["edges"]])


def crossings_of_lines(centers: dict, edges) -> int:
    """The crossing count of straight lines between ``centers[source]`` and ``centers[target]``."""
    segments = sorted({_segment(centers[s], centers[t], s, t) for s, t in edges if s != t})
    total = 0
    for i, (left, right, low, high, a, b, ends) in enumerate(segments):
        for left2, _, low2, high2, c, d, ends2 in segments[i + 1:]:
            if left2 > right:
                break
            if low2 < high and low < high2 and ends.isdisjoint(ends2) and segments_cross(a, b, c, d):
                total += 1
    return total


def _segment(a, b, source, target) -> tuple:
    a, b = min(a, b), max(a, b)
    return (min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]), a, b,
            frozenset((source, target)))


def segments_cross(a, b, c, d) -> bool:
    def side(p, q, r):
        cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (cross > 0) - (cross < 0)

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0
