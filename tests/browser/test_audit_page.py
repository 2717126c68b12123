"""An admin narrows the audit log down to one person's changes to one workflow, as a person would."""
import pytest

pytestmark = pytest.mark.browser


def test_filter_the_audit_log_by_who_and_what(page, sign_in, api):
    first = api.post("/api/workflows", as_="editor", json={"name": "Welcome mail"}).get_json()["id"]
    api.put(f"/api/workflows/{first}", as_="editor", json={"name": "Welcome mail v2"})
    api.post("/api/workflows", as_="admin", json={"name": "Admin's own"})
    api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": "never shown"})

    sign_in("ada")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Audit log").click()
    rows = page.locator("[data-audit-row]")
    rows.first.wait_for()
    assert page.get_by_text("secret CRM_TOKEN added").is_visible()

    page.get_by_label("Who").click()
    page.keyboard.type("eddie")
    page.get_by_label("Action").select_option("workflow.edited")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(lambda url: "actor=eddie" in url)
    assert rows.count() == 1
    assert "name 'Welcome mail' \u2192 'Welcome mail v2'" in rows.first.inner_text()

    page.get_by_label("Action").select_option("")
    page.get_by_label("Object id").click()
    page.keyboard.type(str(first))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(lambda url: f"object_id={first}" in url)
    assert [rows.nth(i).get_attribute("data-action") for i in range(rows.count())] == \
        ["workflow.edited", "workflow.created"]
    assert page.get_by_label("Who").input_value() == "eddie"
    page.get_by_role("link", name="Clear").click()
    page.get_by_text("secret CRM_TOKEN added").wait_for()
