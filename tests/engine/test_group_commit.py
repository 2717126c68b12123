"""Events and ready runs are committed many to a transaction (engine.group_commit): one that fails is redone
alone while the others commit, a crash before the commit loses and doubles nothing, one record's events keep
their order."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from store.db import db
from engine import group_commit, lifecycle, worker
from engine.models import Run
from crm import records
from crm.models import Event, Record
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import (break_run, change, create, drain, edge, node, publish, refusals_of, runs_of,
                                steps_of, trigger)


class Died(BaseException):
    """The process dying mid-group: nothing in the engine catches it, so nothing after it runs."""


def pending_creations() -> int:
    """Records' `created` events not yet enrolled (the runs' own changes add `updated` events)."""
    db.session.commit()
    return db.session.scalar(db.select(db.func.count()).select_from(Event).where(
        Event.event == "created", Event.processed_at.is_(None)))


def tagger():
    return node("tag", "update_record", add_tags=["seen"])


def break_start(monkeypatch, record_id, error, times=None):
    """Make starting a run on `record_id` raise `error` (`times` times, or always)."""
    start, raised = lifecycle.start, []

    def start_unless(spec, **kwargs):
        if kwargs.get("record_id") == record_id and (times is None or len(raised) < times):
            raised.append(error)
            raise error
        return start(spec, **kwargs)

    monkeypatch.setattr(lifecycle, "start", start_unless)
    return raised


def test_an_event_that_cannot_be_enrolled_is_given_up_alone_and_the_rest_of_its_group_starts(app, clock, monkeypatch):
    workflow = publish(trigger(), tagger(), chain=True)
    deals = [create(fields={"name": f"deal {i}"}) for i in range(5)]
    break_start(monkeypatch, deals[2].id, ZeroDivisionError("division by zero"))

    assert worker.engine_pass(clock) == 5
    assert [run.record_id for run in runs_of(workflow)] == [d.id for i, d in enumerate(deals) if i != 2]
    assert {run.status for run in runs_of(workflow)} == {"completed"}
    [refusal] = refusals_of(workflow)
    assert (refusal.record_id, refusal.reason) == (
        deals[2].id, "internal error while enrolling: ZeroDivisionError: division by zero")
    assert pending_creations() == 0


@pytest.mark.parametrize("crash, times", [(Died(), 1), (OperationalError("UPDATE", {}, Exception("locked")), 2)],
                         ids=["the process dies", "a database error escapes when redone alone"])
def test_a_crash_before_the_group_commits_loses_and_doubles_no_event(app, clock, monkeypatch, crash, times):
    workflow = publish(trigger(), tagger(), chain=True)
    deals = [create(fields={"name": f"deal {i}"}) for i in range(5)]
    raised = break_start(monkeypatch, deals[3].id, crash, times=times)

    with pytest.raises(type(crash)):
        worker.engine_pass(clock)
    db.session.rollback()  # as the database does with the transaction of a connection that went away
    assert raised and pending_creations() >= 2  # at least the crashed event and the one after it

    drain(clock)
    assert sorted(run.record_id for run in runs_of(workflow)) == [d.id for d in deals]
    assert {run.status for run in runs_of(workflow)} == {"completed"} and pending_creations() == 0


def test_one_records_events_start_their_runs_in_order_also_when_one_is_redone_alone(app, clock, monkeypatch):
    workflow = publish(trigger("record_updated"), node("tell", "notify_user", user="eddie", message="changed"),
                       chain=True, reenroll=True)
    deal, other = create(fields={"name": "deal"}), create(fields={"name": "other"})
    for amount in range(1, 6):
        change(deal, fields={"amount": amount})
        change(other, fields={"amount": amount})
    calls, start = [], lifecycle.start

    def second_start_fails_once(spec, **kwargs):
        calls.append(kwargs["record_id"])
        if len(calls) == 3:  # the deal's second change, in the middle of the group
            raise ZeroDivisionError("division by zero")
        return start(spec, **kwargs)

    monkeypatch.setattr(lifecycle, "start", second_start_fails_once)
    drain(clock)
    runs = runs_of(workflow)
    for record in (deal, other):
        assert [run.trigger["changes"]["amount"]["new"] for run in runs if run.record_id == record.id] \
            == [1, 2, 3, 4, 5]
    assert refusals_of(workflow) == []


def test_one_broken_ready_run_among_runs_advanced_together_fails_alone(app, clock, monkeypatch):
    """Ready runs (as a delivered message or a retry leaves them) are advanced by the engine loop in groups."""
    workflow = publish(trigger(), node("wait", "delay", duration="PT1M"), tagger(), chain=True)
    for i in range(4):
        create(fields={"name": f"deal {i}"})
    drain(clock)
    broken_id = runs_of(workflow)[1].id
    break_run(monkeypatch, broken_id)
    clock.advance(timedelta(minutes=2))
    db.session.execute(db.update(Run).values(ready=True))
    db.session.commit()
    assert worker.engine_pass(clock) == 4
    assert [(run.status, run.reason) for run in runs_of(workflow)] == [
        ("completed", None), ("failed", "internal error: ZeroDivisionError: division by zero"),
        ("completed", None), ("completed", None)]


def test_a_task_done_and_a_change_of_its_record_enrolled_together_wake_both_waits(app, clock, api):
    """The group reads each record's live runs once; a task's event changes the runs of the record it is about,
    which the record's own event after it in the group must see."""
    workflow = publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}"),
                       node("task_wait", "wait_event", event="task_done", timeout="P3D"),
                       node("field_wait", "wait_event", event="field_changed", fields=["amount"], timeout="P3D"),
                       node("task_heard", "update_record", add_tags=["task heard"]),
                       node("field_heard", "update_record", add_tags=["field heard"]),
                       edges=[edge("start", "todo"), edge("todo", "task_wait"), edge("todo", "field_wait"),
                              edge("task_wait", "task_heard"), edge("field_wait", "field_heard")])
    deal = create(fields={"name": "Acme", "amount": 1})
    drain(clock)
    task = db.session.scalars(db.select(Record).where(Record.object == "task")).one()
    done = api.patch(f"/api/records/task/{task.id}", as_="editor", json={"fields": {"status": "Done"}})
    assert done.status_code == 200
    change(deal, fields={"amount": 2})  # both events are enrolled in one group

    drain(clock)
    [run] = runs_of(workflow)
    assert run.status == "completed"
    db.session.expire_all()
    assert db.session.get(Record, deal.id).tags == ["field heard", "task heard"]


