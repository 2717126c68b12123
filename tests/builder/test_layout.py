import copy
import random

import pytest
from hypothesis import given, settings

from builder.graph import read_graph
from builder.layout import NODE_H, NODE_W, arrange, arrange_within, count_crossings, grid
from tests.builder.factories import edge, graphs, make_graph, node


def boxes_overlap(a, b):
    return abs(a["x"] - b["x"]) < NODE_W and abs(a["y"] - b["y"]) < NODE_H


def positions(graph):
    return {n["id"]: n["position"] for n in graph["nodes"]}


def branching_graph():
    return make_graph(
        node("t", "record_created", object="deal"), node("c", "condition"), node("yes", "send_email"),
        node("no", "send_sms"), node("h", "human_task", outcomes=["approve", "reject"]), node("ok", "delay"),
        node("ko", "delay"), node("late", "delay"), node("end", "notify_user"),
        # Declared in an unhelpful order on purpose: the layout must not depend on it.
        edges=[edge("t", "c"), edge("c", "no", "false"), edge("c", "yes", "true"), edge("yes", "h"),
               edge("h", "late", "timeout"), edge("h", "ko", "reject"), edge("h", "ok", "approve"),
               edge("ok", "end"), edge("no", "end")])


def random_workflow(size, seed):
    rnd = random.Random(seed)
    nodes, edges, open_ports = [node("n0", "record_created", object="deal")], [], [("n0", "next")]
    for i in range(1, size):
        kind = rnd.choice(["send_email", "delay", "condition"])
        nodes.append(node(f"n{i}", kind))
        source, port = open_ports.pop(rnd.randrange(len(open_ports))) if open_ports else (f"n{i - 1}", "next")
        edges.append(edge(source, f"n{i}", port))
        open_ports += [(f"n{i}", p) for p in (["true", "false"] if kind == "condition" else ["next"])]
        if rnd.random() < 0.1:
            edges.append(edge(f"n{i}", f"n{rnd.randrange(1, i + 1)}", "error" if kind == "send_email" else "next"))
    return make_graph(*nodes, edges=edges)


def assert_well_placed(graph):
    placed = positions(graph)
    items = list(placed.items())
    for i, (a, pa) in enumerate(items):
        assert isinstance(pa["x"], int) and isinstance(pa["y"], int)
        for b, pb in items[i + 1:]:
            assert not boxes_overlap(pa, pb), (a, pa, b, pb)
    if placed:
        assert min(p["x"] for p in placed.values()) == 0 and min(p["y"] for p in placed.values()) == 0


@settings(max_examples=60, deadline=None)
@given(graphs(max_nodes=20))
def test_every_node_is_placed_without_overlap_and_only_positions_change(doc):
    before = read_graph(doc)
    after = arrange(doc)
    assert_well_placed(after)
    assert after["edges"] == before["edges"]
    assert [{**n, "position": None} for n in after["nodes"]] == [{**n, "position": None} for n in before["nodes"]]
    assert arrange(copy.deepcopy(doc)) == after


def test_flows_top_down_from_the_trigger():
    placed = positions(arrange(branching_graph()))
    assert placed["t"]["y"] == 0
    for source, target in [("t", "c"), ("c", "yes"), ("yes", "h"), ("h", "ok"), ("ok", "end")]:
        assert placed[source]["y"] < placed[target]["y"]


def test_true_goes_left_of_false_and_outcomes_keep_their_order():
    placed = positions(arrange(branching_graph()))
    assert placed["yes"]["x"] < placed["no"]["x"]
    assert placed["ok"]["x"] < placed["ko"]["x"] < placed["late"]["x"]


def test_cycles_and_several_components_are_laid_out():
    graph = branching_graph()
    graph["nodes"] += [node("island", "delay"), node("x", "delay"), node("y", "delay")]
    graph["edges"] += [edge("end", "c", "error"), edge("x", "y"), edge("y", "x"), edge("y", "y")]
    assert_well_placed(arrange(graph))


def test_input_positions_do_not_matter():
    graph = branching_graph()
    shuffled = copy.deepcopy(graph)
    for index, item in enumerate(shuffled["nodes"]):
        item["position"] = {"x": 1000 - 37 * index, "y": 13 * index}
    assert arrange(shuffled) == arrange(graph) == arrange(arrange(graph))


