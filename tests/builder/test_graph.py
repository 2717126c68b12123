import dataclasses
import json

import pytest
from hypothesis import given, settings

from builder.errors import InvalidWorkflow, UnknownNodeType
from builder.graph import from_networkx, read_graph, to_networkx, trigger_of
from builder.workflow_graph import Edge, WorkflowGraph
from tests.builder.factories import edge, graphs, make_graph, node, reminder_graph


def read_error(doc) -> InvalidWorkflow:
    with pytest.raises(InvalidWorkflow) as info:
        read_graph(doc)
    return info.value


def test_fills_defaults():
    graph = read_graph({"nodes": [{"id": "t", "kind": "trigger", "type": "record_created",
                                   "config": {"object": "deal"}},
                                  {"id": "m", "kind": "action", "type": "send_email"}],
                        "edges": [{"source": "t", "target": "m"}]})
    trigger, mail = graph["nodes"]
    assert trigger["config"] == {"object": "deal", "filter": None, "include_workflow_tasks": False}
    assert trigger["label"] == "Record created"
    assert mail["position"] == {"x": 0, "y": 0} and mail["config"]["to"] == ""
    assert graph["edges"] == [{"id": "t-next-m", "source": "t", "target": "m", "port": "next"}]
    assert graph["notes"] == []


def test_generated_edge_ids_do_not_collide():
    doc = make_graph(node("a", "manual"), node("b", "delay"),
                     edges=[{"source": "a", "target": "b"}, {"source": "a", "target": "b"}, edge("a", "b")])
    ids = [e["id"] for e in read_graph(doc)["edges"]]
    assert len(set(ids)) == 3


@pytest.mark.parametrize("doc, location", [
    ([], "graph"), ({"nodes": {}}, "nodes"), ({"nodes": [], "edges": "x"}, "edges"), ({"nodes": [5]}, "nodes[0]"),
    ({"nodes": [{"kind": "trigger", "type": "manual"}]}, "nodes[0].id"),
    ({"nodes": [{"id": "a", "type": "manual"}]}, "nodes[0].kind"),
    ({"nodes": [{"id": "a", "kind": "trigger"}]}, "nodes[0].type"),
    ({"nodes": [{"id": "a", "kind": "action", "type": "manual"}]}, "nodes[0].kind"),
    ({"nodes": [node("a", "manual"), node("a", "delay")]}, "nodes[1].id"),
    ({"nodes": [node("a", "manual")], "edges": [edge("a", "ghost")]}, "edges[0].target"),
    ({"nodes": [node("a", "manual"), node("b", "delay")],
      "edges": [edge("a", "b", edge_id="e"), edge("b", "a", edge_id="e")]}, "edges[1].id"),
    ({"nodes": [{**node("a", "manual"), "position": {"x": "left", "y": 0}}]}, "nodes[0].position"),
    ({"nodes": [{**node("a", "manual"), "config": []}]}, "nodes[0].config"),
    ({"nodes": [], "notes": [{"text": 5}]}, "notes[0].text"),
    ({"nodes": [], "notes": [{"size": {"w": -1, "h": 3}}]}, "notes[0].size"),
    ({"nodes": [{"id": str(i), "kind": "wait", "type": "delay"} for i in range(2001)]}, "nodes"),
    ({"nodes": [{**node("a", "manual"), "label": "x" * 1_000_001}]}, "graph")])
def test_unreadable_documents_name_the_location(doc, location):
    assert location in read_error(doc).details


def test_unknown_type_names_the_node():
    error = read_error(make_graph(node("t", "manual"), {"id": "zap", "kind": "action", "type": "teleport"}))
    assert isinstance(error, UnknownNodeType)
    assert "teleport" in error.details["nodes[1].type"] and "zap" in error.details["nodes[1].type"]
    assert error.problems[0]["node_id"] == "zap"


def test_edge_errors_name_the_edge_id():
    error = read_error(make_graph(node("t", "manual"), edges=[edge("t", "nowhere", edge_id="e7")]))
    assert "e7" in error.details["edges[0].target"] and error.problems[0]["edge_id"] == "e7"


def test_read_is_idempotent_and_drops_unknown_keys():
    doc = reminder_graph()
    doc["nodes"][0]["colour"] = "red"
    once = read_graph(doc)
    assert read_graph(once) == once and "colour" not in once["nodes"][0]


@settings(max_examples=60)
@given(graphs())
def test_round_trips_through_json_and_networkx(doc):
    graph = read_graph(doc)
    assert read_graph(json.loads(json.dumps(graph))) == graph
    assert from_networkx(to_networkx(graph)) == graph


def test_networkx_view():
    g = to_networkx(read_graph(reminder_graph()))
    assert g.nodes["todo"]["kind"] == "condition" and g.nodes["mail"]["config"]["subject"].startswith("Reminder")
    assert g.edges["todo", "mail", "todo-true-mail"]["port"] == "true"


def test_the_typed_graph_answers_what_walking_it_asks():
    graph = read_graph(reminder_graph())
    typed = WorkflowGraph.from_json(graph)
    assert trigger_of(graph)["id"] == "start" and typed.trigger["id"] == "start"
    assert typed.targets("todo", "true") == ["mail"]
    assert typed.targets("todo", "false") == [] and typed.node("mail")["type"] == "send_email"
    assert typed.network.edges["todo", "mail", "todo-true-mail"]["port"] == "true"
    assert Edge("todo-true-mail", "todo", "mail", "true") in typed.edges
    assert trigger_of({"nodes": [], "edges": []}) is None


def test_the_index_lists_targets_in_edge_order_across_parallel_edges():
    graph = read_graph({"nodes": [{"id": "t", "kind": "trigger", "type": "manual"},
                                  *({"id": n, "kind": "action", "type": "update_record"} for n in ("b", "c"))],
                        "edges": [{"source": "t", "target": "b"}, {"source": "t", "target": "c"},
                                  {"source": "t", "target": "b", "id": "again"}]})
    assert WorkflowGraph.from_json(graph).targets("t", "next") == ["b", "c", "b"]


def test_the_typed_graph_round_trips_the_normal_form_and_cannot_be_changed_through_its_json():
    graph = read_graph(reminder_graph())
    typed = WorkflowGraph.from_json(reminder_graph())
    assert typed.to_json() == graph and WorkflowGraph.from_json(typed) is typed
    typed.to_json()["nodes"][0]["config"]["object"] = "changed"
    assert typed.to_json() == graph
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.edges = ()


def test_the_typed_graph_refuses_what_read_graph_refuses():
    with pytest.raises(InvalidWorkflow):
        WorkflowGraph.from_json({"nodes": [{"id": "a", "kind": "trigger", "type": "manual"}],
                                 "edges": [{"source": "a", "target": "nowhere"}]})
