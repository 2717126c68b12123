"""What a person types into the step form is kept, whatever they do next (issue 16, point 1).

Each test types with the keyboard and then at once does the next thing a person does: Save, Publish, Run test,
Ctrl+S, a click on the canvas or another step, Undo, leaving the page. What the form shows and what the saved
graph holds are checked.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph, select_step, type_into

pytestmark = pytest.mark.browser

SMS = {"id": "sms", "kind": "action", "type": "send_sms", "label": "Text", "config": {"to": "", "body": "Old"},
       "position": {"x": 0, "y": 160}}
DELAY = {"id": "wait", "kind": "wait", "type": "delay", "label": "Wait", "config": {"duration": "P1D"},
         "position": {"x": 320, "y": 160}}
AT_TIME = {"id": "at", "kind": "wait", "type": "until_time", "label": "Morning", "config": {"time": "09:00"},
           "position": {"x": 320, "y": 320}}
CHECK = {"id": "check", "kind": "condition", "type": "condition", "label": "Big?",
         "config": {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": ""},
                                              {"field": "name", "op": "eq", "value": ""}]},
         "position": {"x": 0, "y": 320}}
TASK = {"id": "task", "kind": "action", "type": "create_task", "label": "Call", "config": {"title": "Call"},
        "position": {"x": 0, "y": 480}}
SET = {"id": "set", "kind": "action", "type": "update_record", "label": "Set", "config": {},
       "position": {"x": 320, "y": 480}}
NODES = [TRIGGER, SMS, DELAY, AT_TIME, CHECK, TASK, SET]


@pytest.fixture
def flow(api):
    return create_workflow(api, NODES, [{"id": "e1", "source": "start", "target": "sms", "port": "next"}])


@pytest.fixture
def editor(page, sign_in, flow):
    return open_editor(page, sign_in, flow)


def save_and_read(page, flow, button="Save"):
    page.get_by_role("button", name=button).click()
    page.get_by_text("Saved (revision").wait_for()
    return {n["id"]: n for n in saved_graph(flow["id"])["nodes"]}


def test_sms_to_then_body_then_save_at_once(editor, flow):
    page = editor
    select_step(page, "sms")
    type_into(page.get_by_label("To", exact=True), "{{ record.fields.phone }}")
    type_into(page.get_by_label("Body", exact=True), "Hi {{ record.fields.name }}", clear=True)
    nodes = save_and_read(page, flow)
    assert nodes["sms"]["config"] == {"to": "{{ record.fields.phone }}", "body": "Hi {{ record.fields.name }}"}


# Every kind of field, typed into (or picked), then Save pressed at once.
KINDS = {
    "text": ("sms", lambda p: type_into(p.get_by_label("Label", exact=True), " me"),
             lambda n: n["sms"]["label"] == "Text me"),
    "multiline": ("sms", lambda p: type_into(p.get_by_label("Body", exact=True), " and new"),
                  lambda n: n["sms"]["config"]["body"] == "Old and new"),
    "duration": ("wait", lambda p: type_into(p.get_by_label("Duration", exact=True), "5", True),
                 lambda n: n["wait"]["config"]["duration"] == "P5D"),
    "time": ("at", lambda p: type_into(p.get_by_label("Time", exact=True), "1030AM"),
             lambda n: n["at"]["config"]["time"] == "10:30"),
    "weekdays": ("at", lambda p: p.get_by_label("tue", exact=True).check(),
                 lambda n: n["at"]["config"]["days"] == ["tue"]),
    "select": ("task", lambda p: p.get_by_label("Priority", exact=True).select_option("urgent"),
               lambda n: n["task"]["config"]["priority"] == "urgent"),
    "number rule value": ("check", lambda p: type_into(p.get_by_label("Value", exact=True).first, "10000"),
                          lambda n: n["check"]["config"]["rules"][0]["value"] == 10000),
    "text rule value": ("check", lambda p: type_into(p.get_by_label("Value", exact=True).nth(1), "Acme"),
                        lambda n: n["check"]["config"]["rules"][1]["value"] == "Acme"),
    "key-value": ("set", lambda p: (type_into(p.get_by_label("Fields name", exact=True), "name"),
                                    type_into(p.get_by_label("Fields value", exact=True).first,
                                              "{{ record.fields.email }}"),
                                    type_into(p.get_by_label("Fields name", exact=True).nth(1), "amount"),
                                    type_into(p.get_by_label("Fields value", exact=True).nth(1), "5")),
                  lambda n: n["set"]["config"]["fields"] == {"name": "{{ record.fields.email }}", "amount": "5"}),
}


@pytest.mark.parametrize("then", ["save", "click the canvas, then save"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_field_keeps_what_was_typed(editor, flow, kind, then):
    page = editor
    node_id, act, holds = KINDS[kind]
    select_step(page, node_id)
    act(page)
    if then != "save":
        page.locator("[data-canvas]").click(position={"x": 700, "y": 30})
        page.get_by_role("heading", name="Workflow settings").wait_for()
    nodes = save_and_read(page, flow)
    assert holds(nodes), nodes[node_id]


def type_body(page, text=" typed"):
    select_step(page, "sms")
    type_into(page.get_by_label("Body", exact=True), text)


def test_ctrl_s_in_the_field_saves_what_it_holds(editor, flow):
    page = editor
    type_body(page)
    page.keyboard.press("Control+s")
    page.get_by_text("Saved (revision").wait_for()
    assert saved_graph(flow["id"])["nodes"][1]["config"]["body"] == "Old typed"
    assert page.get_by_label("Body", exact=True).evaluate("(el) => el === document.activeElement")


def test_publish_right_after_typing_publishes_it(editor, flow):
    page = editor
    select_step(page, "sms")
    type_into(page.get_by_label("To", exact=True), "+62 811 000 001")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published version 1.").wait_for()
    assert saved_graph(flow["id"])["nodes"][1]["config"]["to"] == "+62 811 000 001"


def test_run_test_right_after_typing_saves_it_first(editor, flow):
    page = editor
    type_body(page)
    page.get_by_role("button", name="Run test").click()
    # The run test saves first, then says how the walk went (its answer replaces "Saved").
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Test (run|not run):"))
    assert saved_graph(flow["id"])["nodes"][1]["config"]["body"] == "Old typed"


@pytest.mark.parametrize("away", ["canvas", "another step"])
def test_clicking_away_and_back_shows_what_was_typed(editor, flow, away):
    page = editor
    type_body(page)
    if away == "canvas":
        page.locator("[data-canvas]").click(position={"x": 700, "y": 30})
        page.get_by_role("heading", name="Workflow settings").wait_for()
    else:
        select_step(page, "wait")
        assert page.get_by_label("Duration", exact=True).input_value() == "1"
    select_step(page, "sms")
    assert page.get_by_label("Body", exact=True).input_value() == "Old typed"
    assert save_and_read(page, flow)["sms"]["config"]["body"] == "Old typed"


def test_undo_after_typing_brings_back_the_value_before_and_redo_the_typing(editor, flow):
    page = editor
    type_body(page, " one")
    type_into(page.get_by_label("Label", exact=True), "!")
    page.get_by_role("button", name="Undo").click()
    assert page.get_by_label("Label", exact=True).input_value() == "Text"
    assert page.get_by_label("Body", exact=True).input_value() == "Old one"
    page.get_by_role("button", name="Undo").click()  # the whole visit to Body is one step
    assert page.get_by_label("Body", exact=True).input_value() == "Old"
    page.get_by_role("button", name="Redo").click()
    assert page.get_by_label("Body", exact=True).input_value() == "Old one"
    page.get_by_role("button", name="Undo").click()
    assert save_and_read(page, flow)["sms"]["config"]["body"] == "Old"


def test_typing_keeps_the_caret_where_it_is(editor):
    page = editor
    select_step(page, "sms")
    body = page.get_by_label("Body", exact=True)
    body.click()
    page.keyboard.press("Home")
    page.keyboard.type("Very ")
    assert body.input_value() == "Very Old"


def test_leaving_the_page_after_typing_asks_first(editor, flow):
    page = editor
    type_body(page)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    with page.expect_event("dialog"):
        page.get_by_role("link", name="← Workflows").click(no_wait_after=True)
    assert asked == ["beforeunload"]
    assert page.get_by_label("Body", exact=True).input_value() == "Old typed"
