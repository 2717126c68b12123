"""A record change and its event row are committed together or not at all."""
import pytest

from store.db import db
from crm.models import Event, Record

SQLITE_TRIGGER = "CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'events offline'); END"
PG_TRIGGER = [
    "CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'events offline'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER refuse_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_events()",
]


@pytest.fixture
def refuse_events(app):
    """Call it to make every insert into the events table fail (dropped again after the test)."""
    sqlite = db.engine.dialect.name == "sqlite"
    armed = []

    def arm():
        for statement in [SQLITE_TRIGGER] if sqlite else PG_TRIGGER:
            db.session.execute(db.text(statement))
        db.session.commit()
        armed.append(True)

    yield arm
    db.session.rollback()
    if armed:
        db.session.execute(db.text("DROP TRIGGER refuse_events" if sqlite else "DROP TRIGGER refuse_events ON events"))
        if not sqlite:
            db.session.execute(db.text("DROP FUNCTION refuse_events()"))
        db.session.commit()


def counts():
    return (db.session.execute(db.select(db.func.count(Record.id))).scalar(),
            db.session.execute(db.select(db.func.count(Event.id))).scalar())


def test_record_is_not_stored_when_its_event_cannot_be(api, refuse_events):
    refuse_events()
    response = api.post("/api/records/deal", as_="editor", json={"fields": {"name": "Acme"}})
    assert response.status_code == 500
    db.session.rollback()
    assert counts() == (0, 0)


def test_update_is_not_stored_when_its_event_cannot_be(api, make_record, refuse_events):
    deal = make_record("deal", fields={"name": "Acme"})
    refuse_events()
    assert api.patch(f"/api/records/deal/{deal['id']}", as_="editor",
                     json={"fields": {"name": "Renamed"}}).status_code == 500
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Record, deal["id"]).fields["name"] == "Acme"
    assert counts() == (1, 1)


def test_change_and_event_commit_together(api):
    response = api.post("/api/records/deal", as_="editor", json={"fields": {"name": "Acme"}})
    assert response.status_code == 201
    event = db.session.execute(db.select(Event)).scalar_one()
    assert (event.event, event.record_id, event.actor) == ("created", response.get_json()["id"], "eddie (token)")
    assert event.snapshot["fields"] == {"name": "Acme"}
