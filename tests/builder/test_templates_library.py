"""Every template in the library is a well-formed, clean, auto-arranged workflow."""
import doctest
import json
from datetime import datetime, timezone

import pytest

from builder.catalog import get_type
from builder.graph import read_graph, trigger_of
from builder.layout import arrange
from builder.objects import DEMO_OBJECTS
from builder import preview
from builder.preview import preview_svg
from builder.templating import render
from builder.validate import problems
import templates_library
from templates_library import FOLDER, categories, get_template, list_templates

TEMPLATES = list_templates()
REQUIRED_KEYS = {"id", "name", "category", "description", "tags", "graph"}
CATEGORIES = {"Sales", "Tasks", "Orders", "Onboarding", "Integrations"}
SAMPLE_FIELDS = {
    "contact": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+62 811 000 001",
                "company": "Analytical"},
    "deal": {"name": "Analytical – 50 seats", "amount": 48000, "email": "ada@example.com", "phone": "+62 811 000 001"},
    "task": {"title": "Call Ada", "status": "To Do", "type": "Meeting", "priority": "high", "assignee": "maria"},
    "order": {"number": "SO-1001", "email": "ada@example.com", "phone": "+62 811 000 001", "amount": 350,
              "estimated_delivery": "2026-12-01", "usage_days": 30},
}
MARIA = {"username": "maria", "name": "Maria Sales", "email": "maria@example.com"}


def by_id(template_id):
    template = get_template(template_id)
    assert template is not None, f"missing template {template_id}"
    return template


def nodes_of(template):
    return {node["id"]: node for node in template["graph"]["nodes"]}


def only_node(template, type_):
    [node] = [node for node in template["graph"]["nodes"] if node["type"] == type_]
    return node


def path_types(template, port_choices=None):
    """Node types along the path from the trigger, taking `port_choices[node_id]` (else the first edge)."""
    graph, choices = template["graph"], port_choices or {}
    node, seen = trigger_of(graph), []
    while node is not None:
        seen.append(node["type"])
        out = [e for e in graph["edges"] if e["source"] == node["id"]
               and e["port"] == choices.get(node["id"], e["port"])]
        node = nodes_of(template)[out[0]["target"]] if out else None
    return seen


def test_there_are_at_least_14_templates_in_the_named_categories():
    assert len(TEMPLATES) >= 14
    assert {t["category"] for t in TEMPLATES} <= CATEGORIES
    assert sum(c["count"] for c in categories()) == len(TEMPLATES)


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_file_name_is_the_template_id(path):
    assert json.loads(path.read_text())["id"] == path.stem


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t["id"])
def test_template_is_complete_clean_and_arranged(template):
    assert REQUIRED_KEYS <= set(template)
    assert template["name"].strip() and template["description"].strip() and template["tags"]
    assert read_graph(template["graph"]) == template["graph"], "graph is not in normal form"
    found = problems(template["graph"], objects=DEMO_OBJECTS, settings=template.get("settings"), publishing=True)
    assert found == [], found
    assert arrange(template["graph"]) == template["graph"], "positions differ from auto-arrange"
    assert all(node["label"] != get_type(node["type"], node["kind"]).label for node in template["graph"]["nodes"]), \
        "every step has its own label"
    assert preview_svg(template["graph"]).count('class="preview-node"') == len(template["graph"]["nodes"])


def template_texts(template):
    """(node id, text) for every string a template's nodes render as Jinja."""
    for node in template["graph"]["nodes"]:
        for name, declared in get_type(node["type"], node["kind"]).fields.items():
            if declared.metadata.get("x-template"):
                value = node["config"][name]
                yield from ((node["id"], text) for text in ([value] if isinstance(value, str) else value.values()))


def context_for(template, owner=MARIA):
    object_name = trigger_of(template["graph"])["config"]["object"]
    record = {"id": 7, "object": object_name, "fields": SAMPLE_FIELDS[object_name], "owner": owner,
              "tags": ["vip"], "stage": "won", "pipeline": None}
    return {"record": record, "trigger": {"event": "created", "changes": {}}, "payload": {},
            "run": {"id": 1}, "workflow": {"id": 1, "name": template["name"]},
            "now": datetime(2026, 3, 7, 9, tzinfo=timezone.utc)}


@pytest.mark.parametrize("owner", [MARIA, None], ids=["owned", "unowned"])
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t["id"])
def test_every_text_renders_for_a_typical_record(template, owner):
    context = context_for(template, owner)
    for node_id, text in template_texts(template):
        rendered = render(text, context)
        assert "{{" not in rendered and "None" not in rendered, (node_id, rendered)


def test_won_deal_webhook_body_is_json():
    template = by_id("deal-won-webhook")
    body = only_node(template, "webhook")["config"]["body"]
    assert json.loads(render(body, context_for(template))) == {"event": "deal.won", "deal": {
        "id": 7, "name": "Analytical – 50 seats", "amount": 48000, "email": "ada@example.com", "owner": "maria"}}
    assert json.loads(render(body, context_for(template, owner=None)))["deal"]["owner"] is None


