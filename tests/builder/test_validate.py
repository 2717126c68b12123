import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.validate import problems
from tests.builder.factories import OBJECTS, chain, edge, graphish, json_values, make_graph, node, reminder_graph

KEYS = {"severity", "node_id", "edge_id", "field", "message"}


def check(graph, **kwargs):
    return problems(graph, objects=OBJECTS, **kwargs)


def errors(graph, **kwargs):
    return [p for p in check(graph, **kwargs) if p["severity"] == "error"]


def only(found, node_id=None, field=None, severity="error", edge_id=None):
    """The one problem at that node/field/edge (several would be a failure too)."""
    matching = [p for p in found if p["severity"] == severity and p["node_id"] == node_id and p["field"] == field
                and (edge_id is None or p["edge_id"] == edge_id)]
    assert len(matching) == 1, found
    return matching[0]


def task_flow(*steps, trigger=None):
    return chain(trigger or node("start", "record_created", object="task"), *steps)


def test_the_contract_example_has_no_problems():
    assert check(reminder_graph(), timezone="Asia/Jakarta", settings={"reenroll": False, "exit_when": None}) == []


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(json_values | graphish(), st.one_of(st.none(), json_values), st.one_of(st.text(max_size=20), json_values),
       st.one_of(st.none(), json_values, st.just(OBJECTS)))
def test_never_raises_and_always_answers_in_shape(doc, workflow_settings, timezone, objects):
    found = problems(doc, objects=objects, timezone=timezone, settings=workflow_settings)
    assert isinstance(found, list)
    for problem in found:
        assert set(problem) == KEYS and problem["severity"] in ("error", "warning") and problem["message"]


def test_unreadable_graphs_become_problems():
    found = check({"nodes": [{"id": "x", "kind": "action", "type": "teleport"}]})
    assert only(found, "x", "nodes[0].type")["message"]


def test_no_trigger():
    assert "trigger" in only(errors(make_graph(node("w", "delay"))))["message"]


def test_several_triggers():
    graph = reminder_graph()
    graph["nodes"].append(node("again", "manual"))
    only(errors(graph), "again")


def test_trigger_with_incoming_edges():
    graph = reminder_graph()
    graph["edges"].append(edge("mail", "start", edge_id="back"))
    assert only(errors(graph), "start", edge_id="back")["edge_id"] == "back"


def test_edge_from_a_port_the_source_lacks():
    graph = reminder_graph()
    graph["edges"][1]["port"] = "maybe"
    problem = only(errors(graph), "todo", "port")
    assert problem["edge_id"] == "todo-true-mail" and "maybe" in problem["message"]


def test_unwired_output_ports_are_fine():
    assert errors(task_flow(node("c", "condition", rules=[{"field": "status", "op": "is_empty"}]))) == []


def test_unreachable_node_is_a_warning():
    graph = reminder_graph()
    graph["nodes"].append(node("stray", "delay"))
    assert errors(graph) == []
    only(check(graph), "stray", severity="warning")


def test_schema_failure_names_the_field():
    problem = only(errors(task_flow(node("w", "delay", duration=5))), "w", "config.duration")
    assert "Duration" in problem["message"]
    only(errors(task_flow(node("h", "human_task", title="Check", priority="asap"))), "h", "config.priority")


def test_unknown_config_keys_are_warnings():
    only(check(task_flow(node("w", "delay", duraton="PT1M"))), "w", "config.duraton", "warning")


@pytest.mark.parametrize("rules, field", [
    ([{"field": "colour", "op": "eq", "value": "red"}], "config.rules[0].field"),
    ([{"field": "status", "op": "eq", "value": "x"}, {"match": "any", "rules": [{"field": "nope", "op": "is_empty"}]}],
     "config.rules[1].rules[0].field"),
    ([{"field": "trigger.changes.colour.old", "op": "eq", "value": 1}], "config.rules[0].field"),
    ([{"field": "trigger.changes", "op": "eq", "value": 1}], "config.rules[0].field"),
    ([{"field": "status", "op": "resembles", "value": "x"}], "config.rules[0].op"),
    ([{"field": "status", "op": "in", "value": "To Do"}], "config.rules[0].value"),
    ([{"match": "most", "rules": []}], "config.rules[0].match")])
def test_condition_rules(rules, field):
    only(errors(task_flow(node("c", "condition", rules=rules))), "c", field)


def test_condition_fields_that_exist_are_fine():
    rules = [{"field": name, "op": "is_not_empty"} for name in ("title", "stage", "owner", "tags", "created_at")]
    rules += [{"field": "trigger.changes.status.new", "op": "eq", "value": "Done"},
              {"field": "payload.source", "op": "eq", "value": "web"},
              {"field": "tags", "op": "has_tag", "value": "vip"}]
    assert errors(task_flow(node("c", "condition", match="any", rules=rules))) == []


