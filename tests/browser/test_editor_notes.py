"""Sticky notes as a person uses them: copied and duplicated with steps, saved from their text box, long words kept inside."""
import pytest

from tests.browser.editor_steps import TRIGGER, create_workflow, editor, open_editor, saved_graph, workflow  # noqa: F401

pytestmark = pytest.mark.browser

MAIL = {"id": "mail", "kind": "action", "type": "send_email", "label": "Mail",
        "config": {"to": "a@example.com", "subject": "Hi", "body": "Hello"}, "position": {"x": 0, "y": 200}}
NOTE = {"id": "note-1", "text": "Call **first**", "position": {"x": 400, "y": 0}, "size": {"w": 240, "h": 140}}


def counts(page):
    return page.locator('[data-node-id^="send-email"], [data-node-id="mail"]').count(), page.locator("[data-note-id]").count()


def test_notes_are_copied_pasted_and_duplicated_with_the_selected_steps_and_one_undo_takes_a_paste_back(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER, MAIL])
    graph = {"nodes": [TRIGGER, MAIL], "edges": [], "notes": [NOTE]}
    assert api.put(f"/api/workflows/{workflow['id']}", as_="editor", json={"graph": graph}).status_code == 200
    page = open_editor(page, sign_in, workflow)
    page.locator('[data-node-id="mail"] .box').click()
    page.locator('[data-note-id="note-1"] .note-paper').click(position={"x": 200, "y": 100}, modifiers=["Shift"])
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    assert counts(page) == (2, 2)
    copy = page.locator('[data-note-id="note-2"]')
    assert copy.locator(".md-bold").text_content() == "first" and "selected" in copy.get_attribute("class")
    assert copy.get_attribute("transform") == "translate(440,40)"
    page.keyboard.press("Control+z")
    assert counts(page) == (1, 1)
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+d")  # the pasted copies are selected: they are duplicated in turn
    assert counts(page) == (3, 3)
    assert page.locator('[data-note-id="note-3"]').get_attribute("transform") == "translate(480,80)"
    page.keyboard.press("Control+z")
    assert counts(page) == (2, 2)
    page.keyboard.press("Control+s")
    page.get_by_text("Saved (revision").wait_for()
    notes = saved_graph(workflow["id"])["notes"]
    assert sorted((n["id"], n["text"]) for n in notes) == [("note-1", "Call **first**"), ("note-2", "Call **first**")]


def test_control_s_in_the_note_text_box_keeps_the_text_and_saves(editor, workflow):
    page = editor
    page.get_by_role("button", name="Add note").click()
    page.get_by_label("Note text").fill("Ask _Sales_ first")
    page.get_by_label("Note text").press("Control+s")
    page.get_by_text("Saved (revision").wait_for()
    [saved] = saved_graph(workflow["id"])["notes"]
    assert saved["text"] == "Ask _Sales_ first"
    assert page.locator("[data-note-id] .md-italic").text_content() == "Sales"


def test_a_very_long_word_wraps_inside_the_note(editor):
    page = editor
    page.get_by_role("button", name="Add note").click()
    word = "https://example.com/" + "x" * 90
    page.get_by_label("Note text").fill(f"See {word} then")
    page.get_by_label("Note text").press("Control+Enter")
    note = page.locator("[data-note-id]")
    assert word in note.text_content().replace(" ", "")
    outside = page.evaluate("""() => {
        const paper = document.querySelector('[data-note-id] .note-paper').getBoundingClientRect();
        return [...document.querySelectorAll('[data-note-id] tspan')].map((t) => t.getBoundingClientRect())
          .filter((r) => r.left < paper.left || r.right > paper.right).length; }""")
    assert outside == 0