def test_welcome_contact():
    template = by_id("welcome-new-contact")
    assert (only_node(template, "record_created")["config"]["object"], path_types(template)) == \
        ("contact", ["record_created", "send_email"])


def test_task_follow_up():
    template = by_id("task-follow-up")
    assert path_types(template, {"todo": "true", "meeting": "true"}) == \
        ["record_created", "condition", "send_email", "delay", "condition", "create_task"]
    nodes = nodes_of(template)
    assert nodes["todo"]["config"]["rules"] == [{"field": "status", "op": "eq", "value": "To Do"}]
    assert nodes["meeting"]["config"]["rules"] == [{"field": "type", "op": "eq", "value": "Meeting"}]
    assert nodes["wait"]["config"]["duration"] == "PT10M"
    assert nodes["remind"]["config"]["to"] == "{{ record.owner.email }}"
    assert nodes["review"]["config"]["owner"] == "sam"


def test_stale_deal_escalation():
    template = by_id("stale-deal-escalation")
    trigger = only_node(template, "inactive_for")["config"]
    assert (trigger["object"], trigger["duration"]) == ("deal", "P3D")
    assert only_node(template, "notify_user")["config"]["user"] == "sam"


def test_new_deal_task_and_notification():
    assert path_types(by_id("new-deal-owner-task")) == ["record_created", "create_task", "notify_user"]


def test_unassigned_lead_chaser():
    template = by_id("unassigned-lead-chaser")
    assert path_types(template) == ["stage_entered", "delay", "send_email", "delay", "send_email", "delay",
                                    "send_sms"]
    assert only_node(template, "stage_entered")["config"]["stage"] == "unassigned"
    waits = [n["config"] for n in template["graph"]["nodes"] if n["type"] == "delay"]
    assert [w["duration"] for w in waits] == ["PT5M", "PT2H", "PT6H"]
    assert all(w["cancel_if_changed"] == ["stage"] for w in waits)


@pytest.mark.parametrize("template_id, trigger, action", [
    ("order-created-whatsapp", "record_created", "send_whatsapp"),
    ("order-delivered-whatsapp", "stage_entered", "send_whatsapp"),
    ("order-paid-thank-you", "stage_entered", "send_email"),
    ("delivery-eve-whatsapp", "date_reached", "send_whatsapp"),
])
def test_order_messages(template_id, trigger, action):
    template = by_id(template_id)
    assert path_types(template) == [trigger, action]
    assert only_node(template, trigger)["config"]["object"] == "order"


def test_delivery_eve_is_the_day_before_at_nine():
    config = only_node(by_id("delivery-eve-whatsapp"), "date_reached")["config"]
    assert (config["field"], config["offset"], config["at"]) == ("estimated_delivery", "-P1D", "09:00")


def test_repurchase_nudge_waits_after_receipt():
    template = by_id("repurchase-nudge")
    assert path_types(template) == ["stage_entered", "delay", "send_whatsapp"]
    assert only_node(template, "stage_entered")["config"]["stage"] == "received"


def test_proposal_handover():
    template = by_id("deal-proposal-handover")
    assert path_types(template) == ["stage_entered", "update_record", "create_task", "notify_user"]
    assert only_node(template, "update_record")["config"]["owner"]
    assert only_node(template, "stage_entered")["config"]["stage"] == "proposal"


def test_large_deal_approval_has_all_three_branches():
    template = by_id("large-deal-approval")
    task = only_node(template, "human_task")
    assert task["config"]["outcomes"] == ["approve", "reject"]
    assert {e["port"] for e in template["graph"]["edges"] if e["source"] == task["id"]} == \
        {"approve", "reject", "timeout"}


def test_vip_onboarding_escalates_on_timeout():
    template = by_id("vip-onboarding-call")
    trigger = only_node(template, "record_created")["config"]
    assert trigger["filter"]["rules"] == [{"field": "tags", "op": "has_tag", "value": "vip"}]
    assert path_types(template, {"call": "timeout"}) == ["record_created", "human_task", "notify_user",
                                                         "create_task"]


def test_deal_won_posts_json_to_a_webhook():
    template = by_id("deal-won-webhook")
    hook = only_node(template, "webhook")["config"]
    assert hook["method"] == "POST" and hook["url"].startswith("https://")
    assert [(e["source"], e["port"]) for e in template["graph"]["edges"]] == [("start", "next"), ("post", "error")]


def test_filters_by_category_and_words():
    orders = list_templates(category="orders")
    assert orders and all(t["category"] == "Orders" for t in orders)
    assert [t["id"] for t in list_templates(query="WHATSAPP delivery tomorrow")] == ["delivery-eve-whatsapp"]
    assert list_templates(category="Orders", query="approval") == []
    assert list_templates(category="nope") == []


@pytest.mark.parametrize("module", [preview, templates_library], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
