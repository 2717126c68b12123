"""Builders for engine tests: publish workflows, change records, drive the engine by hand, read runs.

Tests import what they need (fixtures included: pytest finds fixtures imported into a test module).
"""
import threading
from datetime import datetime, timezone

import pytest

from store import versions
from store.db import db
from builder.graph import read_graph
from store.models import Workflow
from crm import records
from engine import interpreter, worker
from engine.clock import ManualClock
from engine.context import use_clock
from crm.models import Notification, ObjectType, Record
from engine.models import Enrollment, Message, Run, Step
from crm.people import find_user
from tests.builder.factories import edge, node  # noqa: F401  (re-exported for the tests)

START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(app):
    """A ManualClock the engine and the API both use."""
    manual = ManualClock(START)
    use_clock(app, manual)
    return manual


def trigger(type_="record_created", object_="deal", node_id="start", **config):
    return node(node_id, type_, object=object_, **config)


def publish(*nodes, edges=(), name="Test workflow", owner="eddie", reenroll=False, exit_when=None,
            chain=False, business_hours=None, timezone="UTC") -> Workflow:
    """Create and publish a workflow; `chain=True` wires the nodes one after the other through 'next'/'true'."""
    if chain:
        edges = [edge(a["id"], b["id"], "true" if a["kind"] == "condition" else "next")
                 for a, b in zip(nodes, nodes[1:])]
    workflow = Workflow(name=name, graph=read_graph({"nodes": list(nodes), "edges": list(edges)}),
                        owner_id=find_user(owner).id, timezone=timezone,
                        settings={"reenroll": reenroll, "exit_when": exit_when,
                                  **({"business_hours": business_hours} if business_hours else {})})
    db.session.add(workflow)
    db.session.flush()
    objects = {kind.name: kind.spec() for kind in db.session.scalars(db.select(ObjectType))}
    version, problems = versions.publish(workflow, objects, owner)
    assert version is not None, problems
    db.session.commit()
    return workflow


def republish(workflow: Workflow, graph: dict) -> None:
    workflow.graph = read_graph(graph)
    objects = {kind.name: kind.spec() for kind in db.session.scalars(db.select(ObjectType))}
    version, problems = versions.publish(workflow, objects, "eddie")
    assert version is not None, problems
    db.session.commit()


def create(object_name="deal", actor="tester", **data) -> Record:
    record = records.create(object_name, data, records.Cause(actor=actor))
    db.session.commit()
    return record


def change(record: Record, **data) -> dict:
    changes = records.update(record, data, records.Cause(actor="tester"))
    db.session.commit()
    return changes


def drain(clock) -> int:
    return worker.drain(clock)


def runs_of(workflow: Workflow) -> list:
    db.session.expire_all()
    return db.session.scalars(db.select(Run).where(Run.workflow_id == workflow.id).order_by(Run.id)).all()


def only_run(workflow: Workflow) -> Run:
    found = runs_of(workflow)
    assert len(found) == 1, [(r.id, r.status, r.reason) for r in found]
    return found[0]


def steps_of(run: Run) -> dict:
    """node id -> its last step."""
    rows = db.session.scalars(db.select(Step).where(Step.run_id == run.id).order_by(Step.id)).all()
    return {step.node_id: step for step in rows}


def messages_of(run: Run) -> list:
    return db.session.scalars(db.select(Message).where(Message.run_id == run.id).order_by(Message.created_at)).all()


def refusals_of(workflow: Workflow) -> list:
    """Its enrollments that started no run (refused or filtered out)."""
    return db.session.scalars(db.select(Enrollment).where(Enrollment.workflow_id == workflow.id,
                                                          Enrollment.kind != "enrolled")
                              .order_by(Enrollment.id)).all()


def enrollments_of(workflow: Workflow) -> list:
    return db.session.scalars(db.select(Enrollment).where(Enrollment.workflow_id == workflow.id)
                              .order_by(Enrollment.id)).all()


def notifications_for(username: str) -> list:
    return db.session.scalars(db.select(Notification).where(Notification.user_id == find_user(username).id)
                              .order_by(Notification.id)).all()


def break_run(monkeypatch, run_id: int) -> None:
    """Every advance of that one run raises, as a bug in a step would; other runs move as usual."""
    go = interpreter._Walk.go

    def breaks_one(walk):
        if walk.run.id == run_id:
            raise ZeroDivisionError("division by zero")
        return go(walk)

    monkeypatch.setattr(interpreter._Walk, "go", breaks_one)


def in_threads(app, count, work):
    """`work()` in `count` threads at once, each with its own app context (own session and transaction)."""
    start, results, errors = threading.Barrier(count), [], []

    def one():
        with app.app_context():
            try:
                start.wait()
                results.append(work())
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results
