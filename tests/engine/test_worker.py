"""The worker loops: embedded on background threads, and what happens to work that keeps failing."""
import threading
import time
from datetime import timedelta

from store.db import db
from engine import interpreter, lifecycle, worker
from crm.models import Event, Record
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import break_run, create, drain, node, only_run, publish, refusals_of, runs_of, trigger


def test_the_embedded_engine_runs_on_background_threads_and_stops(app):
    workflow = publish(trigger(), node("tag", "update_record", add_tags=["seen"]), chain=True)
    engine = worker.start_embedded(app)
    try:
        record = create(fields={"name": "x"})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(Record, record.id).tags == ["seen"]:
                break
            time.sleep(0.05)
    finally:
        engine.stop()
    assert only_run(workflow).status == "completed"
    assert not any(thread.is_alive() for thread in engine.threads)


def test_an_event_that_cannot_be_enrolled_is_not_retried_forever(app, clock, monkeypatch):
    workflow = publish(trigger(), node("tag", "update_record", add_tags=["seen"]), chain=True)
    monkeypatch.setattr(lifecycle, "start", lambda *a, **k: 1 / 0)
    create(fields={"name": "x"})
    drain(clock)
    assert db.session.scalar(db.select(db.func.count()).where(Event.processed_at.is_(None))) == 0
    [refusal] = refusals_of(workflow)
    assert refusal.reason == "internal error while enrolling: ZeroDivisionError: division by zero"


def test_a_run_whose_advance_keeps_raising_is_failed(app, clock, monkeypatch):
    workflow = publish(trigger(), node("wait", "delay", duration="PT1M"), node("tag", "update_record",
                                                                             add_tags=["x"]), chain=True)
    create(fields={"name": "x"})
    drain(clock)
    monkeypatch.setattr(interpreter._Walk, "go", lambda self: 1 / 0)
    clock.advance(timedelta(minutes=2))
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.reason) == ("failed", "internal error: ZeroDivisionError: division by zero")


def test_a_database_error_is_reported_without_its_statement_and_parameters(app, clock, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    workflow = publish(trigger(), node("wait", "delay", duration="PT1M"), chain=True)
    create(fields={"name": "x"})
    drain(clock)

    def broken(self):
        raise IntegrityError("UPDATE records SET fields = ?", ({"secret": "s3cret-value"},),
                             Exception("constraint failed\nDETAIL: s3cret-value"))

    monkeypatch.setattr(interpreter._Walk, "go", broken)
    clock.advance(timedelta(minutes=2))
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.reason) == ("failed", "internal error: Exception: constraint failed")


def test_a_stopping_worker_ends_a_backlog_of_due_runs_after_the_batch_in_hand(app, clock):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT1M"),
                       node("tag", "update_record", add_tags=["woke"]), chain=True)
    for i in range(3):
        create("deal", fields={"name": f"Deal {i}"})
    drain(clock)
    clock.advance(timedelta(minutes=2))
    stop = threading.Event()
    stop.set()

    assert worker.timers_pass(clock, batch=1, stop=stop) == 1
    assert [run.status for run in runs_of(workflow)].count("waiting") == 2
    assert worker.timers_pass(clock, batch=1) == 2


def test_one_broken_run_among_runs_resumed_together_fails_alone(app, clock, monkeypatch):
    workflow = publish(trigger(), node("wait", "delay", duration="PT1M"), node("tag", "update_record",
                                                                             add_tags=["woke"]), chain=True)
    for i in range(3):
        create(fields={"name": f"Deal {i}"})
    drain(clock)
    broken_id = runs_of(workflow)[1].id
    break_run(monkeypatch, broken_id)
    clock.advance(timedelta(minutes=2))
    assert worker.timers_pass(clock) == 3
    assert [(run.status, run.reason) for run in runs_of(workflow)] == [
        ("completed", None), ("failed", "internal error: ZeroDivisionError: division by zero"), ("completed", None)]
    assert db.session.scalar(db.select(db.func.count()).select_from(Event).where(Event.origin_workflow_id == workflow.id)) == 2
