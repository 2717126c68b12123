"""A person signs in, opens a deal, edits it and moves its stage."""
import pytest
from playwright.sync_api import expect

from store.db import db
from crm.models import Event

pytestmark = pytest.mark.browser


def test_sign_in_and_edit_a_deal(page, sign_in, make_record):
    deal = make_record("deal", fields={"name": "Acme", "amount": 100}, stage="new")
    sign_in()
    page.get_by_role("link", name="Records").click()
    page.get_by_role("link", name=str(deal["id"]), exact=True).click()
    page.get_by_label("Amount").fill("2500")
    page.get_by_label("Stage").select_option("qualified")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert page.get_by_label("Amount").input_value() == "2500"
    db.session.expire_all()
    events = [e.event for e in db.session.execute(db.select(Event).filter_by(record_id=deal["id"])).scalars()]
    assert events == ["created", "updated", "stage_changed"]


def test_a_bad_value_is_shown_next_to_its_field(page, sign_in, make_record):
    deal = make_record("deal", fields={"name": "Acme"})
    sign_in()
    page.goto(f"/records/deal/{deal['id']}")
    page.get_by_label("Email").evaluate("el => el.type = 'text'")  # get past the browser's own check
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()


def test_wrong_password_stays_on_login(page):
    page.goto("/login")
    page.get_by_label("Username").click()
    page.keyboard.type("eddie")
    page.get_by_label("Password").click()
    page.keyboard.type("nope")
    page.get_by_role("button", name="Sign in").click()
    # A wrong password is answered as slowly as a right one, so wait for the page that says so.
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    assert page.url.endswith("/login")
