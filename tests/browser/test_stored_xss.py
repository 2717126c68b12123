"""Stored (and one reflected) cross-site scripting: markup saved in record fields, field labels, tags, workflow
names, user names and token names is shown as text on every page, and none of it runs.

Each payload would set `window.__xss`. The `page` fixture also fails on any console error, so markup that reached
the page unescaped is caught twice: the CSP refusing it logs an error, and the text would not read literally.
"""
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=1</script>"
BREAKOUT = "\"'><svg onload=window.__xss=1>"


@pytest.fixture
def hostile(api):
    """Every kind of user text the pages show, holding a payload."""
    def ok(response):
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    ok(api.post("/api/objects/deal/fields", json={"name": "notes", "type": "text", "label": IMG}))
    ok(api.post("/api/users", json={"username": "mallory", "role": "viewer", "name": SCRIPT,
                                    "email": "mallory@example.com"}))
    deal = ok(api.post("/api/records/deal", json={"fields": {"name": SCRIPT, "notes": BREAKOUT}, "tags": [IMG],
                                                 "owner": "mallory"}))
    ok(api.post("/api/workflows", json={"name": IMG, "description": SCRIPT}))
    ok(api.post("/api/tokens", json={"name": BREAKOUT, "user": "mallory"}))
    return deal


def assert_nothing_ran(page):
    assert page.evaluate("window.__xss") is None


def test_the_workflows_list_shows_names_as_text(page, sign_in, hostile):
    sign_in("ada")
    page.goto("/")
    assert page.get_by_role("link", name=IMG).is_visible()
    assert page.get_by_text(SCRIPT).is_visible()
    assert_nothing_ran(page)


def test_the_record_list_shows_fields_labels_and_the_search_as_text(page, sign_in, hostile):
    sign_in("ada")
    page.goto("/records/deal")
    assert page.get_by_role("columnheader", name=IMG).is_visible()
    row = page.locator(f"tr[data-record-id='{hostile['id']}']")
    assert SCRIPT in row.inner_text() and BREAKOUT in row.inner_text()
    assert_nothing_ran(page)
    page.goto("/records/deal?q=" + quote(BREAKOUT))
    assert page.get_by_label("Search").input_value() == BREAKOUT
    assert_nothing_ran(page)


def test_the_record_page_shows_fields_labels_and_tags_as_text(page, sign_in, hostile):
    sign_in("ada")
    page.goto(f"/records/deal/{hostile['id']}")
    assert page.get_by_role("heading", level=1).inner_text().endswith(SCRIPT)
    assert page.get_by_label(IMG, exact=True).input_value() == BREAKOUT
    assert page.locator(".tag-list .badge").get_by_text(IMG).is_visible()
    assert_nothing_ran(page)


def test_the_settings_page_shows_user_and_token_names_as_text(page, sign_in, hostile):
    sign_in("ada")
    page.goto("/settings")
    assert page.locator("tr[data-username='mallory']").get_by_text(SCRIPT).is_visible()
    assert page.get_by_role("cell", name=BREAKOUT).is_visible()
    assert_nothing_ran(page)
