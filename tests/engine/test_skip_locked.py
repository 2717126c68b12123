"""PostgreSQL: a worker passes over a record another worker holds instead of waiting for it, and a
record's events are still enrolled in order."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from store.db import db
from engine import worker
from crm.models import Event
from tests.engine.flows import clock, create, change, node, publish, runs_of, trigger  # noqa: F401

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def other_worker(app):
    """A second connection that holds a record's row lock, as a worker in the middle of its transaction does."""
    connection = db.engine.connect()

    class Holder:
        def hold(self, record_id):
            connection.begin()
            connection.execute(text("SELECT id FROM records WHERE id = :id FOR UPDATE"), {"id": record_id})

        def release(self):
            connection.rollback()

    yield Holder()
    connection.close()


def without_waiting(app, work):
    """What `work()` returns when run as another worker would (its own session), failing if it is still
    waiting on a lock after a few seconds instead of passing the held record over."""
    result = []

    def other():
        with app.app_context():
            try:
                result.append(work())
            finally:
                db.session.remove()

    thread = threading.Thread(target=other, daemon=True)
    thread.start()
    thread.join(10)
    assert result, "the worker waited for the held record instead of passing it over"
    return result[0]


def pending_events(record_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Event.changes).where(
        Event.record_id == record_id, Event.actor == "tester", Event.processed_at.is_(None)).order_by(Event.id)).all()


def test_events_of_a_held_record_wait_for_a_later_pass_and_are_then_enrolled_in_order(app, clock, other_worker):
    workflow = publish(trigger("record_updated", "deal"), node("tag", "update_record", add_tags=["seen"]),
                       chain=True, reenroll=True)
    held, free = create("deal", fields={"name": "Held"}), create("deal", fields={"name": "Free"})
    change(held, fields={"amount": 1})
    change(held, fields={"amount": 2})
    change(free, fields={"amount": 3})
    db.session.execute(db.update(Event).where(Event.event == "created").values(processed_at=clock.now()))
    db.session.commit()
    other_worker.hold(held.id)

    without_waiting(app, lambda: worker.engine_pass(clock))

    assert [changes["amount"]["new"] for changes in pending_events(held.id)] == [1, 2]
    assert pending_events(free.id) == []
    assert [run.record_id for run in runs_of(workflow)] == [free.id]

    other_worker.release()
    worker.engine_pass(clock)
    assert pending_events(held.id) == []
    held_runs = [run for run in runs_of(workflow) if run.record_id == held.id]
    assert [run.trigger["changes"]["amount"]["new"] for run in held_runs] == [1, 2]


def test_a_ready_run_of_a_held_record_is_left_for_a_later_pass(app, clock, other_worker):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT1M"),
                       node("tag", "update_record", add_tags=["woke"]), chain=True)
    deal = create("deal", fields={"name": "Deal"})
    worker.drain(clock)
    clock.advance(timedelta(minutes=2))
    other_worker.hold(deal.id)

    assert without_waiting(app, lambda: worker.timers_pass(clock)) == 0
    assert runs_of(workflow)[0].status == "waiting"

    other_worker.release()
    assert worker.timers_pass(clock) == 1
    assert runs_of(workflow)[0].status == "completed"
