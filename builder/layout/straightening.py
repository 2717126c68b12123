"""Straight-line refinement: the final drawing judged as straight edges between node centers.

Crossing reduction counts crossings along dummy nodes, but a long edge is drawn straight from end to
end and need not pass where its dummies stood. Here each node in turn tries a few places on its row
(beside the neighbours it is wired to, or in its neighbour's place, swapping with it) and takes the
one where its own edges cross fewest others. Rows keep their spacing; held siblings keep their order.
"""
import math
from bisect import bisect_left, bisect_right
from itertools import accumulate, groupby

from builder.layout.budget import Budget
from builder.layout.crossings import count_inversions
from builder.layout.geometry import NODE_GAP, NODE_W
from builder.layout.layering import LayeredGraph, is_dummy

ROUNDS = 4
SPACING = NODE_W + NODE_GAP
PLACE_COST = 8  # budget units of counting the crossings at one place


class Drawing:
    """Real nodes at (x, y) centers with straight edges. Edges are numbered: `ends[e]` are e's two nodes,
    `line[e]` its upper and lower end as x, y, x, y, and `in_gap[k]` the edges passing gap k (between layers
    k and k + 1)."""

    def __init__(self, g: LayeredGraph, layers: list, x: dict, row_height: float, budget: Budget):
        self.budget = budget
        self.rows = [[v for v in layer if not is_dummy(v)] for layer in layers]
        self.point = {v: (x[v], g.layer_of[v] * row_height) for row in self.rows for v in row}
        self.ends = sorted({tuple(sorted(e)) for e in g.edges if e[0] != e[1]})
        self.incident = {v: [] for v in self.point}
        self.in_gap = [[] for _ in layers]  # gap k lies between layers k and k + 1
        self.spans = []  # (upper end, lower end, upper layer, lower layer) of every edge
        for e, edge in enumerate(self.ends):
            for v in edge:
                self.incident[v].append(e)
            upper, lower = sorted(edge, key=g.layer_of.get)
            top, bottom = g.layer_of[upper], g.layer_of[lower]
            self.spans.append((upper, lower, top, bottom))
            for k in range(top, bottom):
                self.in_gap[k].append(e)
        self.passing_many = {}  # e -> the edges passing the gaps of e, for e passing several
        self.line, self.least, self.greatest = [None] * len(self.ends), [0.0] * len(self.ends), [0.0] * len(self.ends)
        for e in range(len(self.ends)):
            self._draw(e)

    def x(self, v) -> float:
        return self.point[v][0]

    def move(self, v, new_x) -> None:
        self.point[v] = (new_x, self.point[v][1])
        for e in self.incident[v]:
            self._draw(e)

    def _draw(self, e) -> None:
        upper, lower = self.spans[e][:2]
        self.line[e] = (*self.point[upper], *self.point[lower])
        a, b = self.point[upper][0], self.point[lower][0]
        self.least[e], self.greatest[e] = (a, b) if a < b else (b, a)

    def may_cross(self, e, f) -> bool:
        """Whether edges `e` and `f` could cross: no end in common, and a gap between two rows passed by both."""
        (_, _, top, bottom), (_, _, top2, bottom2), ends = self.spans[e], self.spans[f], self.ends[f]
        return top < bottom2 and top2 < bottom and self.ends[e][0] not in ends and self.ends[e][1] not in ends

    def crossings(self, pairs=None) -> int:
        """How many of `pairs` cross (all pairs when None, counted gap by gap: :meth:`between_rows`)."""
        if pairs is None:
            return sum(inversions + level for inversions, level, _ in self.between_rows())
        self.budget.spend(len(pairs))
        line = self.line
        return sum(_cross(*line[e], *line[f]) for e, f in pairs)

    def between_rows(self, count=True, gaps=None):
        """For each gap between two rows (each of `gaps`, all when None): the crossings inside it (0 unless
        `count`), those right on its upper row, and the edges crossed there, in O(E log E) for the E edges
        passing it.

        Two straight edges cross in the gap where their left-to-right order changes; as the x where each
        passes the rows bounding the gap are sorted, those are the inversions of the lower ones. Edges at
        the same x on the upper row cross right there when neither ends there and they part below.
        """
        line, spans = self.line, self.spans
        for k in range(len(self.in_gap)) if gaps is None else gaps:
            items = []
            for e in self.in_gap[k]:
                x_top, _, x_bottom, _ = line[e]
                _, _, top, bottom = spans[e]
                length = bottom - top
                above = x_top if k == top else (x_top * (bottom - k) + x_bottom * (k - top)) / length
                below = x_bottom if k + 1 == bottom else (x_top * (bottom - k - 1) + x_bottom * (k + 1 - top)) / length
                items.append((above, below, top < k, e))
            self.budget.spend(len(items))
            items.sort()
            inversions, level, crossed = 0, 0, set()
            bottoms = [item[1] for item in items]
            tangled = bottoms != sorted(bottoms)  # (else no two cross inside the gap: found at C speed)
            if count and tangled:
                rank = {x: i for i, x in enumerate(sorted(set(bottoms)))}
                inversions = count_inversions([rank[bottom] for bottom in bottoms], len(rank))
            if len({item[0] for item in items}) < len(items):  # edges level on the upper row
                for _, group in groupby(items, key=lambda item: item[0]):
                    group = list(group)
                    for i, (_, bottom, through, edge) in enumerate(group):
                        for _, bottom2, through2, edge2 in group[i + 1:]:
                            if through and through2 and bottom != bottom2:
                                level += 1
                                crossed.update((edge, edge2))
            if tangled:  # crossed: an edge left of it on the upper row ends right of it, or the other way
                furthest_left = [-math.inf, *accumulate(bottoms, max)]
                furthest_right = [*accumulate(reversed(bottoms), min)][::-1] + [math.inf]
                # (Edges level with it on the upper row come before it with an end no further right, after
                # it with one no further left: they never count.)
                crossed.update(item[3] for item, bottom, left, right in zip(items, bottoms, furthest_left,
                                                                            furthest_right[1:])
                               if left > bottom or right < bottom)
            yield inversions, level, crossed

    def crossed_edges(self, gaps=None) -> dict:
        """Gap -> the edges crossed in it, for each of `gaps` (all when None)."""
        gaps = range(len(self.in_gap)) if gaps is None else sorted(gaps)
        return {k: crossed for k, (_, _, crossed) in zip(gaps, self.between_rows(count=False, gaps=gaps))}

    def passing(self, e) -> list:
        """The edges passing some gap between two rows that `e` passes (`e` among them)."""
        _, _, top, bottom = self.spans[e]
        if bottom - top == 1:  # most edges
            return self.in_gap[top]
        if e not in self.passing_many:
            self.passing_many[e] = list({other for k in range(top, bottom) for other in self.in_gap[k]})
        return self.passing_many[e]

    def shadows(self, v, low, high) -> tuple:
        """Where on its row v would make its edges cross others, while it stays between x = `low` and
        `high`: for each edge of v and each edge near it, an open interval of x; all their left ends and
        all their right ends, each sorted.

        Seen from the far end b of v's edge, the part of the other edge between b's row and v's row
        casts a shadow on v's row: v's edge crosses the other exactly when v stands in that shadow. So
        the crossings of every place v may take are counted with two bisections, not pair by pair.
        """
        point, line, least, greatest, ends = self.point, self.line, self.least, self.greatest, self.ends
        lefts, rights = [], []
        ay = point[v][1]
        for e in self.incident[v]:
            near = self.passing(e)
            self.budget.spend(len(near))
            a, b = ends[e]
            bx, by = point[b if a == v else a]
            left, right = min(low, bx), max(high, bx)
            low_y, high_y = (ay, by) if ay < by else (by, ay)
            for other in near:
                if greatest[other] < left or least[other] > right:
                    continue  # beside every line v's edge can take
                if a in ends[other] or b in ends[other]:
                    continue  # meets v's edge at an end (or is v's edge)
                cx, cy, dx, dy = line[other]  # cy < dy
                if dy <= low_y or cy >= high_y:
                    continue  # no part between the two rows
                slope = (dx - cx) / (dy - cy)
                if cy < low_y:
                    cx, cy = cx + slope * (low_y - cy), low_y
                if dy > high_y:
                    dx, dy = cx + slope * (high_y - cy), high_y
                # Each end seen from b on v's row; an edge through b itself casts no shadow.
                first, second = _seen_from(bx, by, cx, cy, ay), _seen_from(bx, by, dx, dy, ay)
                if first is None or second is None:
                    continue
                if first < second:
                    lefts.append(first)
                    rights.append(second)
                elif second < first:
                    lefts.append(second)
                    rights.append(first)
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
    # A node whose edges cross none has nothing to gain from moving; after the first round, what a node's
    # best place is depends most on where its row neighbours and wired nodes stand: those that moved.
    crossed = drawing.crossed_edges()
    looked_at = _ends_of(drawing, crossed)
    for _ in range(ROUNDS):
        moved = set()
        for row in drawing.rows:
            if budget.spent:
                return drawing
            carried = None  # row[j]'s shadows, from its left neighbour's turn
            for j in range(len(row)):
                if row[j] not in looked_at:
                    carried = None
                    continue
                nodes, carried = _improve(drawing, row, j, left_of, looked_at, carried)
                moved.update(nodes)
        if not moved:
            break
        looked_at = {w for v in moved for e in drawing.incident[v] for w in drawing.ends[e]}
        looked_at |= {row[k] for row in drawing.rows for j, v in enumerate(row) if v in moved
                      for k in (j - 1, j + 1) if 0 <= k < len(row)}
        # Only the gaps that the moved nodes' edges pass can cross differently.
        spans = drawing.spans
        crossed.update(drawing.crossed_edges({k for v in moved for e in drawing.incident[v]
                                              for k in range(spans[e][2], spans[e][3])}))
        looked_at &= _ends_of(drawing, crossed)
    return drawing


