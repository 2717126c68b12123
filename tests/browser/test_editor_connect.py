"""Drawing connections with the mouse, one after another."""
import pytest

from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph

pytestmark = pytest.mark.browser


def delay(node_id, x, y):
    return {"id": node_id, "kind": "wait", "type": "delay", "label": f"Wait {node_id}", "config": {"duration": "PT10M"},
            "position": {"x": x, "y": y}}


def drag_wire(page, source, port, target):
    """A person's drag from a port to a step: press, move in small steps, release."""
    start = page.locator(f'[data-node-id="{source}"] [data-port="{port}"] circle').bounding_box()
    end = page.locator(f'[data-node-id="{target}"] .box').bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def test_two_connections_drawn_in_a_row_both_stay(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER, delay("a", 0, 160), delay("b", 0, 320)])
    page = open_editor(page, sign_in, workflow)
    drag_wire(page, "start", "next", "a")
    drag_wire(page, "a", "next", "b")
    assert page.locator("path.edge").count() == 2
    assert page.evaluate("() => String(getSelection())") == ""
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    wires = {(e["source"], e["target"]) for e in saved_graph(workflow["id"])["edges"]}
    assert wires == {("start", "a"), ("a", "b")}
