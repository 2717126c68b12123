"""Straight-line refinement: the final drawing judged as straight edges between node centers.

Crossing reduction counts crossings along dummy nodes, but a long edge is drawn straight from end to
end and need not pass where its dummies stood. Here each node in turn tries a few places on its row
(beside the neighbours it is wired to, or in its neighbour's place, swapping with it) and takes the
one where its own edges cross fewest others. Rows keep their spacing; held siblings keep their order.
"""
import math
from bisect import bisect_left, bisect_right
from itertools import groupby

from builder.layout.budget import Budget
from builder.layout.crossings import count_inversions, crossed_from_left
from builder.layout.geometry import NODE_GAP, NODE_W
from builder.layout.layering import LayeredGraph, is_dummy

ROUNDS = 4
SPACING = NODE_W + NODE_GAP
PLACE_COST = 8  # budget units of counting the crossings at one place


class Drawing:
    """Real nodes at (x, y) centers with straight edges; `near[e]` are the edges that could cross e,
    the ones sharing no end with it that pass some gap between two layers it passes too."""

    def __init__(self, g: LayeredGraph, layers: list, x: dict, row_height: float, budget: Budget):
        self.budget = budget
        self.rows = [[v for v in layer if not is_dummy(v)] for layer in layers]
        self.point = {v: (x[v], g.layer_of[v] * row_height) for row in self.rows for v in row}
        self.incident = {v: [] for v in self.point}
        self.in_gap = [[] for _ in layers]  # gap k lies between layers k and k + 1
        self.spans = []  # (upper end, lower end, upper layer, lower layer) of every edge
        for edge in sorted({tuple(sorted(e)) for e in g.edges if e[0] != e[1]}):
            for v in edge:
                self.incident[v].append(edge)
            upper, lower = sorted(edge, key=g.layer_of.get)
            top, bottom = g.layer_of[upper], g.layer_of[lower]
            self.spans.append((upper, lower, top, bottom))
            for k in range(top, bottom):
                self.in_gap[k].append(edge)
        self.near = _Near(self.in_gap, g.layer_of)
        self.extent = {}  # edge -> (least x, greatest x)
        for v in self.point:
            self.move(v, self.point[v][0])

    def x(self, v) -> float:
        return self.point[v][0]

    def move(self, v, new_x) -> None:
        point = self.point
        point[v] = (new_x, point[v][1])
        for edge in self.incident[v]:
            a, b = point[edge[0]][0], point[edge[1]][0]
            self.extent[edge] = (a, b) if a < b else (b, a)

    def crossings(self, pairs=None) -> int:
        """How many of `pairs` cross (all pairs when None, counted gap by gap: :meth:`between_rows`)."""
        if pairs is None:
            return sum(inversions + level for inversions, level, _ in self.between_rows())
        self.budget.spend(len(pairs))
        total, point = 0, self.point
        for (s, t), (u, v) in pairs:
            total += _cross(*point[s], *point[t], *point[u], *point[v])
        return total

    def between_rows(self, count=True):
        """For each gap between two rows: the crossings inside it (0 unless `count`), those right on its
        upper row, and the edges crossed there, in O(E log E) for the E edges passing it.

        Two straight edges cross in the gap where their left-to-right order changes; as the x where each
        passes the rows bounding the gap are sorted, those are the inversions of the lower ones. Edges at
        the same x on the upper row cross right there when neither ends there and they part below.
        """
        passing = [[] for _ in self.in_gap]
        point = self.point
        for upper, lower, top, bottom in self.spans:
            x_top, x_bottom = point[upper][0], point[lower][0]
            above, length = x_top, bottom - top
            for k in range(top, bottom):
                below = x_bottom if k + 1 == bottom else (x_top * (bottom - k - 1) + x_bottom * (k + 1 - top)) / length
                passing[k].append((above, below, top < k, (upper, lower)))
                above = below
        for items in passing:
            self.budget.spend(len(items))
            items.sort()
            inversions, level, crossed = 0, 0, set()
            if count:
                rank = {x: i for i, x in enumerate(sorted({item[1] for item in items}))}
                inversions = count_inversions([rank[item[1]] for item in items], len(rank))
            if len({item[0] for item in items}) < len(items):  # edges level on the upper row
                for _, group in groupby(items, key=lambda item: item[0]):
                    group = list(group)
                    for i, (_, bottom, through, edge) in enumerate(group):
                        for _, bottom2, through2, edge2 in group[i + 1:]:
                            if through and through2 and bottom != bottom2:
                                level += 1
                                crossed.update((edge, edge2))
            if inversions or not count:
                ends = [item[:2] for item in items]
                mirrored = [(-top, -bottom) for top, bottom in reversed(ends)]
                sides = zip(crossed_from_left(ends), reversed(crossed_from_left(mirrored)))
                crossed.update(item[3] for item, (left, right) in zip(items, sides) if left or right)
            yield inversions, level, crossed

    def crossing_nodes(self) -> set:
        """The nodes with an edge that crosses another."""
        return {v for _, _, crossed in self.between_rows(count=False) for edge in crossed for v in edge}

    def shadows(self, v, low, high, fixed_only=()) -> tuple:
        """Where on its row v would make its edges cross others, while it stays between x = `low` and
        `high`: for each edge of v and each edge near it, an open interval of x; all their left ends and
        all their right ends, each sorted.

        Seen from the far end b of v's edge, the part of the other edge between b's row and v's row
        casts a shadow on v's row: v's edge crosses the other exactly when v stands in that shadow. So
        the crossings of every place v may take are counted with two bisections, not pair by pair.
        Edges of `fixed_only` (which move too) are left out.
        """
        point, extent, lefts, rights = self.point, self.extent, [], []
        ay = point[v][1]
        for edge in self.incident[v]:
            near = self.near[edge]
            self.budget.spend(len(near))
            bx, by = point[edge[1] if edge[0] == v else edge[0]]
            left, right = min(low, bx), max(high, bx)
            low_y, high_y = (ay, by) if ay < by else (by, ay)
            for other in near:
                least, greatest = extent[other]
                if greatest < left or least > right or other in fixed_only:
                    continue  # beside every line v's edge can take
                (cx, cy), (dx, dy) = point[other[0]], point[other[1]]
                if cy > dy:
                    cx, cy, dx, dy = dx, dy, cx, cy
                if dy <= low_y or cy >= high_y:
                    continue  # no part between the two rows
                slope = (dx - cx) / (dy - cy)
                if cy < low_y:
                    cx, cy = cx + slope * (low_y - cy), low_y
                if dy > high_y:
                    dx, dy = cx + slope * (high_y - cy), high_y
                ends = []
                for px, py in ((cx, cy), (dx, dy)):
                    if py == ay:
                        ends.append(px)
                    elif py != by:
                        ends.append(bx + (px - bx) * (ay - by) / (py - by))
                    elif px != bx:  # on b's row: seen from b, it lies at the far left or right of v's row
                        ends.append(math.inf if px > bx else -math.inf)
                    else:  # the other edge passes through b: its shadow is a single point
                        break
                else:
                    if ends[0] != ends[1]:
                        lefts.append(min(ends))
                        rights.append(max(ends))
        lefts.sort()
        rights.sort()
        return lefts, rights

    def crossings_of(self, shadows, places) -> list:
        """How many crossings the edges of a node have at each of `places` on its row, given its `shadows`."""
        lefts, rights = shadows
        self.budget.spend(len(places) * PLACE_COST)
        return [bisect_left(lefts, x) - bisect_right(rights, x) for x in places]


