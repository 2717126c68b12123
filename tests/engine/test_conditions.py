import doctest
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.objects import DEMO_OBJECTS
from builder.schemas import CONDITION_OPERATORS
from engine import conditions as conditions_module
from engine.conditions import OPERATORS, evaluate, explain

TASK = DEMO_OBJECTS["task"]["fields"]
DEAL = DEMO_OBJECTS["deal"]["fields"]
NOW = datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc)


def task(**fields):
    return {"id": 1, "object": "task", "fields": {"title": "Call Ann", "status": "To Do", **fields},
            "owner": {"username": "ann", "email": "ann@example.com", "name": "Ann"},
            "tags": ["VIP", "renewal"], "pipeline": None, "stage": None,
            "created_at": "2026-03-01T08:00:00+00:00", "updated_at": datetime(2026, 3, 6, 12, 0, tzinfo=timezone.utc)}


def deal(**fields):
    return {"id": 2, "object": "deal", "fields": {"name": "Acme", **fields}, "owner": "bob", "tags": [],
            "pipeline": "sales", "stage": "qualified", "created_at": None, "updated_at": None}


def rule(field, op, value=None, record=None, spec=TASK, trigger=None, **kwargs):
    group = {"match": "all", "rules": [{"field": field, "op": op, "value": value}]}
    return evaluate(group, task() if record is None else record, trigger, spec, now=NOW, **kwargs)


def test_every_operator_the_editor_offers_is_implemented():
    assert set(OPERATORS) == set(CONDITION_OPERATORS)


@pytest.mark.parametrize("op, value, expected", [
    ("eq", "To Do", True), ("eq", "to do ", True), ("eq", "Done", False),
    ("ne", "Done", True), ("ne", "TO DO", False),
    ("in", ["Done", "To Do"], True), ("in", "In Progress, to do", True), ("in", ["Done"], False),
    ("in", [], False), ("not_in", ["Done", "In Progress"], True), ("not_in", "done,to do", False),
])
def test_choice_fields_compare_as_text_ignoring_case(op, value, expected):
    assert rule("status", op, value) is expected


@pytest.mark.parametrize("op, value, expected", [
    ("contains", "ANN", True), ("contains", "bob", False), ("contains", "", False),
    ("not_contains", "bob", True), ("not_contains", "call", False),
])
def test_contains_looks_inside_text_ignoring_case(op, value, expected):
    assert rule("title", op, value) is expected


@pytest.mark.parametrize("amount, op, value, expected", [
    (7500, "gt", "5000", True), (7500, "gt", 7500, False), (7500, "gte", "7500", True),
    (7500, "lt", 10000, True), (7500, "lte", 7499.99, False), (7500, "eq", "7500.0", True),
    ("7500", "gt", 5000, True), ("7500", "lt", "10000", True), (7500, "ne", 7500.0, False),
    (7500, "gt", "lots", False), (None, "lt", 100, False), (None, "gte", 0, False),
])
def test_number_fields_compare_numerically_even_when_given_as_text(amount, op, value, expected):
    assert rule("amount", op, value, deal(amount=amount), DEAL) is expected


def test_numbers_in_undeclared_fields_compare_numerically_not_alphabetically():
    record = deal(score="900")
    assert rule("score", "lt", "1000", record, spec=None) is True
    assert rule("score", "gt", 1000, record, spec=None) is False
    assert rule("score", "eq", 900, record, spec=None) is True
    assert rule("score", "eq", "0900", record, spec=None) is True


@pytest.mark.parametrize("op, value, expected", [
    ("lt", "2026-03-10", True), ("gt", "2026-03-10", False), ("eq", "2026-03-07", True),
    ("eq", "2026-03-07T23:30:00+00:00", True), ("gte", "2026-03-07T12:00:00Z", True),
    ("lte", "2026-03-06", False), ("lt", "next week", False), ("eq", "2026-02-30", False),
])
def test_date_fields_compare_as_dates(op, value, expected):
    assert rule("close_date", op, value, deal(close_date="2026-03-07"), DEAL) is expected


def test_datetimes_compare_as_moments_across_offsets():
    record = task(due_at="2026-03-07T09:00:00+07:00")  # 02:00 UTC
    assert rule("due_at", "lt", "2026-03-07T03:00:00Z", record) is True
    assert rule("due_at", "eq", "2026-03-07T02:00:00+00:00", record) is True
    assert rule("due_at", "gt", "2026-03-07T08:00:00+07:00", record) is True
    assert rule("due_at", "eq", "2026-03-07", record) is True


