"""An editor sets who hears of failed runs, how often, and the error workflow, in the settings panel."""
import pytest

from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor

pytestmark = pytest.mark.browser

MANUAL = {**TRIGGER, "type": "manual", "label": "By hand"}


def test_when_a_run_fails_is_set_in_the_panel_and_saved(page, sign_in, api):
    handler = api.post("/api/workflows", as_="editor",
                       json={"name": "Tell support", "graph": {"nodes": [MANUAL], "edges": []}}).get_json()
    flow = create_workflow(api, [TRIGGER])
    open_editor(page, sign_in, flow)
    page.get_by_role("button", name="Settings").click()
    alerts = page.locator('[data-section="on-failure"]')
    assert alerts.get_by_role("heading", name="When a run fails").is_visible()
    alerts.get_by_label("Tell the owner", exact=True).uncheck()
    alerts.get_by_label("admin", exact=True).check()
    alerts.get_by_label("vic", exact=True).check()
    alerts.get_by_label("In the app", exact=True).uncheck()
    alerts.get_by_label("How often", exact=True).select_option("digest")
    alerts.get_by_label("Error workflow", exact=True).select_option(f"Tell support (#{handler['id']})")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    saved = api.get(f"/api/workflows/{flow['id']}").get_json()["settings"]["on_failure"]
    assert saved == {"owner": False, "users": ["vic"], "roles": ["admin"], "in_app": False, "email": True,
                     "mode": "digest", "error_workflow": handler["id"]}
    page.reload()
    page.get_by_role("button", name="Settings").click()
    assert alerts.get_by_label("How often", exact=True).input_value() == "digest"
    assert alerts.get_by_label("admin", exact=True).is_checked()