def test_events_a_group_claimed_but_had_no_time_for_are_given_back_and_enrolled_later(app, clock, monkeypatch):
    """A group claims its events in one statement as it begins; one that runs out of time before the last of them
    gives the rest back rather than committing them as taken."""
    workflow = publish(trigger(), tagger(), chain=True)
    deals = [create(fields={"name": f"deal {i}"}) for i in range(5)]
    monkeypatch.setattr(group_commit, "GROUP_SECONDS", 0)  # every group takes one event, then its time is up

    drain(clock)
    assert sorted(run.record_id for run in runs_of(workflow)) == [d.id for d in deals]
    assert {run.status for run in runs_of(workflow)} == {"completed"} and pending_creations() == 0


def test_a_run_that_ended_earlier_in_the_group_is_not_read_as_live(app, clock):
    """A run's end is written at the group's commit; a read of the record's runs later in the group (here after a
    task's event, which makes each event read its runs itself) sees it ended, so re-enrollment (off) allows the
    record's next change to start a run."""
    workflow = publish(trigger("record_updated"), node("tell", "notify_user", user="eddie", message="changed"),
                       chain=True)
    publish(trigger("record_created", "task", node_id="go"), node("noted", "notify_user", user="eddie",
                                                                  message="a task"), chain=True, name="Tasks")
    deal = create(fields={"name": "deal"})
    drain(clock)
    change(deal, fields={"amount": 1})
    create("task", fields={"title": "Call"})
    change(deal, fields={"amount": 2})

    drain(clock)
    assert [(run.status, run.trigger["changes"]["amount"]["new"]) for run in runs_of(workflow)] == [
        ("completed", 1), ("completed", 2)]
    assert refusals_of(workflow) == []


def test_a_record_changed_earlier_in_the_group_is_read_again(app, clock, monkeypatch):
    """A group loads its records as it begins; a later event of a record changed in the group (here through a
    copy of its own, as a step that loads the record itself would) reads the record as it is now."""
    workflow = publish(trigger("record_updated"),
                       node("seen", "condition", match="all",
                            rules=[{"field": "tags", "op": "has_tag", "value": "seen"}]),
                       node("tell", "notify_user", user="eddie", message="tagged"), chain=True, reenroll=True)
    deal = create(fields={"name": "deal"})
    drain(clock)
    start = lifecycle.start

    def tag_on_first_start(spec, **kwargs):
        if kwargs["trigger"]["changes"].get("amount", {}).get("new") == 1:
            records.update(records.load(kwargs["record_id"]), {"tags": ["seen"]}, records.Cause(actor="tester"))
        return start(spec, **kwargs)

    monkeypatch.setattr(lifecycle, "start", tag_on_first_start)
    change(deal, fields={"amount": 1})
    change(deal, fields={"amount": 2})  # in the same group: its run must see the tag

    drain(clock)
    [second] = [run for run in runs_of(workflow) if run.trigger["changes"].get("amount", {}).get("new") == 2]
    assert second.status == "completed" and "tell" in steps_of(second)