def test_notes_move_beside_the_diagram():
    graph = branching_graph()
    graph["notes"] = [{"id": "n1", "text": "why", "position": {"x": 5, "y": 500}, "size": {"w": 200, "h": 100}},
                      {"id": "n2", "text": "how", "position": {"x": 5, "y": 10}, "size": {"w": 200, "h": 100}}]
    after = arrange(graph)
    right = max(n["position"]["x"] for n in after["nodes"]) + NODE_W
    notes = {n["id"]: n["position"] for n in after["notes"]}
    assert all(p["x"] > right for p in notes.values()) and notes["n2"]["y"] < notes["n1"]["y"]


def test_count_crossings():
    graph = make_graph(node("a", "manual"), node("b", "delay"), node("c", "delay"), node("d", "delay"),
                       edges=[edge("a", "d"), edge("b", "c")])
    where = {"a": (0, 0), "b": (400, 0), "c": (0, 300), "d": (400, 300)}
    for item in graph["nodes"]:
        item["position"] = dict(zip("xy", where[item["id"]]))
    assert count_crossings(graph) == 1
    assert count_crossings(arrange(graph)) == 0


def test_a_larger_workflow_gets_fewer_crossings_than_its_declared_order():
    graph = random_workflow(150, seed=3)
    for index, item in enumerate(graph["nodes"]):  # a naive grid in declaration order
        item["position"] = {"x": (index % 10) * 300, "y": (index // 10) * 150}
    after = arrange(graph)
    assert_well_placed(after)
    assert count_crossings(after) < count_crossings(read_graph(graph))


def tangled_graph(size, fan, seed=0):
    """Every step wired to `fan` random later steps: long edges across many layers, unlike any real workflow."""
    rnd = random.Random(seed)
    nodes = [node("t", "record_created", object="deal")] + [node(f"a{i}", "notify_user") for i in range(size)]
    edges = [edge("t", "a0")] + [edge(f"a{i}", f"a{j}") for i in range(size - 1)
                                 for j in rnd.sample(range(i + 1, size), min(fan, size - i - 1))]
    return make_graph(*nodes, edges=edges)


def braided_graph(size, fan=2, reach=4, seed=0):
    """Every step wired to `fan` of the next `reach` steps: few dummies, but each step pushes a long cone of
    steps ahead of it when edges are shortened (2,000 of them took minutes before the layout had a deadline)."""
    rnd = random.Random(seed)
    nodes = [node("t", "record_created", object="deal")] + [node(f"a{i}", "notify_user") for i in range(size)]
    edges = [edge("t", "a0")] + [edge(f"a{i}", f"a{j}") for i in range(size - 1)
                                 for j in rnd.sample(range(i + 1, min(size, i + reach + 1)), min(fan, size - 1 - i))]
    return make_graph(*nodes, edges=edges)


def test_a_braided_graph_past_the_deadline_gets_a_grid_and_says_it_was_cut_short():
    doc = braided_graph(1999)
    laid, complete = arrange_within(doc, seconds=0.05)
    assert not complete
    assert laid == grid(doc)


def test_a_workflow_arranged_in_time_says_so_and_is_the_same_every_time():
    doc = random_workflow(150, seed=3)
    laid, complete = arrange_within(doc)
    assert complete and laid == arrange(doc)


def test_a_tangled_graph_still_gets_the_same_layout_without_overlaps_once_the_work_budget_is_spent(monkeypatch):
    from builder.layout import budget

    monkeypatch.setattr(budget, "WORK_LIMIT", 20_000)
    doc = tangled_graph(60, 3)
    laid = arrange(doc)
    places = list(positions(laid).values())
    assert not any(boxes_overlap(a, b) for i, a in enumerate(places) for b in places[i + 1:])
    assert laid == arrange(doc)


def test_a_graph_too_tangled_to_arrange_is_refused_with_the_reason_and_previewed_in_rows():
    from builder.errors import LayoutTooLarge
    from builder.preview import preview_svg

    doc = tangled_graph(1500, 3)
    with pytest.raises(LayoutTooLarge, match="too tangled to arrange automatically"):
        arrange(doc)
    assert preview_svg(doc).count('class="preview-node"') == 1501
    places = [tuple(p.values()) for p in positions(grid(doc)).values()]
    assert len(set(places)) == 1501
