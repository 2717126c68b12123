"""A person gives the workflow business hours in its settings and ticks an email to go out only within them."""
import pytest
from playwright.sync_api import expect

from store.db import db
from store.models import Workflow
from tests.browser.editor_steps import editor, workflow  # noqa: F401  (fixtures)
from tests.browser.editor_steps import add_email, connect, select_step, type_into

pytestmark = pytest.mark.browser


def type_time(locator, keys):
    """Click the hours part of a time field (its left end) and type the time as its segments take it."""
    locator.click(position={"x": 6, "y": 6})
    locator.page.keyboard.type(keys)


def test_business_hours_in_settings_and_an_email_within_them(editor, workflow):
    page = editor
    page.get_by_label("Use business hours").check()
    expect(page.get_by_label("Mon opens")).to_have_value("09:00")
    page.get_by_label("Sat", exact=True).check()
    type_time(page.get_by_label("Sat opens"), "1000AM")
    type_time(page.get_by_label("Sat closes"), "0100PM")
    type_into(page.get_by_label("Holidays"), "2026-12-25\n2026-12-26")

    email = add_email(page)
    email_id = email.get_attribute("data-node-id")
    connect(page, "start", "next", email_id)
    select_step(page, email_id)
    page.get_by_label("Only within business hours").check()
    expect(email.locator(".summary")).to_contain_text("in business hours")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved (revision")

    db.session.expire_all()
    saved = db.session.get(Workflow, workflow["id"])
    hours = saved.settings["business_hours"]
    assert hours["days"]["sat"] == [["10:00", "13:00"]] and hours["days"]["mon"] == [["09:00", "17:00"]]
    assert "sun" not in hours["days"] and hours["holidays"] == ["2026-12-25", "2026-12-26"]
    assert next(n for n in saved.graph["nodes"] if n["id"] == email_id)["config"]["business_hours_only"] is True
