import json

import pytest

from builder.catalog import CONDITION_OPERATORS, NODE_TYPES, catalog_json, get_type, ports_of
from builder.errors import InvalidWorkflow, UnknownNodeType

CONTRACT_TYPES = {
    "trigger": {"record_created", "record_updated", "record_deleted", "stage_entered", "date_reached",
                "inactive_for", "schedule", "webhook", "manual"},
    "condition": {"condition"}, "wait": {"delay", "until_date", "until_time"}, "human_task": {"human_task"},
    "action": {"send_email", "send_sms", "send_whatsapp", "create_task", "update_record", "notify_user", "webhook"}}
# Types added beyond the contract (docs/NODES.md).
EXTENSION_TYPES = {"condition": {"random_split"}, "action": {"rotate_owner"}, "wait": {"wait_event"}}


def test_every_contract_type_is_declared_once():
    declared = {}
    for kind, type_ in NODE_TYPES:
        declared.setdefault(kind, set()).add(type_)
    expected = {kind: types | EXTENSION_TYPES.get(kind, set()) for kind, types in CONTRACT_TYPES.items()}
    assert declared == expected


@pytest.mark.parametrize("key", sorted(NODE_TYPES))
def test_defaults_pass_their_own_schema(key):
    node_type = NODE_TYPES[key]
    defaults = node_type.defaults()
    assert node_type.schema().validate(defaults) == {}
    assert node_type.defaults() is not defaults  # a fresh copy each time


def test_catalog_json_is_json_and_every_property_has_a_title():
    entries = json.loads(json.dumps(catalog_json()))
    assert len(entries) == len(NODE_TYPES)
    for entry in entries:
        expected = {"type", "kind", "label", "icon", "help", "ports", "dynamic_ports", "config_schema", "defaults"}
        assert expected <= set(entry)
        properties = entry["config_schema"]["properties"]
        # Optional ticks (x-optional booleans) stay out of a config that does not set them; they default to off.
        optional = {name for name, prop in properties.items() if prop.get("x-optional") and prop["type"] == "boolean"}
        assert set(properties) - optional == set(entry["defaults"])
        for name, prop in properties.items():
            assert prop["title"], (entry["type"], name)
            assert prop["default"] == entry["defaults"].get(name, False)


def test_editor_hints_reach_the_json_schema():
    by_type = {(e["kind"], e["type"]): e for e in catalog_json()}
    email = by_type["action", "send_email"]["config_schema"]["properties"]
    assert [email[name]["title"] for name in ("to", "subject", "body")] == ["To", "Subject", "Body"]
    assert email["body"]["x-widget"] == "template-multiline" and email["to"]["x-required"] is True
    delay = by_type["wait", "delay"]["config_schema"]["properties"]
    assert delay["duration"]["format"] == "duration" and delay["cancel_if_changed"]["x-widget"] == "fields"
    assert by_type["condition", "condition"]["config_schema"]["properties"]["match"]["enum"] == ["all", "any"]
    assert "cancel_if_changed" in by_type["human_task", "human_task"]["defaults"]


def test_triggers_say_which_event_they_listen_to():
    events = {e["type"]: e["event"] for e in catalog_json() if e["kind"] == "trigger"}
    assert events["record_created"] == "created" and events["record_updated"] == "updated"
    assert events["record_deleted"] == "deleted" and events["stage_entered"] == "stage_changed"
    assert all(events.values())


def test_ports():
    assert ports_of({"kind": "condition", "type": "condition", "config": {}}) == ["true", "false"]
    assert ports_of({"kind": "action", "type": "send_email", "config": {}}) == ["next", "error"]
    assert ports_of({"kind": "wait", "type": "delay"}) == ["next"]
    assert ports_of({"kind": "trigger", "type": "webhook"}) == ["next"]
    assert ports_of({"kind": "action", "type": "webhook"}) == ["next", "error"]
    task = {"kind": "human_task", "type": "human_task", "config": {"outcomes": ["approved", "rejected"]}}
    assert ports_of(task) == ["approved", "rejected", "timeout"]
    assert ports_of({"kind": "human_task", "type": "human_task", "config": {}}) == ["done", "timeout"]
    assert get_type("human_task").dynamic_ports and not get_type("delay").dynamic_ports


def test_unknown_types_raise_unknown_node_type():
    with pytest.raises(UnknownNodeType) as info:
        get_type("teleport")
    assert isinstance(info.value, InvalidWorkflow) and "teleport" in info.value.message
    with pytest.raises(UnknownNodeType):
        get_type("send_email", "trigger")


def test_operators():
    assert set(CONDITION_OPERATORS) == {"eq", "ne", "in", "not_in", "contains", "not_contains", "gt", "gte", "lt",
                                        "lte", "is_empty", "is_not_empty", "changed", "has_tag"}