def test_trigger_filter_fields():
    trigger = node("start", "record_updated", object="deal", filter={"match": "all", "rules": [
        {"field": "amount", "op": "gt", "value": 10}, {"field": "size", "op": "gt", "value": 1}]})
    only(errors(chain(trigger, node("w", "delay"))), "start", "config.filter.rules[1].field")


def test_exit_when_fields():
    found = errors(reminder_graph(), settings={"reenroll": True, "exit_when": {"match": "all", "rules": [
        {"field": "status", "op": "eq", "value": "Done"}, {"field": "mood", "op": "eq", "value": "sad"}]}})
    assert only(found, None, "settings.exit_when.rules[1].field")


def test_settings_shape():
    only(errors(reminder_graph(), settings={"reenroll": "yes"}), None, "settings.reenroll")
    only(errors(reminder_graph(), settings=[1]), None, "settings")


def test_condition_on_a_recordless_trigger():
    graph = chain(node("start", "webhook"), node("c", "condition", rules=[{"field": "amount", "op": "gt", "value": 1}]))
    only(errors(graph), "c", "config.rules[0].field")
    graph["nodes"][1]["config"]["rules"][0]["field"] = "payload.amount"
    assert errors(graph) == []


@pytest.mark.parametrize("step, field", [
    (node("w", "delay", duration="soon"), "config.duration"), (node("w", "delay", duration="-PT5M"), "config.duration"),
    (node("w", "delay", duration="PT0S"), "config.duration"), (node("w", "delay", duration=""), "config.duration"),
    (node("w", "until_date", field="due_at", offset="P1X"), "config.offset"),
    (node("w", "human_task", title="Approve", due="tomorrow"), "config.due"),
    (node("w", "create_task", title="Call", due="-P1D"), "config.due")])
def test_durations(step, field):
    only(errors(task_flow(step)), "w", field)


def test_negative_offsets_and_empty_optional_durations_are_fine():
    assert errors(task_flow(node("w", "until_date", field="due_at", offset="-P1D"),
                            node("h", "human_task", title="Check", due=""))) == []


def test_bad_cron():
    problem = only(errors(chain(node("s", "schedule", cron="0 25 * * *"), node("w", "delay"))), "s", "config.cron")
    assert "hour" in problem["message"]


def test_bad_timezone():
    only(errors(reminder_graph(), timezone="Mars/Olympus"), None, "timezone")


@pytest.mark.parametrize("template", ["{{ record.fields.title ", "{{ record.__class__ }}", "{{ x['__globals__'] }}"])
def test_templates(template):
    only(errors(reminder_graph(subject=template)), "mail", "config.subject")


def test_templates_inside_mappings():
    step = node("u", "update_record", fields={"title": "{{ record.__init__ }}"}, add_tags=["x"])
    only(errors(task_flow(step)), "u", "config.fields.title")


def test_human_task_outcomes_and_assignee():
    only(errors(task_flow(node("h", "human_task", title="Check", outcomes=[]))), "h", "config.outcomes")
    duplicate = errors(task_flow(node("h", "human_task", title="Check", outcomes=["ok", "no", "ok"])))
    assert "twice" in only(duplicate, "h", "config.outcomes[2]")["message"]
    only(errors(task_flow(node("h", "human_task", title="Check", outcomes=["timeout"]))), "h", "config.outcomes[0]")
    only(errors(task_flow(node("h", "human_task", title="Check", assignee=None))), "h", "config.assignee")
    only(errors(task_flow(node("h", "human_task", title="Check", assignee={"user": ""}))), "h", "config.assignee")
    assert errors(task_flow(node("h", "human_task", title="Check", assignee={"role": "editor"}))) == []


def test_cycle_without_a_wait():
    graph = reminder_graph()
    graph["edges"].append(edge("mail", "todo", "error", edge_id="retry"))
    problem = only(errors(graph), "todo")
    assert "todo" in problem["message"] and "mail" in problem["message"]
    self_loop = task_flow(node("n", "notify_user", owner=True, message="hi"))
    self_loop["edges"].append(edge("n", "n", "error"))
    only(errors(self_loop), "n")


def test_cycle_through_a_wait_is_fine():
    graph = task_flow(node("n", "notify_user", owner=True, message="hi"), node("w", "delay", duration="P1D"))
    graph["edges"].append(edge("w", "n"))
    assert errors(graph) == []


def test_over_two_thousand_nodes():
    graph = make_graph(*[node(f"n{i}", "delay") for i in range(2001)])
    only(errors(graph), None, "nodes")


def test_unknown_trigger_object():
    only(errors(chain(node("start", "record_created", object="unicorn"), node("w", "delay"))), "start", "config.object")
    only(errors(chain(node("start", "record_created"), node("w", "delay"))), "start", "config.object")


def test_stage_not_in_pipeline():
    trigger = node("start", "stage_entered", object="deal", pipeline="sales", stage="closed")
    only(errors(chain(trigger, node("w", "delay"))), "start", "config.stage")
    only(errors(chain(node("start", "stage_entered", object="deal", pipeline="support", stage="new"),
                      node("w", "delay"))), "start", "config.pipeline")
    deal_flow = chain(node("start", "record_created", object="deal"), node("u", "update_record", stage="archived"))
    only(errors(deal_flow), "u", "config.stage")