def _cross(ax, ay, bx, by, cx, cy, dx, dy) -> bool:
    """Do the segments ab and cd cross (at a point inside both)?"""
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
    # A node whose edges cross none has nothing to gain from moving; after the first round, what a node's
    # best place is depends most on where its row neighbours and wired nodes stand: those that moved.
    looked_at = drawing.crossing_nodes()
    for _ in range(ROUNDS):
        moved = set()
        for row in drawing.rows:
            if budget.spent:
                return drawing
            for j in range(len(row)):
                if row[j] not in looked_at:
                    continue
                if _best_place(drawing, row, j):
                    moved.add(row[j])
                if _best_swap(drawing, row, j, left_of):
                    moved.update(row[j:j + 2])
        if not moved:
            break
        looked_at = {w for v in moved for w in wired[v]}
        looked_at |= {row[k] for row in drawing.rows for j, v in enumerate(row) if v in moved
                      for k in (j - 1, j + 1) if 0 <= k < len(row)}
        looked_at &= drawing.crossing_nodes()
    return drawing


class _Near(dict):
    """`near[e]`, worked out for the edges asked about only: the edges sharing no end with e that pass
    some gap between two layers e passes too."""

    def __init__(self, in_gap, layer_of):
        super().__init__()
        self.in_gap, self.layer_of = in_gap, layer_of

    def __missing__(self, edge):
        top, bottom = sorted(self.layer_of[v] for v in edge)
        others = {other for k in range(top, bottom) for other in self.in_gap[k]}
        self[edge] = found = sorted(other for other in others if edge[0] not in other and edge[1] not in other)
        return found


def _best_place(drawing, row, j) -> bool:
    """Move row[j] between its row neighbours to where its edges cross least."""
    v = row[j]
    low = drawing.x(row[j - 1]) + SPACING if j else -math.inf
    high = drawing.x(row[j + 1]) - SPACING if j + 1 < len(row) else math.inf
    start = best = drawing.x(v)
    wanted = {min(max(drawing.x(w), low), high) for edge in drawing.incident[v] for w in edge}
    wanted = sorted(wanted | {start, low, high} - {-math.inf, math.inf})
    shadows = drawing.shadows(v, wanted[0], wanted[-1])
    best_count = drawing.crossings_of(shadows, [start])[0]
    if best_count:
        for candidate, count in zip(wanted, drawing.crossings_of(shadows, wanted)):
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
    v_edges, w_edges = drawing.incident[v], drawing.incident[w]
    v_before, v_after = drawing.crossings_of(drawing.shadows(v, xv, xw, w_edges), [xv, xw])
    w_before, w_after = drawing.crossings_of(drawing.shadows(w, xv, xw, v_edges), [xw, xv])
    between = [(edge, other) for edge in v_edges for other in drawing.near[edge] if other in w_edges]
    before = v_before + w_before + drawing.crossings(between)
    if not before:
        return False
    drawing.move(v, xw)
    drawing.move(w, xv)
    if v_after + w_after + drawing.crossings(between) < before:
        row[j], row[j + 1] = w, v
        return True
    drawing.move(v, xv)
    drawing.move(w, xw)
    return False
