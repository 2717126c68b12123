"""A person sets up a rotate-owner step: the problem list says what is missing until users are ticked."""
import pytest
from playwright.sync_api import expect

from tests.browser.editor_steps import editor, workflow  # noqa: F401  (fixtures)
from tests.browser.editor_steps import connect, saved_graph, select_step

pytestmark = pytest.mark.browser


def test_rotate_owner_among_ticked_users(editor, workflow):
    page = editor
    page.locator('[data-node-type="rotate_owner"]').drag_to(page.locator("[data-canvas]"),
                                                           target_position={"x": 220, "y": 220})
    step = page.locator('[data-node-id^="rotate-owner"]')
    step.wait_for()
    step_id = step.get_attribute("data-node-id")
    connect(page, "start", "next", step_id)
    expect(page.locator("[data-problem]").filter(has_text="choose the users or the role to rotate among")).to_have_count(1)

    select_step(page, step_id)
    page.get_by_label("vic", exact=True).check()
    page.get_by_label("eddie", exact=True).check()
    page.get_by_label("Only available users").check()
    expect(step.locator(".summary")).to_contain_text("owner: next of vic, eddie (available)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved (revision")
    expect(page.locator("[data-problem]").filter(has_text="rotate among")).to_have_count(0)

    config = next(n for n in saved_graph(workflow["id"])["nodes"] if n["id"] == step_id)["config"]
    assert (config["users"], config["only_available"], config["role"], config["field"]) == (["vic", "eddie"], True, "", "")