def test_relative_dates_count_from_the_injected_now():
    assert rule("due_at", "lt", "now", task(due_at="2026-03-07T08:59:00Z")) is True
    assert rule("due_at", "lt", "now", task(due_at="2026-03-07T09:01:00Z")) is False
    assert rule("due_at", "lte", "now+PT2H", task(due_at="2026-03-07T10:30:00Z")) is True
    record = deal(close_date="2026-03-10")
    assert rule("close_date", "lte", "today+P3D", record, DEAL) is True
    assert rule("close_date", "lte", "today+P2D", record, DEAL) is False
    assert rule("close_date", "gt", "today-P1W", record, DEAL) is True
    assert rule("close_date", "gt", "today+forever", record, DEAL) is False


def test_record_timestamps_compare_whether_stored_as_text_or_datetime():
    assert rule("created_at", "lt", "2026-03-02") is True
    assert rule("updated_at", "eq", "2026-03-06") is True
    assert rule("updated_at", "gt", "2026-03-06T13:00:00+02:00") is True


@pytest.mark.parametrize("value, empty", [
    (None, True), ("", True), ("   ", True), ([], True), ("x", False), (0, False), (False, False),
])
def test_is_empty_treats_missing_blank_and_empty_lists_as_empty(value, empty):
    record = task(category=value)
    assert rule("category", "is_empty", record=record) is empty
    assert rule("category", "is_not_empty", record=record) is not empty


def test_a_field_the_record_does_not_have_is_empty():
    assert rule("nickname", "is_empty") is True
    assert rule("nickname", "eq", "") is True
    assert rule("nickname", "eq", "x") is False
    assert rule("nickname", "ne", "x") is True
    assert rule("stage", "is_empty") is True


def test_changed_means_the_field_changed_in_the_triggering_update():
    update = {"event": "updated", "changes": {"status": {"old": "To Do", "new": "Done"}}}
    assert rule("status", "changed", trigger=update) is True
    assert rule("title", "changed", trigger=update) is False
    assert rule("status", "changed") is False
    assert rule("stage", "changed", record=deal(), spec=DEAL,
                trigger={"event": "stage_changed", "changes": {"stage": {"old": "new", "new": "qualified"}}})


def test_rules_can_look_at_the_old_and_new_value_of_a_change():
    update = {"event": "updated", "changes": {"status": {"old": "To Do", "new": "Done"},
                                              "amount": {"old": "100", "new": 9000}}}
    assert rule("trigger.changes.status.old", "eq", "to do", trigger=update) is True
    assert rule("trigger.changes.status.new", "eq", "To Do", trigger=update) is False
    assert rule("trigger.changes.amount.old", "lt", 1000, deal(), DEAL, update) is True
    assert rule("trigger.changes.amount.new", "gt", "1000", deal(), DEAL, update) is True
    assert rule("trigger.changes.title.old", "is_empty", trigger=update) is True
    assert rule("trigger.changes.status.old", "changed", trigger=update) is True


def test_tags_compare_as_a_set_ignoring_case_and_order():
    assert rule("tags", "has_tag", "vip") is True
    assert rule("tags", "has_tag", "churned") is False
    assert rule("tags", "eq", ["renewal", "vip"]) is True
    assert rule("tags", "eq", "renewal, VIP") is True
    assert rule("tags", "eq", ["vip"]) is False
    assert rule("tags", "in", ["hot", "Renewal"]) is True
    assert rule("tags", "not_in", ["hot", "cold"]) is True
    assert rule("tags", "contains", "vip") is True
    assert rule("tags", "has_tag", "vip", record=deal(), spec=DEAL) is False


def test_owner_compares_by_username_whether_given_as_object_or_name():
    assert rule("owner", "eq", "ANN") is True
    assert rule("owner", "eq", "bob", record=deal(), spec=DEAL) is True
    assert rule("owner", "is_empty", record={**task(), "owner": None}) is True
    assert rule("owner", "in", ["carl", "ann"]) is True


def test_stage_and_pipeline():
    assert rule("stage", "eq", "Qualified", deal(), DEAL) is True
    assert rule("stage", "in", ["won", "lost"], deal(), DEAL) is False
    assert rule("pipeline", "eq", "sales", deal(), DEAL) is True


