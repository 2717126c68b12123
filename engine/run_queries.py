"""The run lists and counts people read, one query each, so the JSON API and the pages never disagree."""
from dataclasses import dataclass
from datetime import datetime

from engine.models import Enrollment, Run, Step
from engine.models.runs import LIVE
from engine.specs import spec_of
from store.db import db

STATUSES = ("running", "waiting", "completed", "failed", "cancelled")
NOT_REACHED = {"status": "not_reached", "reason": None, "until": None, "error": None, "count": 0}


@dataclass(frozen=True)
class RunFilter:
    """Which runs a list shows; None leaves a filter out. `started_before` is exclusive."""

    workflow_id: int | None = None
    record_id: int | None = None
    status: str | None = None
    started_from: datetime | None = None
    started_before: datetime | None = None


def runs(which: RunFilter):
    """The runs `which` names, newest first (a select to count and page)."""
    query = db.select(Run).order_by(Run.id.desc())
    for name in ("workflow_id", "record_id", "status"):
        if getattr(which, name) is not None:
            query = query.where(getattr(Run, name) == getattr(which, name))
    if which.started_from is not None:
        query = query.where(Run.started_at >= which.started_from)
    if which.started_before is not None:
        query = query.where(Run.started_at < which.started_before)
    return query


def refusals(workflow_id: int | None = None, record_id: int | None = None):
    """Enrollments that did not start a run, newest first."""
    query = db.select(Enrollment).where(Enrollment.kind != "enrolled").order_by(Enrollment.id.desc())
    if workflow_id is not None:
        query = query.where(Enrollment.workflow_id == workflow_id)
    if record_id is not None:
        query = query.where(Enrollment.record_id == record_id)
    return query


def count(query) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))


def page(query, number: int, size: int) -> list:
    """Rows of page `number` (from 1) of `size` rows."""
    return db.session.scalars(query.limit(size).offset((number - 1) * size)).all()


def steps_of(run_id: int) -> list[Step]:
    return db.session.scalars(db.select(Step).where(Step.run_id == run_id).order_by(Step.id)).all()


def run_data(run: Run, steps=None) -> dict:
    """A run as people read it: every node of its version with its status (`not_reached` included), and its
    steps when given."""
    spec = spec_of(run.version_id)
    reached = run.nodes or {}
    data = {name: getattr(run, name) for name in ("id", "workflow_id", "version", "record_id", "status", "reason",
                                                   "started_at", "finished_at", "wake_at", "trigger", "payload")}
    data["workflow_name"] = spec.name
    data["nodes"] = {node["id"]: {**NOT_REACHED, **reached.get(node["id"], {})} for node in spec.graph.nodes}
    if steps is not None:
        data["steps"] = [step.as_dict() for step in steps]
    return data


def started_counts(since: datetime) -> dict[int, int]:
    """Runs started at or after `since`, per workflow id."""
    return dict(db.session.execute(db.select(Run.workflow_id, db.func.count(Run.id))
                                   .where(Run.started_at >= since).group_by(Run.workflow_id)).all())


def live_on_older_versions(workflow_id: int, number: int) -> int:
    """Runs still going on versions before `number`; they finish on the version they started."""
    return db.session.scalar(db.select(db.func.count(Run.id)).where(
        Run.workflow_id == workflow_id, Run.status.in_(LIVE), Run.version < number))
