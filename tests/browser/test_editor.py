"""The editor as a person uses it: drag, connect, configure, undo/redo, copy/paste, save, publish."""
import pytest

from tests.browser.editor_steps import add_email, connect, editor, saved_graph, workflow  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_build_configure_save_and_publish(editor, workflow):
    page = editor
    node = add_email(page)
    node_id = node.get_attribute("data-node-id")
    assert node.locator('[data-icon="mail"]').count() == 1
    connect(page, "start", "next", node_id)
    assert page.locator("path.edge").count() == 1
    node.click()
    page.get_by_label("To", exact=True).fill("{{ record.fields.email }}")
    page.get_by_label("To", exact=True).press("Tab")
    page.get_by_label("Subject").fill("Welcome, {{ record.fields.name }}")
    page.get_by_label("Subject").press("Tab")
    assert "email to {{ record.fields.email }}" in node.text_content()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    graph = saved_graph(workflow["id"])
    email = next(n for n in graph["nodes"] if n["id"] == node_id)
    assert email["config"]["to"] == "{{ record.fields.email }}"
    assert graph["edges"][0]["source"] == "start" and graph["edges"][0]["target"] == node_id
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published version 1.").wait_for()
    page.reload()
    page.locator(f'[data-node-id="{node_id}"]').wait_for()


def test_publish_with_problems_lists_them_and_marks_the_node(editor):
    page = editor
    node = add_email(page)  # no recipient, not connected
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Fix these problems before publishing.").wait_for()
    assert "To is required" in page.locator('[data-problem][data-severity="error"]').first.text_content()
    assert node.get_attribute("data-status") == "problem"
    page.locator('[data-problem][data-severity="error"]').first.click()
    assert "selected" in node.get_attribute("class")


def test_undo_redo_copy_paste_and_delete(editor):
    page = editor
    add_email(page)
    assert page.locator('[data-node-id^="send-email"]').count() == 1
    page.keyboard.press("Control+z")
    assert page.locator('[data-node-id^="send-email"]').count() == 0
    page.keyboard.press("Control+Shift+z")
    assert page.locator('[data-node-id^="send-email"]').count() == 1
    page.locator('[data-node-id^="send-email"] .box').click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    assert page.locator('[data-node-id^="send-email"]').count() == 2
    page.keyboard.press("Delete")
    assert page.locator('[data-node-id^="send-email"]').count() == 1


def test_connecting_into_a_trigger_is_refused_with_a_hint(editor):
    page = editor
    node_id = add_email(page).get_attribute("data-node-id")
    connect(page, node_id, "next", "start")
    assert page.locator("path.edge").count() == 0
    assert page.get_by_text("Nothing can lead into a trigger").is_visible()


def test_a_stale_save_says_someone_else_saved_first(editor, workflow, api):
    page = editor
    api.put(f"/api/workflows/{workflow['id']}", as_="editor", json={"name": "Changed elsewhere"})
    add_email(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Not saved:").wait_for()
    assert "saved by someone else" in page.get_by_role("status").text_content()


def test_outcomes_named_like_javascript_builtins_are_drawn_as_typed(editor):
    page = editor
    page.locator('[data-node-type="human_task"]').drag_to(page.locator("[data-canvas]"), target_position={"x": 420, "y": 330})
    node = page.locator('[data-node-id^="human-task"]')
    node.locator(".box").click()
    page.get_by_label("Outcomes").fill("approved, constructor, toString, __proto__, hasOwnProperty")
    page.get_by_label("Outcomes").press("Tab")
    assert node.locator(".port-label").all_text_contents() == [
        "approved", "constructor", "toString", "__proto__", "hasOwnProperty", "Timeout"]
