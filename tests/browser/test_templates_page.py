"""A person browses the template gallery, narrows it down and starts a workflow from a template."""
import re

import pytest
from playwright.sync_api import expect

from store.db import db
from store.models import Workflow
from templates_library import get_template, list_templates

pytestmark = pytest.mark.browser


@pytest.fixture
def quiet_editor(page):
    """This test ends where the editor begins (it has its own browser tests), so its script is not loaded."""
    page.route("**/static/js/editor/**", lambda route: route.fulfill(content_type="text/javascript", body=""))
    return page


def test_filter_by_category_and_use_a_template(quiet_editor, sign_in):
    page = quiet_editor
    sign_in()
    page.get_by_role("link", name="Templates").click()
    cards = page.locator("[data-template-id]")
    expect(cards).to_have_count(len(list_templates()))
    page.get_by_role("navigation", name="Template categories").get_by_role("link", name="Orders").click()
    expect(cards).to_have_count(len(list_templates(category="Orders")))
    card = page.locator('[data-template-id="order-paid-thank-you"]')
    expect(card.locator("svg .preview-node")).to_have_count(2)
    card.get_by_role("button", name="Use").click()
    page.wait_for_url(re.compile(r"/workflows/\d+/edit$"))
    expect(page.get_by_role("status")).to_contain_text("Thank-you for payment")
    workflow_id = int(re.search(r"/workflows/(\d+)/edit$", page.url).group(1))
    expect(page.locator(f'[data-workflow-id="{workflow_id}"]')).to_have_count(1)
    db.session.expire_all()
    assert db.session.get(Workflow, workflow_id).graph == get_template("order-paid-thank-you")["graph"]


def test_search_narrows_the_gallery(page, sign_in):
    sign_in()
    page.goto("/templates")
    page.get_by_label("Search templates").fill("approval")
    page.get_by_label("Search templates").press("Enter")
    expect(page.locator("[data-template-id]")).to_have_count(1)
    expect(page.locator('[data-template-id="large-deal-approval"]')).to_be_visible()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("[data-template-id]")).to_have_count(len(list_templates()))
