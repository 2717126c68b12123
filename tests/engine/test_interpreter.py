"""The interpreter: tokens, parallel branches, waits, pinned versions, failures, one transaction per advance."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from store import versions
from store.db import db
from engine import interpreter, lifecycle
from crm.models import Event, Record
from engine.models import Message
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import (START, change, create, drain, edge, node, notifications_for, only_run, publish,
                                republish, runs_of, steps_of, trigger)


def tag(name, node_id=None):
    return node(node_id or name, "update_record", add_tags=[name])


def test_an_action_with_two_edges_forks_and_the_run_ends_with_its_last_token(app, clock):
    workflow = publish(trigger(), tag("a"), tag("b"), node("wait", "delay", duration="PT1H"), tag("c"),
                       edges=[edge("start", "a"), edge("start", "b"), edge("a", "wait"), edge("wait", "c")])
    record = create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "waiting"
    assert {n: s["status"] for n, s in run.nodes.items()} == {"start": "done", "a": "done", "b": "done",
                                                               "wait": "waiting"}
    assert run.nodes["wait"]["until"] == (START + timedelta(hours=1)).isoformat()
    assert run.wake_at == START + timedelta(hours=1)
    clock.advance(timedelta(minutes=59))
    drain(clock)
    assert only_run(workflow).status == "waiting"
    clock.advance(timedelta(minutes=1))
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.tokens, run.wake_at) == ("completed", [], None)
    assert steps_of(run)["wait"].status == "done" and steps_of(run)["wait"].finished_at == START + timedelta(hours=1)
    assert db.session.get(Record, record.id).tags == ["a", "b", "c"]


def test_a_condition_sees_the_record_as_it_is_at_that_step(app, clock):
    workflow = publish(trigger(), node("raise", "update_record", fields={"amount": 5000}),
                       node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 1000}]),
                       tag("big-now"), chain=True)
    record = create(fields={"name": "x", "amount": 1})
    drain(clock)
    assert only_run(workflow).nodes["big"]["status"] == "done"
    assert db.session.get(Record, record.id).tags == ["big-now"]


def test_runs_keep_the_version_they_started_on(app, clock):
    graph = {"nodes": [trigger(), node("wait", "delay", duration="PT1H"), tag("v1", "tag")],
             "edges": [edge("start", "wait"), edge("wait", "tag")]}
    workflow = publish(*graph["nodes"], edges=graph["edges"])
    old = create(fields={"name": "old"})
    drain(clock)
    graph["nodes"][2] = tag("v2", "tag")
    republish(workflow, graph)
    new = create(fields={"name": "new"})
    drain(clock)
    clock.advance(timedelta(hours=2))
    drain(clock)
    assert [(run.version, run.status) for run in runs_of(workflow)] == [(1, "completed"), (2, "completed")]
    assert db.session.get(Record, old.id).tags == ["v1"]
    assert db.session.get(Record, new.id).tags == ["v2"]


def test_a_template_error_fails_the_step_readably_and_tells_the_owner(app, clock):
    mail = node("mail", "send_email", label="Mail the rep", to="rep@example.com", subject="{{ 100 / record.fields.amount }}")
    workflow = publish(trigger(), mail, tag("after"), chain=True)
    create(fields={"name": "x", "amount": 0})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "failed"
    assert run.reason == "Mail the rep: The template failed: division by zero"
    assert run.nodes["mail"]["status"] == "failed" and run.nodes["mail"]["error"] == \
        "The template failed: division by zero"
    assert run.tokens == [{"node": "mail", "state": "failed", "attempt": 1}]
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
    [note] = notifications_for("eddie")
    assert note.run_id == run.id and "division by zero" in note.message and note.link == f"/runs/{run.id}"


def test_a_failure_takes_the_error_port_when_it_is_wired(app, clock):
    mail = node("mail", "send_email", to="{{ 1 / 0 }}", subject="s")
    workflow = publish(trigger(), mail, tag("mail-failed", "oops"), edges=[edge("start", "mail"),
                                                                        edge("mail", "oops", "error")])
    record = create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and run.nodes["mail"]["status"] == "failed"
    assert db.session.get(Record, record.id).tags == ["mail-failed"]
    assert notifications_for("eddie") == []


def test_retry_takes_a_failed_run_up_again_at_its_failed_step(app, clock):
    workflow = publish(trigger(), node("mail", "send_email", to="a@example.com",
                                       subject="{{ 100 / record.fields.amount }}"), tag("sent"), chain=True)
    record = create(fields={"name": "x", "amount": 0})
    drain(clock)
    run = only_run(workflow)
    change(record, fields={"amount": 4})
    lifecycle.retry(run.id, clock)
    db.session.commit()
    run = only_run(workflow)
    assert (run.status, run.reason) == ("completed", None)
    assert steps_of(run)["mail"].attempt == 2 and steps_of(run)["mail"].input["subject"] == "25.0"
    with pytest.raises(lifecycle.RunRefused):
        lifecycle.retry(run.id, clock)


def test_cancel_ends_a_live_run_and_drops_its_undelivered_messages(app, clock):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # never reached: the sender does not run before the cancel
    workflow = publish(trigger(), node("mail", "send_email", to="a@example.com", subject="s"), tag("after"),
                       chain=True)
    create(fields={"name": "x"})
    from engine import enrollment
    enrollment.enroll_pending(clock=clock)
    run = only_run(workflow)
    assert run.status == "waiting" and run.tokens[0]["message_id"]
    lifecycle.cancel_by_id(run.id, "cancelled by test", clock)
    db.session.commit()
    run = only_run(workflow)
    assert (run.status, run.reason, run.nodes["mail"]["status"]) == ("cancelled", "cancelled by test", "cancelled")
    [message] = db.session.scalars(db.select(Message)).all()
    assert message.status == "failed" and "cancelled" in message.error
    with pytest.raises(lifecycle.RunRefused):
        lifecycle.cancel_by_id(run.id, "again", clock)


def test_an_advance_is_one_transaction(app, clock, monkeypatch):
    """A crash after the steps ran but before the commit leaves no trace; the event is taken again."""
    workflow = publish(trigger(), node("task", "create_task", title="Call"), tag("done"), chain=True)
    record = create(fields={"name": "x"})

    def crash(self):
        raise OperationalError("COMMIT", {}, Exception("the process died here"))

    monkeypatch.setattr(interpreter._Walk, "save", crash)
    with pytest.raises(OperationalError):
        drain(clock)
    assert runs_of(workflow) == []
    assert db.session.scalars(db.select(Record).where(Record.object == "task")).all() == []
    assert db.session.get(Record, record.id).tags == []
    assert db.session.scalar(db.select(db.func.count()).where(Event.processed_at.is_(None))) == 1
    monkeypatch.undo()
    drain(clock)
    assert only_run(workflow).status == "completed"
    assert len(db.session.scalars(db.select(Record).where(Record.object == "task")).all()) == 1


def test_a_step_that_raises_fails_its_run_instead_of_the_engine(app, clock, monkeypatch):
    from engine.actions import records as update_action

    monkeypatch.setattr(update_action, "planned_change", lambda *a: 1 / 0)
    workflow = publish(trigger(), tag("x"), chain=True)
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "failed"
    assert run.nodes["x"]["error"] == "internal error in this step: ZeroDivisionError: division by zero"


def test_a_version_is_read_and_indexed_once_and_the_least_recently_used_leaves_first(app, monkeypatch):
    from engine import specs

    monkeypatch.setattr(specs, "MAX_SPECS", 2)
    ids = [versions.latest_version(publish(trigger("record_created", "deal"), tag(name), chain=True, name=name)).id
           for name in ("one", "two", "three")]
    first, second = specs.spec_of(ids[0]), specs.spec_of(ids[1])
    assert specs.spec_of(ids[0]) is first and first.graph.network.has_edge("start", "one")
    specs.spec_of(ids[2])  # the second, used least recently, leaves
    assert specs.spec_of(ids[0]) is first and specs.spec_of(ids[1]) is not second
    assert specs.spec_of(ids[1]).name == "two"
