"""Record owner in every owner picker, record tags in the rule editor's tag picker, and a word when auto-arrange
ran out of time (the follow-ups of issue 16)."""
import pytest
from playwright.sync_api import expect

from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph, select_step, type_into

pytestmark = pytest.mark.browser


def step(node_id, type_, config, x=0, y=160):
    return {"id": node_id, "kind": "action", "type": type_, "label": node_id, "config": config, "position": {"x": x, "y": y}}


def save(page):
    """Save, and wait for this save's answer (the status line may still hold the last one's)."""
    status = page.get_by_role("status")
    before = status.text_content()
    page.get_by_role("button", name="Save").click()
    expect(status).not_to_have_text(before)
    expect(status).to_contain_text("Saved (revision")


def test_owner_pickers_offer_the_record_owner_and_keep_what_they_do_not_offer(page, sign_in, api):
    flow = create_workflow(api, [TRIGGER, step("update", "update_record", {"stage": "won"}),
                                 step("ghost", "notify_user", {"user": "ghost", "message": "hi"}, x=320),
                                 step("both", "notify_user", {"user": "vic", "owner": True, "message": "hi"}, x=640)])
    open_editor(page, sign_in, flow)
    select_step(page, "update")
    owner = page.get_by_label("Owner", exact=True)
    assert owner.locator("option:checked").text_content() == "Unchanged"
    owner.select_option(label="Record owner")

    select_step(page, "ghost")
    who = page.get_by_label("Who", exact=True)
    assert who.locator("option:checked").text_content() == "ghost (not in the list)"
    assert {"Record owner", "vic", "anyone with role admin"} <= set(who.locator("option").all_text_contents())
    assert page.get_by_label("Record owner", exact=True).count() == 0  # no separate tick box any more

    select_step(page, "both")
    who = page.get_by_label("Who", exact=True)
    assert who.locator("option:checked").text_content() == "Record owner and vic"
    save(page)  # shown is not changed: both targets stay stored
    assert {n["id"]: n for n in saved_graph(flow["id"])["nodes"]}["both"]["config"]["owner"] is True
    who.select_option(label="anyone with role admin")
    select_step(page, "ghost")
    page.get_by_label("Who", exact=True).select_option(label="Record owner")
    save(page)

    nodes = {n["id"]: n["config"] for n in saved_graph(flow["id"])["nodes"]}
    assert nodes["update"]["owner"] == "record_owner"
    assert (nodes["both"]["user"], nodes["both"]["role"], nodes["both"]["owner"]) == ("", "admin", False)
    assert (nodes["ghost"]["user"], nodes["ghost"]["role"], nodes["ghost"]["owner"]) == ("", "", True)
    page.get_by_role("button", name="Undo").click()  # one pick is one step back
    select_step(page, "ghost")
    assert page.get_by_label("Who", exact=True).locator("option:checked").text_content() == "ghost (not in the list)"


def test_the_tag_picker_suggests_tags_on_the_trigger_objects_records(page, sign_in, api):
    for tags in (["vip", "churn-risk"], ["vip"]):
        assert api.post("/api/records/deal", json={"fields": {"name": "Acme"}, "tags": tags}).status_code == 201
    assert api.post("/api/records/task", json={"fields": {"title": "Call"}, "tags": ["task-only"]}).status_code == 201
    check = {"id": "check", "kind": "condition", "type": "condition", "label": "Tagged?", "position": {"x": 0, "y": 160},
             "config": {"match": "all", "rules": [{"field": "tags", "op": "has_tag", "value": ""}]}}
    flow = create_workflow(api, [TRIGGER, check])
    open_editor(page, sign_in, flow)
    select_step(page, "check")
    rule = page.locator('[data-rule="0"]')
    value = rule.get_by_label("Value", exact=True)
    suggestions = page.locator(f"datalist#{value.get_attribute('list')} option")
    suggestions.first.wait_for(state="attached")
    assert suggestions.evaluate_all("(os) => os.map((o) => o.value)") == ["churn-risk", "vip"]
    type_into(value, "vip")
    save(page)
    assert saved_graph(flow["id"])["nodes"][1]["config"]["rules"] == [{"field": "tags", "op": "has_tag", "value": "vip"}]

    rule.get_by_label("Operator", exact=True).select_option("in")
    page.locator('[data-rule="0"]').get_by_label("churn-risk", exact=True).check()
    type_into(page.locator('[data-rule="0"]').get_by_label("Another tag", exact=True), "brand-new")
    page.keyboard.press("Enter")
    page.locator('[data-rule="0"]').get_by_label("brand-new", exact=True).wait_for()  # now a ticked tag of its own
    save(page)
    assert saved_graph(flow["id"])["nodes"][1]["config"]["rules"] == [
        {"field": "tags", "op": "in", "value": ["vip", "churn-risk", "brand-new"]}]


def test_auto_arrange_cut_short_by_its_time_limit_says_so(page, sign_in, api, app):
    flow = create_workflow(api, [TRIGGER, step("update", "update_record", {"stage": "won"}, x=500, y=40)],
                           [{"id": "e", "source": "start", "target": "update", "port": "next"}])
    app.config["LAYOUT_SECONDS"] = -1  # no time at all: the server answers with a grid and complete false
    open_editor(page, sign_in, flow)
    page.get_by_role("button", name="Auto-arrange").click()
    page.get_by_role("status").filter(has_text="Arranged as far as time allowed").wait_for()
