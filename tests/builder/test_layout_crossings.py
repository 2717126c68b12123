"""The fast crossing counts of the layout agree with counting every pair of edges one by one."""
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.graph import read_graph
from builder.layout import ROW_HEIGHT
from builder.layout.budget import Budget
from builder.layout.crossings import count_inversions
from builder.layout.geometry import crossings_of_lines, segments_cross
from builder.layout.layering import is_dummy, layered_graph
from builder.layout.straightening import Drawing
from tests.builder.factories import graphs


@given(st.lists(st.integers(0, 30)) | st.lists(st.integers(0, 150), min_size=40), st.integers(0, 5))
def test_the_accumulator_tree_counts_every_pair_out_of_order(ends, spare):
    size = max(ends, default=-1) + 1 + spare
    by_pairs = sum(a > b for i, a in enumerate(ends) for b in ends[i + 1:])
    assert count_inversions(ends, size) == by_pairs


@st.composite
def drawings(draw):
    """The layers of a random graph, with its real nodes at random distinct whole-number places on their rows
    (so that edges meet exactly on rows and at node centers too)."""
    g = layered_graph(read_graph(draw(graphs(max_nodes=14))))
    layers = [list(layer) for layer in g.layers]
    x = {}
    for layer in layers:
        real = [v for v in layer if not is_dummy(v)]
        places = draw(st.lists(st.integers(-8, 8), min_size=len(real), max_size=len(real), unique=True))
        x.update((v, place * 50) for v, place in zip(real, places))
    return Drawing(g, layers, x, ROW_HEIGHT, Budget()), g


@settings(max_examples=300, deadline=None)
@given(drawings())
def test_counting_gap_by_gap_finds_the_crossings_of_every_pair_of_straight_edges(drawn):
    drawing, g = drawn
    assert drawing.crossings() == crossings_of_lines(drawing.point, g.edges)


@settings(max_examples=300, deadline=None)
@given(drawings(), st.data())
def test_the_shadows_on_a_row_count_a_nodes_crossings_at_every_place(drawn, data):
    drawing, _ = drawn
    v = data.draw(st.sampled_from(sorted(drawing.point)))
    places = data.draw(st.lists(st.integers(-400, 400), max_size=6))
    y = drawing.point[v][1]
    point, ends = drawing.point, drawing.ends
    by_pairs = [sum(segments_cross((x, y), point[w], point[other[0]], point[other[1]])
                    for e in drawing.incident[v] for w in ends[e] if w != v
                    for other in ends if not set(other) & set(ends[e]))
                for x in places]
    assert drawing.crossings_of(drawing.shadows(v, -math.inf, math.inf), places) == by_pairs


@settings(max_examples=300, deadline=None)
@given(drawings())
def test_the_edges_found_crossed_gap_by_gap_are_those_that_cross_another(drawn):
    drawing, _ = drawn
    point, ends = drawing.point, drawing.ends
    by_pairs = {e for e, (a, b) in enumerate(ends) for c, d in ends
                if not {a, b} & {c, d} and segments_cross(point[a], point[b], point[c], point[d])}
    assert set().union(*drawing.crossed_edges().values()) == by_pairs
