"""A random split's branches are checked before publishing, each problem named by its branch and field."""
import pytest

from builder.catalog import ports_of
from builder.validate import problems
from tests.builder.factories import OBJECTS, edge, make_graph, node


def split_graph(branches, wired=("A", "B")):
    split = node("split", "random_split", branches=branches)
    mails = [node(f"mail{name}", "send_email", to="{{ record.fields.email }}", subject="Hi", body="x")
             for name in wired]
    return make_graph(node("start", "record_created", object="deal"), split, *mails,
                      edges=[edge("start", "split"), *(edge("split", f"mail{name}", name) for name in wired)])


def errors(graph):
    return [(p["node_id"], p["field"], p["message"]) for p in problems(graph, objects=OBJECTS, publishing=True)
            if p["severity"] == "error"]


def test_a_fresh_split_is_valid_and_has_one_port_per_branch():
    graph = split_graph([{"name": "A", "weight": 50}, {"name": "B", "weight": 50}])
    assert errors(graph) == []
    assert ports_of(node("s", "random_split", branches=[{"name": "x", "weight": 20}, {"name": "y", "weight": 30},
                                                        {"name": "z", "weight": 50}])) == ["x", "y", "z"]


@pytest.mark.parametrize("branches,field,words", [
    ([{"name": "A", "weight": 60}, {"name": "B", "weight": 30}], "config.branches", "add up to 90, not 100"),
    ([{"name": "A", "weight": 100}], "config.branches", "2 to 5 branches"),
    ([{"name": n, "weight": 10} for n in "ABCDEF"], "config.branches", "2 to 5 branches"),
    ([{"name": "A", "weight": 50}, {"name": "A", "weight": 50}], "config.branches[1].name", "'A' is taken"),
    ([{"name": "A", "weight": 50}, {"name": " ", "weight": 50}], "config.branches[1].name", "needs a name"),
    ([{"name": "A", "weight": 0}, {"name": "B", "weight": 100}], "config.branches[0].weight", "from 1 to 99"),
    ([{"name": "A", "weight": 50.5}, {"name": "B", "weight": 49.5}], "config.branches[0].weight", "whole"),
    ([{"name": "A", "weight": 50}, "B"], "config.branches[1]", "'name' and 'weight'"),
    ("A,B", "config.branches", "2 to 5 branches"),
])
def test_bad_branches_are_named(branches, field, words):
    found = [p for p in errors(split_graph(branches, wired=())) if p[1] == field]
    assert found and found[0][0] == "split" and words in found[0][2], errors(split_graph(branches, wired=()))


def test_an_edge_from_a_branch_that_no_longer_exists_is_an_error():
    graph = split_graph([{"name": "A", "weight": 50}, {"name": "C", "weight": 50}])
    assert ("split", "port", "'Random split' has no output 'B' (it has A, C).") in errors(graph)
