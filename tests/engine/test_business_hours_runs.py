"""Business hours in runs: an action set to run only within them waits for the next opening (a durable timer,
the engine's clock), a delay and a wait for event's timeout can count business time. START is Wednesday
2026-11-25 09:00 UTC."""
from datetime import datetime, timedelta, timezone

from crm.models import Record
from engine.models import Step
from store.db import db
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import create, drain, edge, messages_of, node, only_run, publish, steps_of, trigger

JAKARTA_OFFICE = {"days": {d: [["10:00", "12:00"], ["13:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                  "holidays": ["2026-11-27"]}


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def jakarta(*args):  # UTC+7, no DST
    return utc(*args) - timedelta(hours=7)


def mail_in_hours():
    return node("mail", "send_email", to="a@example.com", subject="Hi {{ record.fields.name }}", body="b",
                business_hours_only=True)


def test_an_action_outside_business_hours_waits_for_the_opening_then_runs_once(app, clock):
    clock.set(jakarta(2026, 11, 25, 12, 30))  # Wednesday lunch break
    workflow = publish(trigger(), mail_in_hours(), chain=True, business_hours=JAKARTA_OFFICE,
                       timezone="Asia/Jakarta")
    create(fields={"name": "Acme"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "waiting" and messages_of(run) == []
    assert run.nodes["mail"]["reason"] == "outside business hours, until 2026-11-25T13:00:00+07:00"
    assert run.wake_at == jakarta(2026, 11, 25, 13)
    clock.set(jakarta(2026, 11, 25, 12, 59))
    drain(clock)
    assert messages_of(only_run(workflow)) == []
    clock.set(jakarta(2026, 11, 25, 13))
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and [m.subject for m in messages_of(run)] == ["Hi Acme"]
    steps = db.session.scalars(db.select(Step).where(Step.run_id == run.id, Step.node_id == "mail")).all()
    assert len(steps) == 1 and steps[0].status == "done" and steps[0].input["subject"] == "Hi Acme"
    assert run.nodes["mail"]["count"] == 1
    clock.advance(timedelta(days=3))
    drain(clock)
    assert len(messages_of(only_run(workflow))) == 1


def test_a_weekend_and_a_holiday_push_it_to_monday(app, clock):
    clock.set(jakarta(2026, 11, 26, 17, 30))  # Thursday after hours; Friday is a holiday
    workflow = publish(trigger(), mail_in_hours(), chain=True, business_hours=JAKARTA_OFFICE,
                       timezone="Asia/Jakarta")
    create(fields={"name": "Acme"})
    drain(clock)
    assert only_run(workflow).wake_at == jakarta(2026, 11, 30, 10)


def test_inside_business_hours_it_runs_at_once(app, clock):
    clock.set(jakarta(2026, 11, 25, 10, 15))
    workflow = publish(trigger(), mail_in_hours(), chain=True, business_hours=JAKARTA_OFFICE,
                       timezone="Asia/Jakarta")
    create(fields={"name": "Acme"})
    drain(clock)
    assert only_run(workflow).status == "completed"


def test_a_delay_counts_business_hours_and_business_days(app, clock):
    clock.set(jakarta(2026, 11, 25, 16))  # Wednesday 16:00
    workflow = publish(trigger(), node("hours", "delay", duration="PT3H", business_time=True),
                       node("days", "delay", duration="P2D", business_time=True),
                       node("tag", "update_record", add_tags=["done"]), chain=True,
                       business_hours=JAKARTA_OFFICE, timezone="Asia/Jakarta")
    deal = create(fields={"name": "Acme"})
    drain(clock)
    # 1 h on Wednesday, 2 on Thursday from 10:00: 12:00 is the lunch closing, so the wait ends when it reopens.
    assert only_run(workflow).wake_at == jakarta(2026, 11, 26, 13)
    clock.set(jakarta(2026, 11, 26, 13))
    drain(clock)
    assert only_run(workflow).wake_at == jakarta(2026, 12, 1, 13)  # Friday is a holiday: Monday, Tuesday
    clock.set(jakarta(2026, 12, 1, 13))
    drain(clock)
    db.session.expire_all()
    assert db.session.get(Record, deal.id).tags == ["done"]
    assert steps_of(only_run(workflow))["days"].status == "done"


def test_a_wait_for_event_times_out_after_business_days(app, clock):
    clock.set(jakarta(2026, 11, 25, 16))  # Wednesday 16:00
    workflow = publish(trigger(), node("wait", "wait_event", event="stage_entered", stage="won", timeout="P2D",
                                       business_time=True),
                       node("late", "update_record", add_tags=["late"]),
                       edges=[edge("start", "wait"), edge("wait", "late", "timeout")],
                       business_hours=JAKARTA_OFFICE, timezone="Asia/Jakarta")
    deal = create(fields={"name": "Acme"}, pipeline="sales", stage="new")
    drain(clock)
    # Thursday is one business day, Friday a holiday, the weekend closed: Monday 16:00 is the second.
    assert only_run(workflow).wake_at == jakarta(2026, 11, 30, 16)
    assert only_run(workflow).nodes["wait"]["reason"] == \
        "for stage won, at most until 2026-11-30T16:00:00+07:00"
    clock.set(jakarta(2026, 11, 30, 15, 59))
    drain(clock)
    assert only_run(workflow).status == "waiting"
    clock.set(jakarta(2026, 11, 30, 16))
    drain(clock)
    db.session.expire_all()
    assert db.session.get(Record, deal.id).tags == ["late"] and only_run(workflow).status == "completed"
