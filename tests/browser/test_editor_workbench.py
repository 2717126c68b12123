"""The editor keeps what is on screen, in the model, in the Problems list and in the saved draft in agreement:
copy and paste between workflows, drags that commit once, live problems, labels that follow, the toolbar."""
import pytest
from playwright.sync_api import expect

from tests.browser.editor_steps import TRIGGER, add_email, create_workflow, open_editor, saved_graph, transforms

pytestmark = pytest.mark.browser

CHECK = {"id": "big", "kind": "condition", "type": "condition", "label": "Big deal?",
         "config": {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}, "position": {"x": 0, "y": 140}}
MAIL = {"id": "mail", "kind": "action", "type": "send_email", "label": "Thank them",
        "config": {"to": "{{ record.fields.email }}", "subject": "Hi", "body": "Dear {{ record.fields.name }}"},
        "position": {"x": 0, "y": 280}}


def press_box(page, node_id, dx=40, dy=30):
    box = page.locator(f'[data-node-id="{node_id}"] .box').bounding_box()
    page.mouse.move(box["x"] + dx, box["y"] + dy)
    page.mouse.down()
    return box


def test_steps_copied_in_one_workflow_paste_into_another_with_their_connection(page, sign_in, api):
    deals = create_workflow(api, [TRIGGER, CHECK, MAIL], [
        {"id": "e1", "source": "start", "target": "big", "port": "next"},
        {"id": "e2", "source": "big", "target": "mail", "port": "true"}])
    order_start = {**TRIGGER, "label": "New order", "config": {"object": "order"}}
    orders = create_workflow(api, [order_start])
    open_editor(page, sign_in, deals)
    page.locator('[data-node-id="big"] .box').click()
    page.locator('[data-node-id="mail"] .box').click(modifiers=["Shift"])
    page.keyboard.press("Control+c")
    expect(page.get_by_role("status")).to_have_text("Copied 2 step(s).")
    page.goto(f"/workflows/{orders['id']}/edit")
    page.locator('[data-node-id="start"]').wait_for()
    page.locator("[data-canvas]").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+v")
    expect(page.locator('[data-node-id^="condition"]')).to_have_count(1)
    expect(page.locator('[data-node-id^="send-email"]')).to_have_count(1)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Order has no field 'name'")
    expect(status).to_contain_text("copied from a deal workflow")
    page.keyboard.press("Control+s")
    page.get_by_text("Saved (revision").wait_for()
    graph = saved_graph(orders["id"])
    by_type = {n["type"]: n for n in graph["nodes"]}
    assert by_type["send_email"]["config"]["body"] == "Dear {{ record.fields.name }}"
    assert [(e["source"], e["target"], e["port"]) for e in graph["edges"]] == [
        (by_type["condition"]["id"], by_type["send_email"]["id"], "true")]
    page.keyboard.press("Control+z")
    expect(page.locator('[data-node-id^="send-email"]')).to_have_count(0)


def test_a_save_in_the_middle_of_a_drag_keeps_the_old_place_and_the_drag_is_one_undo(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER, MAIL])
    open_editor(page, sign_in, workflow)
    before = transforms(page)
    box = press_box(page, "mail")
    page.mouse.move(box["x"] + 173, box["y"] + 111, steps=6)
    assert transforms(page)["mail"] != before["mail"]  # the step follows the pointer on screen
    page.keyboard.press("Control+s")
    page.get_by_text("Saved (revision").wait_for()
    assert saved_graph(workflow["id"])["nodes"][1]["position"] == {"x": 0, "y": 280}  # not a half-way place
    page.mouse.up()
    moved = transforms(page)["mail"]
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status")).to_have_text("Saved (revision 3).")
    position = saved_graph(workflow["id"])["nodes"][1]["position"]
    assert moved == f"translate({position['x']},{position['y']})" and position["x"] % 20 == 0 and position["x"] > 100
    page.keyboard.press("Control+z")
    assert transforms(page) == before


def test_problems_follow_the_graph_before_any_save(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER])
    open_editor(page, sign_in, workflow)
    node = add_email(page)
    problem = page.locator("[data-problem]", has_text="To is required")
    expect(problem).to_have_count(1)
    node.locator(".box").click()
    body = page.get_by_label("Body", exact=True)
    body.click()
    page.keyboard.type("Dear {{ record.fields.nmae }}")
    body.press("Tab")
    expect(page.locator('[data-problem][data-severity="warning"]', has_text="did you mean name?")).to_have_count(1)
    page.keyboard.press("Control+z")
    expect(page.locator("[data-problem]", has_text="did you mean")).to_have_count(0)
    assert [n["id"] for n in saved_graph(workflow["id"])["nodes"]] == ["start"]  # nothing was saved to find these


def test_a_wait_label_follows_its_duration_until_it_is_named_by_hand(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER])
    open_editor(page, sign_in, workflow)
    page.locator('[data-node-type="delay"]').drag_to(page.locator("[data-canvas]"), target_position={"x": 420, "y": 330})
    node = page.locator('[data-node-id^="delay"]')
    expect(node.locator("text.label")).to_have_text("Wait 1 day")
    node.locator(".box").click()
    amount = page.get_by_label("Duration", exact=True)
    amount.click()
    amount.press("Control+a")
    page.keyboard.type("5")
    amount.press("Tab")
    page.get_by_label("Duration unit").select_option(label="seconds")
    expect(node).to_contain_text("Wait 5 seconds")
    label = page.get_by_label("Label")
    label.click()
    label.press("Control+a")
    page.keyboard.type("Cool off")
    label.press("Tab")
    page.get_by_label("Duration unit").select_option(label="minutes")
    expect(node).to_contain_text("Cool off")
    expect(node).not_to_contain_text("Wait 5")


def test_one_toolbar_line_at_1280_and_only_the_status_button_that_applies(page, sign_in, api):
    page.set_viewport_size({"width": 1280, "height": 800})
    workflow = create_workflow(api, [TRIGGER, MAIL], [{"id": "e1", "source": "start", "target": "mail", "port": "next"}])
    open_editor(page, sign_in, workflow)
    toolbar = page.locator(".editor-toolbar")
    tops = {round(b.bounding_box()["y"]) for b in toolbar.get_by_role("button").all() if b.is_visible()}
    assert len(tops) == 1, tops
    pause, activate = page.get_by_role("button", name="Pause"), page.get_by_role("button", name="Activate")
    expect(pause).to_be_hidden()
    expect(activate).to_be_hidden()
    page.get_by_role("button", name="Publish").click()
    expect(pause).to_be_visible()
    expect(activate).to_be_hidden()
    pause.click()
    expect(activate).to_be_visible()
    expect(pause).to_be_hidden()
    activate.click()
    expect(pause).to_be_visible()


def test_duplicate_keeps_the_connection_between_the_copied_steps(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER, CHECK, MAIL], [
        {"id": "e1", "source": "start", "target": "big", "port": "next"},
        {"id": "e2", "source": "big", "target": "mail", "port": "true"}])
    open_editor(page, sign_in, workflow)
    page.locator('[data-node-id="big"] .box').click()
    page.locator('[data-node-id="mail"] .box').click(modifiers=["Shift"])
    page.keyboard.press("Control+d")
    expect(page.locator("[data-node-id]")).to_have_count(5)
    expect(page.locator("[data-edge-id]")).to_have_count(3)
    page.keyboard.press("Control+z")
    expect(page.locator("[data-edge-id]")).to_have_count(2)
