"""A node type declared in one module (tests/postcard_node_type.py) is built, set up, checked and run in the browser."""
import pytest

from engine import worker
from tests.browser.editor_steps import connect, create_workflow, open_editor, saved_graph, select_step, type_into
from tests.browser.editor_steps import TRIGGER
from tests.postcard_node_type import MAX_GREETING, postcard  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


def test_a_person_builds_sets_up_publishes_and_runs_a_step_of_the_new_type(postcard, page, sign_in, api, make_record):
    workflow = create_workflow(api, [TRIGGER], name="Postcards")
    open_editor(page, sign_in, workflow)
    item = page.locator('.palette section:has(h3:text-is("Actions")) [data-node-type="send_postcard"]')
    assert item.text_content() == "Send postcard" and item.locator('[data-icon="mail"]').count() == 1
    item.drag_to(page.locator("[data-canvas]"), target_position={"x": 420, "y": 330})
    node = page.locator('[data-node-id^="send-postcard"]')
    node.wait_for()
    node_id = node.get_attribute("data-node-id")
    assert [p.get_attribute("data-port") for p in node.locator("[data-port]").all()] == ["next", "error"]
    connect(page, "start", "next", node_id)
    select_step(page, node_id)
    assert page.locator(".inspector h2").text_content() == "Send postcard"
    type_into(page.get_by_label("Address", exact=True), "{{ record.fields.name }}, Main Street 1")
    type_into(page.get_by_label("Greeting"), "x" * (MAX_GREETING + 1))
    page.locator("[data-problem]", has_text="a postcard holds at most").wait_for()
    assert node.locator(".summary title").text_content() == "postcard to {{ record.fields.name }}, Main Street 1"
    type_into(page.get_by_label("Greeting"), "Thanks for the deal!", clear=True)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published version 1.").wait_for()
    card = next(n for n in saved_graph(workflow["id"])["nodes"] if n["id"] == node_id)
    assert card["config"] == {"address": "{{ record.fields.name }}, Main Street 1", "greeting": "Thanks for the deal!"}

    make_record(fields={"name": "Acme"}, owner="eddie")
    worker.drain()
    run_id = api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["items"][0]["id"]
    page.goto(f"/runs/{run_id}")
    done = page.locator(f'svg [data-node-id="{node_id}"]')
    assert done.get_attribute("data-status") == "done"
    assert done.locator("title").first.text_content() == "Send postcard — done"
    assert done.locator("desc").text_content() == "postcard to {{ record.fields.name }}, Main Street 1"
