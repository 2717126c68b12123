"""Straight-line refinement: the final drawing judged as straight edges between node centers.

Crossing reduction counts crossings along dummy nodes, but a long edge is drawn straight from end to
end and need not pass where its dummies stood. Here each node in turn tries a few places on its row
(beside the neighbours it is wired to, or in its neighbour's place, swapping with it) and takes the
one where its own edges cross fewest others. Rows keep their spacing; held siblings keep their order.
"""
import math

from builder.layout.budget import Budget
from builder.layout.geometry import NODE_GAP, NODE_W
from builder.layout.layering import LayeredGraph, is_dummy

ROUNDS = 4
SPACING = NODE_W + NODE_GAP


class Drawing:
    """Real nodes at (x, y) centers with straight edges; `near[e]` are the edges that could cross e,
    the ones sharing no end with it that pass some gap between two layers it passes too."""

    def __init__(self, g: LayeredGraph, layers: list, x: dict, row_height: float, budget: Budget):
        self.budget = budget
        self.rows = [[v for v in layer if not is_dummy(v)] for layer in layers]
        self.point = {v: (x[v], g.layer_of[v] * row_height) for row in self.rows for v in row}
        edges = sorted({tuple(sorted(e)) for e in g.edges if e[0] != e[1]})
        self.incident = {v: [] for v in self.point}
        in_gap = [[] for _ in layers]  # gap k lies between layers k and k + 1
        for edge in edges:
            for v in edge:
                self.incident[v].append(edge)
            top, bottom = sorted(g.layer_of[v] for v in edge)
            for k in range(top, bottom):
                in_gap[k].append(edge)
        self.near = {}
        for edge in edges:
            top, bottom = sorted(g.layer_of[v] for v in edge)
            others = {other for k in range(top, bottom) for other in in_gap[k]}
            self.near[edge] = sorted(other for other in others if edge[0] not in other and edge[1] not in other)

    def x(self, v) -> float:
        return self.point[v][0]

    def move(self, v, new_x) -> None:
        self.point[v] = (new_x, self.point[v][1])

    def rivals(self, edges, low, high) -> list:
        """The pairs (edge of `edges`, edge near it) that may cross while the nodes that move stay
        between x = `low` and `high`; a pair within `edges` once."""
        mine, point, pairs = set(edges), self.point, []
        self.budget.spend(sum(len(self.near[edge]) for edge in edges))
        for edge in edges:
            left = min(low, point[edge[0]][0], point[edge[1]][0])
            right = max(high, point[edge[0]][0], point[edge[1]][0])
            for other in self.near[edge]:
                if other in mine:
                    if edge < other:
                        pairs.append((edge, other))
                    continue
                a, b = point[other[0]][0], point[other[1]][0]
                if not (a < left and b < left or a > right and b > right):
                    pairs.append((edge, other))
        return pairs

    def crossings(self, pairs=None) -> int:
        """How many of `pairs` (all pairs when None) cross."""
        if pairs is None:
            pairs = [(edge, other) for edge, others in self.near.items() for other in others if edge < other]
        self.budget.spend(len(pairs))
        total, point = 0, self.point
        for (s, t), (u, v) in pairs:
            total += _cross(*point[s], *point[t], *point[u], *point[v])
        return total

    def around(self, v, low, high) -> list:
        """For each edge of v and each edge near it that may cross it while v stays between x = `low` and
        `high`: the far end of v's edge and the two ends of the other, as coordinates (they stay put)."""
        point, found = self.point, []
        for edge in self.incident[v]:
            near = self.near[edge]
            self.budget.spend(len(near))
            bx, by = point[edge[1] if edge[0] == v else edge[0]]
            left, right = min(low, bx), max(high, bx)
            for c, d in near:
                (cx, cy), (dx, dy) = point[c], point[d]
                if not (cx < left and dx < left or cx > right and dx > right):
                    found.append((bx, by, cx, cy, dx, dy))
        return found

    def crossings_of(self, v, fixed, places) -> list:
        """How many of the edges `around` v cross with v at each of `places` on its row."""
        self.budget.spend(len(fixed) * len(places))
        ay = self.point[v][1]
        counts = []
        for ax in places:
            total = 0
            for bx, by, cx, cy, dx, dy in fixed:
                if ax < cx and ax < dx and bx < cx and bx < dx or ax > cx and ax > dx and bx > cx and bx > dx:
                    continue  # side by side
                ab_c = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
                ab_d = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
                if ab_c * ab_d < 0:
                    cd_a = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
                    cd_b = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
                    total += cd_a * cd_b < 0
            counts.append(total)
        return counts