def _ends_of(drawing, crossed) -> set:
    """The nodes with an edge in `crossed` (gap -> edges)."""
    ends = drawing.ends
    return {v for edges in crossed.values() for e in edges for v in ends[e]}


def _improve(drawing, row, j, left_of, looked_at, shadows=None) -> tuple:
    """Move row[j] between its row neighbours to where its edges cross least, then swap it with its right
    neighbour when that crosses less and port order allows; the nodes that moved, and the shadows of the
    right neighbour for its own turn if it is in `looked_at` (None when the swap was made).

    `shadows` are row[j]'s, when worked out in its left neighbour's turn. The shadows of v's edges serve both
    the move and the swap: with v at w's place, its edges cannot cross w's (they meet there).
    """
    v, ends = row[j], drawing.ends
    w = row[j + 1] if j + 1 < len(row) and row[j + 1] not in left_of.get(v, ()) else None
    low = drawing.x(row[j - 1]) + SPACING if j else -math.inf
    high = drawing.x(row[j + 1]) - SPACING if j + 1 < len(row) else math.inf
    start = best = drawing.x(v)
    wanted = {min(max(drawing.x(u), low), high) for e in drawing.incident[v] for u in ends[e]}
    wanted = sorted(wanted | {start, low, high} - {-math.inf, math.inf})
    if shadows is None:
        shadows = drawing.shadows(v, wanted[0], max(wanted[-1], drawing.x(w)) if w else wanted[-1])
    best_count = drawing.crossings_of(shadows, [start])[0]
    if best_count:
        for candidate, count in zip(wanted, drawing.crossings_of(shadows, wanted)):
            if count < best_count:
                best, best_count = candidate, count
    moved = [v] if best != start else []
    if moved:
        drawing.move(v, best)
    if w is None:
        return moved, None
    xv, xw = best, drawing.x(w)
    v_edges, w_edges = drawing.incident[v], drawing.incident[w]
    reach = xw
    if w in looked_at:  # as far right as its own turn looks: up to its right neighbour, or its wired nodes
        far = [row[j + 2]] if j + 2 < len(row) else [u for e in w_edges for u in ends[e]]
        reach = max(xw, *map(drawing.x, far))
    w_shadows = drawing.shadows(w, xv, reach)
    # At v's place, w's edges meet v's instead of crossing them; where it stands, both counts hold those.
    w_before, w_after = drawing.crossings_of(w_shadows, [xw, xv])
    between = [(e, f) for e in v_edges for f in w_edges if drawing.may_cross(e, f)]
    before = best_count + w_before - drawing.crossings(between)
    if not before:
        return moved, w_shadows
    v_after = drawing.crossings_of(shadows, [xw])[0]
    if v_after + w_after >= before:
        return moved, w_shadows
    drawing.move(v, xw)
    drawing.move(w, xv)
    if v_after + w_after + drawing.crossings(between) < before:
        row[j], row[j + 1] = w, v
        return [v, w], None
    drawing.move(v, xv)
    drawing.move(w, xw)
    return moved, w_shadows


def _seen_from(bx, by, x, y, ay):
    """Where the point (x, y) falls on the row at `ay`, seen from (bx, by): a point on b's row lies at the far
    left or right of it, and b itself casts nothing (None)."""
    if y == ay:
        return x
    if y != by:
        return bx + (x - bx) * (ay - by) / (y - by)
    if x != bx:
        return math.inf if x > bx else -math.inf
    return None
