"""Time-based triggers: date_reached, inactive_for and schedule (cron), each occurrence once.

A sweep looks at every active workflow with such a trigger, works out which occurrences are due
(engine.schedules), and starts a run for each one whose TriggerFire row it manages to insert: the
unique (workflow, record, occurrence) key makes each fire once across any number of workers.
"""
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store.db import db
from store.models import TriggerIndex
from engine import lifecycle
from engine.clock import SYSTEM_CLOCK
from engine.conditions import evaluate
from engine.context import record_view
from crm.models import ObjectType
from engine.models import TriggerFire
from engine.node_executors import OCCURS, TIME_EVENTS
from engine.specs import spec_of
from engine.waits import WaitConfigError

log = logging.getLogger(__name__)


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
    """(record, occurrence key, due time) for occurrences in (armed_at, until] that pass the trigger's filter."""
    trigger = spec.trigger
    config = trigger["config"]
    occur = OCCURS[("trigger", trigger["type"])]
    fields = None
    for record, key, due in occur(spec, config, armed_at, until):
        if record is None:
            yield record, key, due
            continue
        if fields is None:
            kind = db.session.get(ObjectType, config.get("object"))
            fields = (kind.fields or {}) if kind else {}
        if evaluate(config.get("filter"), record_view(record), {"event": "time", "changes": {}}, fields, now=due):
            yield record, key, due


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
