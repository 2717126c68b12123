"""Two workers racing for the same due timers: each run resumes once, each time trigger fires once."""
from datetime import timedelta

from store.db import db
from store.models import TriggerIndex
from engine import time_triggers, worker
from engine.models import Step, TriggerFire
from tests.engine.flows import START, clock, create, drain, in_threads, node, publish, runs_of, trigger  # noqa: F401


def test_two_workers_resume_each_parked_run_once(app, clock):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT5M"),
                       node("tag", "update_record", add_tags=["woke"]), chain=True)
    for i in range(30):
        create("deal", fields={"name": f"Deal {i}"})
    drain(clock)
    clock.advance(timedelta(minutes=6))
    in_threads(app, 2, lambda: worker.timers_pass(clock))
    drain(clock)
    runs = runs_of(workflow)
    assert len(runs) == 30 and {r.status for r in runs} == {"completed"}
    tag_steps = db.session.scalar(db.select(db.func.count(Step.id)).where(Step.node_id == "tag"))
    assert tag_steps == 30


def test_two_workers_fire_a_date_trigger_once(app, clock):
    workflow = publish(trigger("date_reached", "order", field="estimated_delivery", offset="-P1D", at="09:00"),
                       node("tag", "update_record", add_tags=["reminded"]), chain=True)
    db.session.execute(db.update(TriggerIndex).values(armed_at=START - timedelta(days=1)))
    db.session.commit()
    for i in range(10):
        create("order", fields={"number": f"SO-{i}", "estimated_delivery": "2026-11-27"})
    clock.set(START + timedelta(days=1))
    in_threads(app, 2, lambda: time_triggers.fire_due(clock))
    assert len(runs_of(workflow)) == 10
    assert db.session.scalar(db.select(db.func.count(TriggerFire.id))) == 10