def _cross(ax, ay, bx, by, cx, cy, dx, dy) -> bool:
    """Do the segments ab and cd cross (at a point inside both)? As :meth:`Drawing.crossings_of` inlines it."""
    if ax < cx and ax < dx and bx < cx and bx < dx or ax > cx and ax > dx and bx > cx and bx > dx:
        return False  # side by side
    ab_c = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    ab_d = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    if ab_c * ab_d >= 0:
        return False
    cd_a = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    cd_b = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    return cd_a * cd_b < 0


def straighten(g: LayeredGraph, layers: list, x: dict, row_height: float, budget: Budget) -> Drawing:
    """The drawing of `layers` placed at `x`, each real node moved where its straight edges cross less
    (until `budget` is spent)."""
    drawing = Drawing(g, layers, x, row_height, budget)
    left_of = {v: set(children[i + 1:]) for children in g.held.values() for i, v in enumerate(children)}
    wired = {v: {w for edge in edges for w in edge} for v, edges in drawing.incident.items()}
    looked_at = None  # the nodes to try again: those near a node that moved in the last round (None: all)
    for _ in range(ROUNDS):
        moved = set()
        for row in drawing.rows:
            if budget.spent:
                return drawing
            for j in range(len(row)):
                if looked_at is not None and row[j] not in looked_at:
                    continue
                if _best_place(drawing, row, j):
                    moved.add(row[j])
                if _best_swap(drawing, row, j, left_of):
                    moved.update(row[j:j + 2])
        if not moved:
            break
        # What a node's best place is depends most on where its row neighbours and wired nodes stand.
        looked_at = {w for v in moved for w in wired[v]}
        looked_at |= {row[k] for row in drawing.rows for j, v in enumerate(row) if v in moved
                      for k in (j - 1, j + 1) if 0 <= k < len(row)}
    return drawing


def _best_place(drawing, row, j) -> bool:
    """Move row[j] between its row neighbours to where its edges cross least."""
    v = row[j]
    low = drawing.x(row[j - 1]) + SPACING if j else -math.inf
    high = drawing.x(row[j + 1]) - SPACING if j + 1 < len(row) else math.inf
    start = best = drawing.x(v)
    wanted = {min(max(drawing.x(w), low), high) for edge in drawing.incident[v] for w in edge}
    wanted = sorted(wanted | {start, low, high} - {-math.inf, math.inf})
    around = drawing.around(v, wanted[0], wanted[-1])
    best_count = drawing.crossings_of(v, around, [start])[0]
    if best_count:
        for candidate, count in zip(wanted, drawing.crossings_of(v, around, wanted)):
            if count < best_count:
                best, best_count = candidate, count
    drawing.move(v, best)
    return best != start


def _best_swap(drawing, row, j, left_of) -> bool:
    """Swap row[j] with its right neighbour when that crosses less and port order allows."""
    if j + 1 >= len(row) or row[j + 1] in left_of.get(row[j], ()):
        return False
    v, w = row[j], row[j + 1]
    xv, xw = drawing.x(v), drawing.x(w)
    pairs = drawing.rivals(drawing.incident[v] + drawing.incident[w], xv, xw)
    before = drawing.crossings(pairs)
    if not before:
        return False
    drawing.move(v, xw)
    drawing.move(w, xv)
    if drawing.crossings(pairs) < before:
        row[j], row[j + 1] = w, v
        return True
    drawing.move(v, xv)
    drawing.move(w, xw)
    return False
