"""Rotate owner: what it rotates among and what it sets are checked before publishing."""
import pytest

from builder.validate import problems
from tests.builder.factories import OBJECTS, edge, make_graph, node


def errors(config, trigger=None):
    graph = make_graph(trigger or node("start", "record_created", object="task"), node("rotate", "rotate_owner", **config),
                       edges=[edge("start", "rotate")])
    return [(p["field"], p["message"]) for p in problems(graph, objects=OBJECTS, publishing=True)
            if p["severity"] == "error" and p["node_id"] == "rotate"]


@pytest.mark.parametrize("config,expected", [
    ({"users": ["maria", "sam"]}, []),
    ({"role": "editor", "only_available": True, "field": "assignee"}, []),
    ({}, [("config.users", "choose the users or the role to rotate among")]),
    ({"users": ["maria"], "role": "editor"}, [("config.role", "choose either users or a role, not both")]),
    ({"users": ["maria"], "field": "title"}, [("config.field", "Set: 'title' is not a user field")]),
    ({"users": ["maria"], "field": "colour"}, [("config.field", "Set: Task has no field 'colour'")]),
    ({"users": "maria"}, [("config.users", "Users: Not a valid list."),
                          ("config.users", "choose the users or the role to rotate among")]),
])
def test_rotation_config_problems_name_the_field(config, expected):
    assert errors(config) == expected


def test_a_run_without_a_record_has_nothing_to_assign():
    assert errors({"users": ["maria"]}, node("start", "webhook")) == [
        (None, "Rotate owner needs a record, and this workflow's trigger starts runs without one")]