@pytest.mark.parametrize("step, field", [
    (node("a", "send_email", subject="Hi"), "config.to"), (node("a", "send_sms", body="Hi"), "config.to"),
    (node("a", "send_whatsapp", to="{{ record.fields.phone }}"), "config.body"),
    (node("a", "create_task"), "config.title"), (node("a", "notify_user", message="Hi"), "config.user"),
    (node("a", "webhook", "action"), "config.url"), (node("a", "webhook", "action", url="ftp://x"), "config.url")])
def test_required_recipients_and_texts(step, field):
    only(errors(task_flow(step)), "a", field)


def test_field_references_in_waits_and_updates():
    only(errors(task_flow(node("w", "delay", cancel_if_changed=["stage", "mood"]))), "w", "config.cancel_if_changed[1]")
    only(errors(task_flow(node("w", "until_date", field="title"))), "w", "config.field")
    only(errors(task_flow(node("u", "update_record", fields={"priority": "asap"}))), "u", "config.fields.priority")
    only(errors(task_flow(node("u", "update_record", fields={"mood": "ok"}))), "u", "config.fields.mood")
    trigger = node("start", "record_updated", object="task", fields=["status", "nope"])
    only(errors(chain(trigger, node("w", "delay"))), "start", "config.fields[1]")


def test_until_time():
    only(errors(task_flow(node("w", "until_time", time="25:00"))), "w", "config.time")
    only(errors(task_flow(node("w", "until_time", days=["mon", "funday"]))), "w", "config.days[1]")


def test_inputs_are_not_modified():
    graph = reminder_graph(subject="{{ oops")
    before = copy.deepcopy(graph)
    check(graph)
    assert graph == before


def deal_mail(body, trigger_object="deal"):
    return chain(node("start", "record_created", object=trigger_object),
                 node("mail", "send_email", to="{{ record.fields.email }}", subject="Hi", body=body))


def test_a_misspelled_variable_is_a_warning_in_a_draft_and_an_error_at_publish():
    graph = deal_mail("Dear {{ record.fields.nmae }}")
    warning = only(check(graph), "mail", "config.body", severity="warning")
    assert "Deal has no field 'nmae'" in warning["message"] and "did you mean name?" in warning["message"]
    error = only(errors(graph, publishing=True), "mail", "config.body")
    assert "did you mean name?" in error["message"]


@pytest.mark.parametrize("body", ["{{ record['fields']['nmae'] }}", "{% if record.fields.nmae %}x{% endif %}",
                                  "{{ record.fields.nmae | upper }}"])
def test_every_way_of_naming_a_field_is_checked(body):
    only(errors(deal_mail(body), publishing=True), "mail", "config.body")


def test_known_fields_pseudo_lookups_and_methods_are_fine():
    body = ("{{ record.fields.name }} {{ record.owner.email }} {{ record.stage }} "
            "{% for k, v in record.fields.items() %}{{ k }}{% endfor %} {{ payload.anything }}")
    assert check(deal_mail(body), publishing=True) == []


def test_moving_the_trigger_to_another_object_flags_fields_that_object_lacks():
    body = "{{ record.fields.name }} closes {{ record.fields.close_date }}"
    assert check(deal_mail(body), publishing=True) == []
    found = errors(deal_mail(body, trigger_object="order"), publishing=True)
    assert {p["message"].split(": ", 1)[1] for p in found} == {"Order has no field 'name' (did you mean number?)",
                                                               "Order has no field 'close_date'"}


def test_variables_inside_mappings_name_their_key():
    step = node("u", "update_record", fields={"title": "{{ record.fields.titel }}"})
    assert "did you mean title?" in only(errors(task_flow(step), publishing=True), "u", "config.fields.title")["message"]


def test_record_fields_under_a_recordless_trigger():
    graph = chain(node("start", "webhook"), node("mail", "send_email", to="{{ payload.email }}", subject="Hi",
                                                  body="{{ record.fields.name }}"))
    assert "without a record" in only(errors(graph, publishing=True), "mail", "config.body")["message"]


@pytest.mark.parametrize("outcomes, field, words", [
    ([], "config.outcomes", "at least one outcome"), (["yes", ""], "config.outcomes[1]", "needs a name"),
    (["yes", "timeout"], "config.outcomes[1]", "reserved"), (["yes", "yes"], "config.outcomes[1]", "twice")])
def test_each_outcome_of_a_human_task_makes_one_port(outcomes, field, words):
    graph = chain(node("start", "record_created", object="deal"), node("ask", "human_task", title="OK?",
                                                                       outcomes=outcomes))
    assert words in only(errors(graph), "ask", field)["message"]


def test_a_step_that_needs_a_record_is_an_error_after_a_trigger_without_one():
    graph = chain(node("start", "schedule"), node("u", "update_record", stage="won"))
    assert "needs a record" in only(errors(graph), "u", None)["message"]