def test_boolean_fields_accept_true_false_text():
    spec = {"vip": {"type": "boolean"}}
    assert rule("vip", "eq", "true", deal(vip=True), spec) is True
    assert rule("vip", "eq", "no", deal(vip=True), spec) is False
    assert rule("vip", "eq", False, deal(vip=False), spec) is True


def test_webhook_payload_values_can_be_tested():
    payload = {"order": {"total": "120.50", "items": [{"sku": "A-1"}]}, "source": "Shop"}
    assert rule("payload.order.total", "gt", 100, record=None, spec=None, payload=payload) is True
    assert rule("payload.order.items.0.sku", "eq", "a-1", record=None, spec=None, payload=payload) is True
    assert rule("payload.source", "eq", "POS", record=None, spec=None, payload=payload) is False
    assert rule("payload.missing.deeper", "is_empty", record=None, spec=None, payload=payload) is True


def test_trigger_event_can_be_tested():
    assert rule("trigger.event", "eq", "updated", trigger={"event": "updated", "changes": {}}) is True
    assert rule("trigger.event", "in", ["created", "deleted"], trigger={"event": "updated"}) is False


def _high_value_or_urgent(match="all"):
    return {"match": match, "rules": [
        {"field": "status", "op": "ne", "value": "Done"},
        {"match": "any", "rules": [
            {"field": "priority", "op": "eq", "value": "urgent"},
            {"match": "all", "rules": [{"field": "tags", "op": "has_tag", "value": "vip"},
                                       {"field": "category", "op": "eq", "value": "renewal"}]},
        ]},
    ]}


@pytest.mark.parametrize("fields, tags, expected", [
    ({"priority": "urgent"}, [], True),
    ({"priority": "low", "category": "Renewal"}, ["vip"], True),
    ({"priority": "low", "category": "Renewal"}, [], False),
    ({"priority": "low", "category": "other"}, ["vip"], False),
    ({"priority": "urgent", "status": "Done"}, [], False),
])
def test_nested_groups_combine_all_and_any(fields, tags, expected):
    record = {**task(**fields), "tags": tags}
    assert evaluate(_high_value_or_urgent(), record, None, TASK, now=NOW) is expected


def test_any_is_met_by_one_rule_and_all_needs_every_rule():
    rules = [{"field": "status", "op": "eq", "value": "Done"}, {"field": "title", "op": "contains", "value": "ann"}]
    assert evaluate({"match": "any", "rules": rules}, task(), None, TASK) is True
    assert evaluate({"match": "all", "rules": rules}, task(), None, TASK) is False


def test_empty_groups_and_missing_conditions():
    assert evaluate({"match": "all", "rules": []}, task()) is True
    assert evaluate({"match": "any", "rules": []}, task()) is False
    assert evaluate({"rules": [{"field": "status", "op": "eq", "value": "To Do"}]}, task()) is True
    assert evaluate(None, task()) is True


@pytest.mark.parametrize("group", [
    {"match": "most", "rules": []}, {"match": "all", "rules": "status eq Done"}, "status = Done", 42,
    {"match": "all", "rules": [{"field": "status", "op": "equals", "value": "To Do"}]},
    {"match": "all", "rules": [{"op": "eq", "value": "To Do"}]},
    {"match": "all", "rules": [None]},
])
def test_malformed_conditions_are_not_met(group):
    assert evaluate(group, task(), None, TASK) is False
    assert explain(group, task(), None, TASK).passed is False


def test_explain_says_why_a_condition_failed():
    group = {"match": "all", "rules": [{"field": "status", "op": "eq", "value": "To Do"},
                                       {"field": "title", "op": "contains", "value": "call"}]}
    result = explain(group, task(status="Done"), None, TASK)
    assert result.passed is False
    assert result.reason == "status is 'Done', not 'To Do'"
    assert [(v.rule["field"], v.passed) for v in result.verdicts] == [("status", False), ("title", True)]


