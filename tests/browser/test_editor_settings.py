"""The workflow settings panel and time zone (issue 16, point 3), field and owner pickers (point 4) and the
variable picker's record fields (point 5)."""
import pytest

from store.db import db
from store.models import Workflow
from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph, select_step, type_into

pytestmark = pytest.mark.browser

AT_TIME = {"id": "at", "kind": "wait", "type": "until_time", "label": "Morning", "config": {"time": "09:00"},
           "position": {"x": 0, "y": 160}}
TASK = {"id": "task", "kind": "action", "type": "create_task", "label": "Call", "config": {"title": "Call"},
        "position": {"x": 320, "y": 160}}
SMS = {"id": "sms", "kind": "action", "type": "send_sms", "label": "Text", "config": {"to": "", "body": "Hi "},
       "position": {"x": 0, "y": 320}}
UPDATED = {**TRIGGER, "type": "record_updated", "config": {"object": "deal", "fields": []}}


def test_settings_are_edited_in_the_panel_and_saved_with_the_draft(page, sign_in, api):
    flow = create_workflow(api, [TRIGGER, AT_TIME])
    open_editor(page, sign_in, flow)
    assert page.locator(".wf-zone").text_content() == "UTC"
    page.get_by_role("button", name="Settings").click()
    type_into(page.get_by_label("Name", exact=True), "Chase big deals", clear=True)
    type_into(page.get_by_label("Description", exact=True), "Calls owners of deals over 10k")
    page.get_by_label("Time zone", exact=True).select_option("Asia/Jakarta")
    page.get_by_label("Re-enroll records", exact=True).check()
    page.get_by_role("button", name="Add rule").click()
    rule = page.locator('[data-rule="0"]')
    rule.get_by_label("Field", exact=True).select_option("stage")
    rule.get_by_label("Value", exact=True).select_option("won")
    assert page.locator(".wf-zone").text_content() == "Asia/Jakarta"
    assert page.locator(".wf-name").text_content() == "Chase big deals"
    select_step(page, "at")
    assert page.get_by_text("In Asia/Jakarta (the workflow's time zone)").is_visible()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    saved = api.get(f"/api/workflows/{flow['id']}").get_json()
    assert (saved["name"], saved["description"], saved["timezone"]) == (
        "Chase big deals", "Calls owners of deals over 10k", "Asia/Jakarta")
    assert saved["settings"] == {"reenroll": True, "exit_when": {"match": "all", "rules": [
        {"field": "stage", "op": "eq", "value": "won"}]}}
    page.get_by_role("button", name="Undo").click()  # the exit rule's value
    page.get_by_role("button", name="Settings").click()
    assert page.locator('[data-rule="0"]').get_by_label("Value", exact=True).input_value() == ""


@pytest.fixture
def jakarta_page(browser, live_server):
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Jakarta")
    yield context.new_page()
    context.close()


def sign_in_on(page):
    from tests.conftest import PASSWORD

    page.goto("/login")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def created_zone(page) -> str:
    page.locator("[data-canvas]").wait_for()
    workflow_id = int(page.url.split("/workflows/")[1].split("/")[0])
    db.session.expire_all()
    assert page.locator(".wf-zone").text_content() == "Asia/Jakarta"
    return db.session.get(Workflow, workflow_id).timezone


def test_a_workflow_made_in_the_browser_starts_in_the_browsers_zone(jakarta_page):
    page = jakarta_page
    sign_in_on(page)
    page.goto("/")
    type_into(page.get_by_label("New workflow"), "Morning calls")
    page.get_by_role("button", name="Create").click()
    assert created_zone(page) == "Asia/Jakarta"
    page.goto("/templates")
    page.locator('[data-template-id="delivery-eve-whatsapp"]').get_by_role("button", name="Use").click()
    assert created_zone(page) == "Asia/Jakarta"


def test_a_made_up_zone_from_the_create_form_is_refused(client, auth):
    auth.login()
    form = {"name": "X", "timezone": "Mars/Olympus", "csrf_token": auth.csrf_token("/")}
    answer = client.post("/workflows", data=form)
    assert answer.status_code == 400
    assert db.session.execute(db.select(Workflow)).first() is None


def test_field_and_owner_pickers(page, sign_in, api):
    flow = create_workflow(api, [UPDATED, AT_TIME, TASK])
    open_editor(page, sign_in, flow)
    select_step(page, "task")
    owner = page.get_by_label("Owner", exact=True)
    assert owner.locator("option:checked").text_content() == "Record owner"
    select_step(page, "start")
    changed = page.locator("fieldset", has_text="Changed fields")
    changed.get_by_label("stage", exact=True).check()
    changed.get_by_label("amount", exact=True).check()
    select_step(page, "at")
    page.locator("fieldset", has_text="Cancel if changed").get_by_label("close_date", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    nodes = {n["id"]: n for n in saved_graph(flow["id"])["nodes"]}
    assert nodes["start"]["config"]["fields"] == ["stage", "amount"]
    assert nodes["at"]["config"]["cancel_if_changed"] == ["close_date"]
    assert nodes["task"]["config"]["owner"] == "record_owner"


def test_the_variable_picker_offers_the_trigger_objects_fields_at_the_caret(page, sign_in, api):
    flow = create_workflow(api, [TRIGGER, SMS])
    open_editor(page, sign_in, flow)
    select_step(page, "sms")
    body = page.get_by_label("Body", exact=True)
    body.click()
    page.keyboard.press("End")
    picker = page.locator(".field", has=body).get_by_label("Insert a variable", exact=True)
    offered = picker.locator("option").all_text_contents()
    assert {"record.fields.amount", "record.fields.close_date", "record.fields.name"} <= set(offered)
    picker.select_option("record.fields.name")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    assert saved_graph(flow["id"])["nodes"][1]["config"]["body"] == "Hi {{ record.fields.name }}"
