"""The condition rule editor (issue 16, point 2): lists for in/not_in, values that fit the field, nested AND/OR
groups to depth 3, the rule in words on the step, and the same editor in a trigger's filter."""
import pytest

from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph, select_step, type_into

pytestmark = pytest.mark.browser

CHECK = {"id": "check", "kind": "condition", "type": "condition", "label": "Worth a call?",
         "config": {"match": "all", "rules": []}, "position": {"x": 0, "y": 160}}
SMS = {"id": "sms", "kind": "action", "type": "send_sms", "label": "Text",
       "config": {"to": "{{ record.fields.phone }}", "body": "Hello"}, "position": {"x": 0, "y": 320}}
EDGES = [{"id": "e1", "source": "start", "target": "check", "port": "next"},
         {"id": "e2", "source": "check", "target": "sms", "port": "true"}]


@pytest.fixture
def flow(api):
    return create_workflow(api, [TRIGGER, CHECK, SMS], EDGES)


def pick(scope, label, value):
    scope.get_by_label(label, exact=True).select_option(value)


def test_nested_groups_with_a_list_value_are_built_saved_described_and_published(page, sign_in, flow):
    open_editor(page, sign_in, flow)
    select_step(page, "check")
    page.get_by_role("button", name="Add rule").click()
    first = page.locator('[data-rule="0"]')
    pick(first, "Field", "stage")
    pick(first, "Operator", "in")
    first.get_by_label("qualified", exact=True).check()
    first.get_by_label("proposal", exact=True).check()
    page.get_by_role("button", name="Add group").click()
    group = page.locator('[data-rule-group="1"]')
    pick(group.locator('[data-rule="1.0"]'), "Field", "owner")
    pick(group.locator('[data-rule="1.0"]'), "Operator", "ne")
    pick(group.locator('[data-rule="1.0"]'), "Value", "ada")
    group.get_by_role("button", name="Add rule").click()
    amount = page.locator('[data-rule="1.1"]')
    pick(amount, "Field", "amount")
    pick(amount, "Operator", "gt")
    assert amount.get_by_label("Value", exact=True).get_attribute("type") == "number"
    type_into(amount.get_by_label("Value", exact=True), "10000")
    # A group inside a group is as deep as it goes: no further "Add group" in it.
    group.get_by_role("button", name="Add group").click()
    assert page.locator('[data-rule-group="1.2"]').get_by_role("button", name="Add group").count() == 0
    page.locator('[data-rule-group="1.2"]').get_by_role("button", name="Remove group").click()

    words = 'stage is any of "qualified", "proposal" and (owner is not "ada" or amount is greater than 10000)'
    assert page.locator(".rules-summary").text_content() == f"In words: {words}"
    assert page.locator('[data-node-id="check"] .summary title').text_content() == f"if {words}"
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    rules = saved_graph(flow["id"])["nodes"][1]["config"]["rules"]
    assert rules == [{"field": "stage", "op": "in", "value": ["qualified", "proposal"]},
                     {"match": "any", "rules": [{"field": "owner", "op": "ne", "value": "ada"},
                                                {"field": "amount", "op": "gt", "value": 10000}]}]
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published version 1.").wait_for()


def test_a_list_of_free_values_is_one_per_line_and_dates_get_a_date_input(page, sign_in, flow):
    open_editor(page, sign_in, flow)
    select_step(page, "check")
    page.get_by_role("button", name="Add rule").click()
    page.get_by_role("button", name="Add rule").click()
    names, close = page.locator('[data-rule="0"]'), page.locator('[data-rule="1"]')
    pick(names, "Field", "name")
    pick(names, "Operator", "not_in")
    type_into(names.get_by_label("Values", exact=True), "Acme\nGlobex\n")
    pick(close, "Field", "close_date")
    pick(close, "Operator", "lt")
    assert close.get_by_label("Value", exact=True).get_attribute("type") == "date"
    pick(page.locator(".inspector"), "Match", "any")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    config = saved_graph(flow["id"])["nodes"][1]["config"]
    assert config["match"] == "any"
    assert config["rules"][0] == {"field": "name", "op": "not_in", "value": ["Acme", "Globex"]}
    assert config["rules"][1] == {"field": "close_date", "op": "lt", "value": ""}


def test_the_delivery_reminder_filter_stays_publishable_after_its_value_is_edited(page, sign_in, api):
    answer = api.post("/api/workflows", as_="editor", json={"name": "Eve", "template": "delivery-eve-whatsapp"})
    flow = answer.get_json()
    open_editor(page, sign_in, flow)
    select_step(page, "start")
    values = page.locator('[data-rule="0"]')
    assert values.get_by_label("paid", exact=True).is_checked()
    values.get_by_label("created", exact=True).uncheck()
    values.get_by_label("delivered", exact=True).check()
    assert 'stage is any of "paid", "delivered"' in page.locator('[data-node-id="start"] .summary title').text_content()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published version 1.").wait_for()
    rule = saved_graph(flow["id"])["nodes"][0]["config"]["filter"]["rules"][0]
    assert rule == {"field": "stage", "op": "in", "value": ["paid", "delivered"]}