@pytest.mark.parametrize("field, op, value, record, reason", [
    ("amount", "gt", 5000, deal(amount=100), "amount is 100, not more than 5000"),
    ("amount", "gt", 5000, deal(), "amount is empty, which cannot be compared with 5000"),
    ("close_date", "lt", "2026-03-01", deal(close_date="2026-03-07"),
     "close_date is '2026-03-07', not before '2026-03-01'"),
    ("stage", "in", ["won", "lost"], deal(), "stage is 'qualified', not one of 'won', 'lost'"),
    ("tags", "has_tag", "vip", deal(), "tags are empty, without 'vip'"),
    ("phone", "is_not_empty", None, deal(), "phone is empty"),
    ("status", "changed", None, task(), "status did not change"),
    ("status", "become", "Done", task(), "unknown operator 'become'"),
])
def test_explain_names_the_value_found_and_the_value_wanted(field, op, value, record, reason):
    group = {"match": "all", "rules": [{"field": field, "op": op, "value": value}]}
    assert explain(group, record, None, DEAL if record["object"] == "deal" else TASK, now=NOW).reason == reason


def test_explain_describes_old_values_and_unmet_any_groups():
    update = {"event": "updated", "changes": {"status": {"old": "Done", "new": "To Do"}}}
    group = {"match": "any", "rules": [{"field": "trigger.changes.status.old", "op": "eq", "value": "To Do"},
                                       {"field": "tags", "op": "has_tag", "value": "hot"}]}
    result = explain(group, task(), update, TASK)
    assert result.reason == ("none of: status before the change is 'Done', not 'To Do'; "
                             "tags are 'VIP', 'renewal', without 'hot'")


def test_explain_lists_every_rule_of_nested_groups_in_order():
    record = {**task(priority="low", category="other"), "tags": ["vip"]}
    result = explain(_high_value_or_urgent(), record, None, TASK)
    assert [v.passed for v in result.verdicts] == [True, False, True, False]
    assert result.reason == "(none of: priority is 'low', not 'urgent'; category is 'other', not 'renewal')"


# --- properties over arbitrary input ------------------------------------------------------------

FIELD_NAMES = ["status", "amount", "close_date", "due_at", "tags", "owner", "stage", "created_at", "x",
               "trigger.changes.status.old", "trigger.changes.amount.new", "payload.a.b", "trigger.event", ""]
json_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
                | st.sampled_from(["now", "today-P1D", "2026-03-07", "2026-03-07T09:00:00+07:00", "5000", "a,b"]))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=8)
rules = st.fixed_dictionaries({"field": st.sampled_from(FIELD_NAMES) | json_values,
                               "op": st.sampled_from(sorted(OPERATORS)) | json_values,
                               "value": json_values})
groups = st.recursive(rules, lambda inner: st.fixed_dictionaries(
    {"match": st.sampled_from(["all", "any"]) | json_values, "rules": st.lists(inner, max_size=4) | json_values}),
    max_leaves=10)
records = st.fixed_dictionaries({"fields": st.dictionaries(st.sampled_from(FIELD_NAMES), json_values) | json_values,
                                 "owner": json_values, "tags": json_values, "stage": json_values,
                                 "created_at": json_values | st.datetimes()})
triggers = st.none() | st.fixed_dictionaries({"event": json_values, "changes": st.dictionaries(
    st.sampled_from(["status", "amount"]), st.fixed_dictionaries({"old": json_values, "new": json_values})
    | json_values) | json_values})
specs = st.none() | st.dictionaries(st.sampled_from(FIELD_NAMES), st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "number", "date", "datetime", "boolean", "choice"]) | json_values}))


@settings(max_examples=400, deadline=None)
@given(group=groups | json_values, record=records | json_values, trigger=triggers, spec=specs,
       payload=json_values)
def test_evaluate_never_raises_on_odd_rules_or_values(group, record, trigger, spec, payload):
    result = explain(group, record, trigger, spec, payload=payload, now=NOW)
    assert evaluate(group, record, trigger, spec, payload=payload, now=NOW) is result.passed
    assert isinstance(result.reason, str)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELD_NAMES[:-1]), value=json_values, record=records, spec=specs)
def test_negated_operators_are_exact_opposites(field, value, record, spec):
    for positive, negative in (("eq", "ne"), ("in", "not_in"), ("contains", "not_contains"),
                               ("is_empty", "is_not_empty")):
        assert rule(field, positive, value, record, spec) is not rule(field, negative, value, record, spec)


def test_docstring_examples():
    result = doctest.testmod(conditions_module)
    assert result.failed == 0 and result.attempted > 0
