"""A person creates a deal with tags, edits it, removes a tag, moves it to another pipeline's stage, and an admin
adds, renames and tries to archive stages in settings."""
import pytest

from store.db import db
from crm.models import Event, ObjectType, Record

pytestmark = pytest.mark.browser


def retype(locator, text):
    """Clear a text box and type into it with the keyboard, as a person does."""
    locator.click()
    locator.press("Control+A")
    locator.press("Backspace")
    locator.press_sequentially(text)


def record(record_id):
    db.session.expire_all()
    return db.session.get(Record, record_id)


def test_create_a_deal_with_tags(page, sign_in):
    sign_in()
    page.get_by_role("link", name="Records").click()
    page.get_by_role("link", name="New record").click()
    page.get_by_label("Name").press_sequentially("Globex")
    page.get_by_label("Amount").press_sequentially("900")
    page.get_by_label("Stage").select_option("qualified")
    page.get_by_label("Add tags").press_sequentially("vip, renewal")
    page.get_by_role("button", name="Create deal").click()
    page.get_by_text("created.").wait_for()
    made = db.session.execute(db.select(Record).filter_by(object="deal")).scalar_one()
    assert (made.fields, made.tags, made.pipeline, made.stage, made.owner.username) == (
        {"name": "Globex", "amount": 900, "email": None, "phone": None, "close_date": None},
        ["renewal", "vip"], "sales", "qualified", "eddie")
    assert page.locator('[data-tag="vip"]').is_visible() and page.locator('[data-tag="renewal"]').is_visible()
    event = db.session.execute(db.select(Event).filter_by(record_id=made.id)).scalar_one()
    assert (event.event, event.actor) == ("created", "eddie")


def test_edit_a_field_remove_a_tag_and_move_to_another_pipeline(page, sign_in, api, make_record):
    api.post("/api/objects/deal/pipelines", json={"label": "Partners", "stages": ["Intro", "Signed"]})
    deal = make_record("deal", fields={"name": "Acme", "amount": 100}, tags=["vip", "old"], stage="new")
    sign_in()
    page.goto(f"/records/deal/{deal['id']}")
    retype(page.get_by_label("Amount"), "2500")
    page.get_by_role("button", name="Remove tag old").click()
    page.get_by_text("Saved.").wait_for()
    assert (record(deal["id"]).fields["amount"], record(deal["id"]).tags) == (2500, ["vip"])
    page.get_by_label("Pipeline").select_option("Partners")
    assert page.get_by_label("Stage").input_value() == "intro"
    page.get_by_label("Stage").select_option("Signed")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert (record(deal["id"]).pipeline, record(deal["id"]).stage) == ("partners", "signed")
    events = [e.event for e in db.session.execute(db.select(Event).filter_by(record_id=deal["id"])).scalars()]
    assert events == ["created", "updated", "updated", "stage_changed"]


def test_a_viewer_cannot_create_or_save(page, sign_in, make_record):
    deal = make_record("deal", fields={"name": "Acme"})
    sign_in("vic")
    page.goto("/records/deal")
    assert page.get_by_role("link", name="New record").count() == 0
    page.goto(f"/records/deal/{deal['id']}")
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.goto("/records/deal/new").status == 403


def test_an_admin_adds_and_renames_a_stage(page, sign_in):
    sign_in("ada")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("New stage in Deal · sales").press_sequentially("Negotiation")
    page.get_by_role("button", name="Add stage to Deal · sales").click()
    page.get_by_text("Pipelines saved.").wait_for()
    retype(page.get_by_label("Label of stage negotiation in Deal · sales"), "Haggling")
    page.keyboard.press("Enter")
    page.get_by_text("Pipelines saved.").wait_for()
    db.session.expire_all()
    kind = db.session.get(ObjectType, "deal")
    assert kind.pipelines["sales"][-1] == "negotiation"
    assert kind.pipeline_meta["sales"]["stage_labels"]["negotiation"] == "Haggling"
    page.goto("/records/deal/new")
    page.get_by_label("Stage").select_option("Haggling")
    assert page.get_by_label("Stage").input_value() == "negotiation"


def test_a_stage_in_use_is_not_archived_and_the_page_says_why(page, sign_in, make_record):
    make_record("deal", fields={"name": "Stuck"}, stage="proposal")
    sign_in("ada")
    page.goto("/settings#pipelines")
    page.get_by_role("button", name="Archive stage proposal in Deal · sales").click()
    page.get_by_text("The stage 'proposal' cannot be archived: 1 deal record is in it.").wait_for()
    db.session.expire_all()
    assert "proposal" in db.session.get(ObjectType, "deal").pipelines["sales"]
