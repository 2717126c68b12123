"""Time-based triggers: date_reached, inactive_for and schedule (cron), each occurrence once.

A sweep looks at every active workflow with such a trigger, works out which occurrences are due
(engine.schedules), and starts a run for each one whose TriggerFire row it manages to insert: the
unique (workflow, record, occurrence) key makes each fire once across any number of workers.
"""
import logging
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from store.db import db
from store.models import TriggerIndex
from engine import lifecycle
from engine.clock import SYSTEM_CLOCK
from engine.conditions import evaluate
from engine.context import record_view
from crm.models import Event, ObjectType, Record
from engine.models import TriggerFire
from engine.schedules import cron_fires, date_occurrence, idle_since
from engine.specs import spec_of
from engine.waits import WaitConfigError

log = logging.getLogger(__name__)
TIME_EVENTS = ("time", "schedule")


def fire_due(clock=SYSTEM_CLOCK) -> int:
    """Start a run for every due, not yet fired occurrence; returns how many runs started."""
    now, started = clock.now(), 0
    for entry in _time_triggers():
        spec = spec_of(entry.version_id)
        try:
            for record, occurrence, due in _due(spec, entry.armed_at, now):
                started += _fire(spec, record, occurrence, due, clock)
        except WaitConfigError as exc:
            log.warning("workflow %s: time trigger skipped: %s", spec.workflow_id, exc)
            db.session.rollback()
    return started


def upcoming(until: datetime, clock=SYSTEM_CLOCK) -> list[datetime]:
    """Due times of time-based triggers up to `until`, for the alarm to wake at."""
    now, times = clock.now(), []
    for entry in _time_triggers():
        spec = spec_of(entry.version_id)
        try:
            times += [due for _, _, due in _due(spec, entry.armed_at, until) if due > now]
        except WaitConfigError:
            continue
    db.session.commit()
    return sorted(set(times))


def _time_triggers() -> list:
    rows = db.session.execute(select(TriggerIndex.workflow_id, TriggerIndex.version_id, TriggerIndex.armed_at)
                              .where(TriggerIndex.event.in_(TIME_EVENTS))).all()
    db.session.commit()
    return rows


def _due(spec, armed_at: datetime, until: datetime):
    """(record, occurrence key, due time) for occurrences in (armed_at, until]."""
    trigger, tz = spec.trigger, spec.timezone
    config = trigger["config"]
    if trigger["type"] == "schedule":
        last = db.session.scalar(select(func.max(TriggerFire.due_at)).where(
            TriggerFire.workflow_id == spec.workflow_id, TriggerFire.record_id == 0))
        for due in cron_fires(config.get("cron", ""), tz, max(armed_at, last or armed_at), until):
            yield None, f"cron@{due.isoformat()}", due
        return
    kind = db.session.get(ObjectType, config.get("object"))
    fields = (kind.fields or {}) if kind else {}
    active = _last_outside_change(spec.workflow_id, config.get("object")) if trigger["type"] == "inactive_for" else {}
    for record in _candidates(trigger, config):
        if trigger["type"] == "date_reached":
            due = date_occurrence((record.fields or {}).get(config.get("field")), config.get("offset"),
                                  config.get("at"), tz)
            if due is None or not armed_at < due <= until:
                continue
            key = f"date@{due.isoformat()}"
        else:
            since = active.get(record.id, record.created_at)
            due = idle_since(since, config.get("duration") or "P7D")
            if due > until:
                continue
            key = f"idle@{since.isoformat()}"
        if evaluate(config.get("filter"), record_view(record), {"event": "time", "changes": {}}, fields,
                    now=due):
            yield record, key, due


def _last_outside_change(workflow_id: int, object_name: str) -> dict:
    """record id -> when it last changed by anything but this workflow's own runs.

    The workflow's own actions (tagging the idle deal, say) must not start a new idle spell, or it would
    fire again and again for a record nobody touches.
    """
    rows = db.session.execute(
        select(Event.record_id, func.max(Event.created_at)).where(
            Event.object == object_name, Event.event.in_(("created", "updated")),
            or_(Event.origin_workflow_id.is_(None), Event.origin_workflow_id != workflow_id))
        .group_by(Event.record_id))
    return {record_id: at for record_id, at in rows}


def _candidates(trigger: dict, config: dict):
    query = select(Record).where(Record.object == config.get("object"))
    if trigger["type"] == "inactive_for" and config.get("stages"):
        query = query.where(Record.stage.in_(config["stages"]))
    return db.session.scalars(query.order_by(Record.id)).all()


def _fire(spec, record, occurrence: str, due: datetime, clock) -> int:
    """Claim the occurrence and start its run in one transaction; 0 when it already fired."""
    record_id = record.id if record is not None else 0
    try:
        with db.session.begin_nested():
            db.session.add(TriggerFire(workflow_id=spec.workflow_id, record_id=record_id, occurrence=occurrence,
                                       due_at=due, fired_at=clock.now()))
    except IntegrityError:
        db.session.rollback()
        return 0
    refused = lifecycle.refusal(spec, live_runs=lifecycle.live_runs(record.id) if record is not None else ())
    if refused:
        lifecycle.refuse(spec, refused, record_id=record.id if record is not None else None, clock=clock)
    else:
        lifecycle.start(spec, record=record, trigger={"event": "time", "changes": {}, "occurrence": occurrence},
                        payload={"due_at": due.isoformat()} if record is None else None, clock=clock)
    db.session.commit()
    return 0 if refused else 1
