"""A person adds a random split, sets its weights and branch names with the keyboard, and wires a branch."""
import pytest
from playwright.sync_api import expect

from tests.browser.editor_steps import editor, workflow  # noqa: F401  (fixtures)
from tests.browser.editor_steps import add_email, connect, saved_graph, select_step, type_into

pytestmark = pytest.mark.browser


def test_split_weights_names_and_ports(editor, workflow):
    page = editor
    page.locator('[data-node-type="random_split"]').drag_to(page.locator("[data-canvas]"),
                                                           target_position={"x": 200, "y": 200})
    split = page.locator('[data-node-id^="random-split"]')
    split.wait_for()
    split_id = split.get_attribute("data-node-id")
    select_step(page, split_id)
    total = page.locator("[data-branch-total]")
    expect(total).to_have_text("Total: 100%")

    type_into(page.get_by_label("Branch 1 weight"), "70", clear=True)
    expect(total).to_contain_text("Total: 120% — the weights must add up to 100")
    type_into(page.get_by_label("Branch 2 weight"), "30", clear=True)
    expect(total).to_have_text("Total: 100%")

    email = add_email(page)
    email_id = email.get_attribute("data-node-id")
    connect(page, split_id, "A", email_id)
    select_step(page, split_id)
    type_into(page.get_by_label("Branch 1 name"), "Short", clear=True)
    expect(split.locator('[data-port="Short"]')).to_have_count(1)
    expect(split.locator(".summary")).to_contain_text("split Short 70% · B 30%")

    page.get_by_role("button", name="Add branch").click()
    expect(split.locator('[data-port="A"]')).to_have_count(1)
    expect(total).to_have_text("Total: 100%")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved (revision")

    graph = saved_graph(workflow["id"])
    node = next(n for n in graph["nodes"] if n["id"] == split_id)
    assert node["config"]["branches"] == [{"name": "Short", "weight": 34}, {"name": "B", "weight": 33},
                                          {"name": "A", "weight": 33}]
    assert [(e["port"], e["target"]) for e in graph["edges"] if e["source"] == split_id] == [("Short", email_id)]

    page.get_by_role("button", name="Undo").click()  # the added branch
    page.get_by_role("button", name="Undo").click()  # the whole renaming, typed in one visit
    expect(split.locator('[data-port="Short"]')).to_have_count(0)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved (revision 3)")
    graph = saved_graph(workflow["id"])
    assert [(e["port"], e["target"]) for e in graph["edges"] if e["source"] == split_id] == [("A", email_id)]
