"""A person sets up a wait for an event: the form shows the settings of the event picked, the step says it."""
import pytest
from playwright.sync_api import expect

from tests.browser.editor_steps import editor, workflow  # noqa: F401  (fixtures)
from tests.browser.editor_steps import saved_graph, select_step, type_into

pytestmark = pytest.mark.browser


def test_wait_for_a_stage_with_a_timeout(editor, workflow):
    page = editor
    page.locator('[data-node-type="wait_event"]').drag_to(page.locator("[data-canvas]"),
                                                         target_position={"x": 220, "y": 220})
    step = page.locator('[data-node-id^="wait-event"]')
    step.wait_for()
    step_id = step.get_attribute("data-node-id")
    expect(step.locator('[data-port="timeout"]')).to_have_count(1)
    select_step(page, step_id)
    expect(page.locator("legend", has_text="Fields")).to_have_count(1)
    expect(page.get_by_label("Stage", exact=True)).to_have_count(0)

    page.get_by_label("Wait for", exact=True).select_option("stage_entered")
    expect(page.locator("legend", has_text="Fields")).to_have_count(0)
    page.get_by_label("Stage", exact=True).select_option("won")
    type_into(page.get_by_label("Timeout after", exact=True), "3", clear=True)
    page.get_by_label("Timeout after unit").select_option(label="days")
    expect(step.locator(".summary")).to_contain_text("until stage won, up to 3 days")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved (revision")

    config = next(n for n in saved_graph(workflow["id"])["nodes"] if n["id"] == step_id)["config"]
    assert (config["event"], config["stage"], config["timeout"]) == ("stage_entered", "won", "P3D")