def test_declaring_a_type_twice_or_of_an_unknown_kind_is_refused():
    from builder.node_type import NodeType, declare
    with pytest.raises(ValueError, match="declared twice"):
        declare(NodeType(type="delay", kind="wait", label="Delay", icon="clock", help="again"))
    with pytest.raises(ValueError, match="unknown kind"):
        declare(NodeType(type="teleport", kind="magic", label="Teleport", icon="x", help="no"))
    assert ("magic", "teleport") not in NODE_TYPES


def test_dynamic_ports_are_published_as_data():
    task = {(e["kind"], e["type"]): e for e in catalog_json()}["human_task", "human_task"]
    assert task["ports_from"] == {"field": "outcomes", "default": ["done"], "then": ["timeout"], "item": None,
                                  "noun": "outcome"}
    assert task["ports"] == ["done", "timeout"]


def test_the_editor_catalog_serves_kinds_operators_roles_and_the_node_size():
    from builder.catalog import editor_catalog
    served = json.loads(json.dumps(editor_catalog(("viewer", "admin"))))
    assert [k["name"] for k in served["kinds"]] == ["trigger", "condition", "wait", "human_task", "action"]
    assert all(k["title"] and k["colour"].startswith("#") for k in served["kinds"])
    assert [o["op"] for o in served["operators"]] == list(CONDITION_OPERATORS)
    assert served["roles"] == ["viewer", "admin"] and served["node_size"] == {"w": 240, "h": 72}


@pytest.mark.parametrize("type_, config, expected", [
    ("record_updated", {"object": "deal", "filter": {"match": "all", "rules": [
        {"field": "stage", "op": "eq", "value": "won"}]}}, 'when a deal changes if stage is "won"'),
    ("record_created", {}, "when a record is created"),
    ("date_reached", {"field": "close_date", "offset": "-P1D", "at": "09:00"}, "close_date -1 day at 09:00"),
    ("date_reached", {"field": "close_date", "offset": "P0D", "at": "09:00"}, "close_date at 09:00"),
    ("delay", {"duration": "PT5M"}, "wait 5 min"), ("delay", {"days_field": "usage_days"}, "wait usage_days days"),
    ("until_time", {"time": "09:00", "days": ["mon", "tue"]}, "until 09:00 on mon, tue"),
    ("condition", {"rules": []}, "no rules: always true"),
    ("condition", {"match": "any", "rules": [{"field": "amount", "op": "gt", "value": 10.0},
                                              {"field": "email", "op": "is_empty"}]},
     "if amount is greater than 10 or email is empty"),
    ("notify_user", {"owner": True}, "notify the owner"), ("notify_user", {}, "notify ?"),
    ("update_record", {"stage": "won", "add_tags": ["vip"]}, "update stage won, tags +vip"),
    ("manual", {"object": "deal"}, "run by hand for a deal"),
])
def test_summaries_follow_the_declared_templates(type_, config, expected):
    from builder.summaries import summary
    kind = "action" if type_ == "update_record" or type_ == "notify_user" else None
    assert summary({"config": config}, get_type(type_, kind)) == expected


def test_diagrams_colour_nodes_as_the_editor_does_and_say_what_each_step_does():
    from builder.catalog import KINDS
    from builder.preview import preview_svg
    svg = preview_svg({"nodes": [{"id": "t", "kind": "trigger", "type": "manual", "label": "Go"},
                                 {"id": "m", "kind": "action", "type": "send_email", "label": "Mail",
                                  "config": {"to": "ops@example.com"}}]})
    assert f'stroke="{KINDS["trigger"].colour}"' in svg and f'fill="{KINDS["action"].tint}"' in svg
    assert "<title>Mail</title><desc>email to ops@example.com</desc>" in svg


@pytest.mark.parametrize("type_, config, expected", [
    ("delay", {"duration": "PT5M"}, "Wait 5 minutes"), ("delay", {"duration": "P1DT2H"}, "Wait 1 day 2 hours"),
    ("delay", {"duration": "PT5M", "days_field": "usage_days"}, None), ("delay", {"duration": "soon"}, None),
    ("until_time", {"time": "09:00"}, "Wait until 09:00"), ("until_time", {"time": "9"}, None),
    ("condition", {"rules": []}, None)])
def test_automatic_labels_follow_the_declared_templates(type_, config, expected):
    from builder.summaries import auto_label
    assert auto_label({"config": config}, get_type(type_)) == expected


def test_a_summary_never_shows_a_credential_written_into_the_config():
    from builder.summaries import summary
    said = summary({"config": {"url": "https://bot:hunter2@example.com/hook"}}, get_type("webhook", "action"))
    assert "hunter2" not in said and said.startswith("POST https://bot:")
