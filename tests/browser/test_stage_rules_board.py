"""A person sees the rules of each stage on the board, copies one, moves one to another pipeline's stage, and a
move that would break a rule is refused with its problems; the editor offers the chosen pipeline's stages."""
import pytest

from store.db import db
from store.models import Workflow
from tests.browser.editor_steps import open_editor
from tests.browser.test_stored_xss import IMG, assert_nothing_ran
from tests.web.stage_rule_graphs import make_rule

pytestmark = pytest.mark.browser


def column(page, stage):
    return page.locator(f'.stage-column[data-stage="{stage}"]')


def workflow(workflow_id):
    db.session.expire_all()
    return db.session.get(Workflow, workflow_id)


def test_the_board_shows_a_stage_rule_in_its_column_and_copies_it(page, sign_in, api):
    rule = make_rule(api, "Qualified follow-up", stage="qualified")
    sign_in()
    page.get_by_role("link", name="Records").click()
    page.get_by_role("link", name="Stage rules: sales").click()
    card = column(page, "qualified").locator(f'[data-workflow-id="{rule["id"]}"]')
    assert card.get_attribute("data-status") == "active"
    assert "0 runs in 7 days" in card.inner_text()
    assert column(page, "new").get_by_text("No rule starts here.").is_visible()
    page.get_by_role("button", name="Copy Qualified follow-up").click()
    page.get_by_text("Copied 'Copy of Qualified follow-up' to qualified.").wait_for()
    copy = column(page, "qualified").locator('[data-status="draft"]')
    assert "Copy of Qualified follow-up" in copy.inner_text()
    assert workflow(rule["id"]).version == 1


def test_move_a_card_to_another_pipelines_stage(page, sign_in, api):
    api.post("/api/objects/deal/pipelines", json={"label": "Partners", "stages": ["Intro", "Signed"]})
    rule = make_rule(api, "Welcome partner", stage="qualified")
    sign_in()
    page.goto("/pipelines/deal/sales/rules")
    page.get_by_label("Select Welcome partner").check()
    page.get_by_label("Target stage").select_option("Deal · Partners · Signed")
    page.get_by_role("button", name="Move selected").click()
    page.get_by_text("Moved 'Welcome partner' to signed.").wait_for()
    assert column(page, "qualified").locator("[data-workflow-id]").count() == 0
    page.get_by_role("link", name="Partners").click()
    assert column(page, "signed").locator(f'[data-workflow-id="{rule["id"]}"]').get_attribute("data-status") == "active"
    moved = workflow(rule["id"])
    assert moved.version == 2 and moved.graph["nodes"][0]["config"]["pipeline"] == "partners"


def test_a_move_that_breaks_rules_is_refused_with_the_problems(page, sign_in, api):
    fine = make_rule(api, "Fine anywhere", stage="new")
    broken = make_rule(api, "Needs close date", stage="new", close_date="2026-12-20")
    sign_in()
    page.goto("/pipelines/deal/sales/rules")
    page.get_by_label("Select Fine anywhere").check()
    page.get_by_label("Select Needs close date").check()
    page.get_by_label("Target stage").select_option("Order · Orders · paid")
    page.get_by_role("button", name="Move selected").click()
    page.get_by_text("Nothing was changed").wait_for()
    problems = page.locator("[data-problem]")
    assert problems.count() >= 1 and "close_date" in problems.first.inner_text()
    assert "Needs close date" in problems.first.inner_text()
    assert column(page, "new").locator("[data-workflow-id]").count() == 2
    assert [workflow(w["id"]).version for w in (fine, broken)] == [1, 1]


def test_the_editor_offers_the_chosen_pipelines_stages(page, sign_in, api):
    api.post("/api/objects/deal/pipelines", json={"label": "Partners", "stages": ["Intro", "Signed"]})
    rule = make_rule(api, "Draft rule", publish=False, stage="new")
    open_editor(page, sign_in, rule)
    page.locator('[data-node-id="start"]').click()
    page.get_by_label("Pipeline").select_option("partners")
    stage = page.get_by_label("Stage", exact=True)
    # The stage still held from the other pipeline stays shown (not silently "—") until another is picked.
    assert stage.locator("option").all_inner_texts() == ["—", "intro", "signed", "new (not found)"]


def test_stage_labels_are_shown_as_text(page, sign_in, api):
    assert api.post("/api/objects/deal/pipelines/sales/stages", json={"label": IMG, "name": "odd"}).status_code == 201
    sign_in("ada")
    page.goto("/pipelines/deal/sales/rules")
    assert column(page, "odd").get_by_role("heading").inner_text().startswith(IMG)
    page.goto("/records/deal/new")
    page.get_by_label("Stage").select_option(IMG)
    page.goto("/settings#pipelines")
    assert page.get_by_label("Label of stage odd in Deal · sales").input_value() == IMG
    assert_nothing_ran(page)
