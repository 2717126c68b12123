"""Time-based triggers: date_reached, inactive_for and schedule (cron), each occurrence once.

A sweep looks at every active workflow with such a trigger, works out which occurrences are due
(engine.schedules), and decides each one whose TriggerFire row it manages to insert: the unique (workflow,
record, occurrence) key makes each fire once across any number of workers. Deciding means judging the record
by the trigger's filter at the due time: a run starts (``enrolled``), or the enrollment history keeps the rule
that said no (``filtered``). Either way the occurrence is spent, so a record the filter refuses is recorded once
per occurrence, not at every sweep, and does not fire late when it is edited to pass after its time.
"""
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store.db import db
from store.models import TriggerIndex
from engine import lifecycle
from engine.clock import SYSTEM_CLOCK
from engine.conditions import explain
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
            fields, decided = _fields_of(spec), _decided(spec.workflow_id)
            for record, occurrence, due in _due(spec, entry.armed_at, now):
                if (record.id if record is not None else 0, occurrence) not in decided:
                    started += _fire(spec, record, occurrence, due, fields, clock)
            db.session.commit()
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
    """(record, occurrence key, due time) for the trigger's occurrences in (armed_at, until]."""
    trigger = spec.trigger
    return OCCURS[("trigger", trigger["type"])](spec, trigger["config"], armed_at, until)


def _decided(workflow_id: int) -> set:
    """(record id, occurrence) of the workflow's occurrences already claimed: a sweep skips them rather than try
    each claim again (a failed insert costs a rollback). One racing in after this read still fails its claim."""
    return set(db.session.execute(select(TriggerFire.record_id, TriggerFire.occurrence)
                                  .where(TriggerFire.workflow_id == workflow_id)).all())


def _fields_of(spec) -> dict:
    """The field specs of the trigger's object; none for a schedule, which has no object."""
    name = spec.trigger["config"].get("object")
    kind = db.session.get(ObjectType, name) if name else None
    return (kind.fields or {}) if kind else {}


def _filtered_out(spec, record, due: datetime, fields: dict) -> str | None:
    """The rule of the trigger's filter that turns `record` away at `due`, in words; None when it passes."""
    verdict = explain(spec.trigger["config"].get("filter"), record_view(record), {"event": "time", "changes": {}},
                      fields, now=due)
    return None if verdict.passed else f"filter not met: {verdict.reason}"


def _fire(spec, record, occurrence: str, due: datetime, fields: dict, clock) -> int:
    """Claim the occurrence and start its run (or record why not) in one transaction; 0 when no run started."""
    record_id = record.id if record is not None else 0
    try:
        with db.session.begin_nested():
            db.session.add(TriggerFire(workflow_id=spec.workflow_id, record_id=record_id, occurrence=occurrence,
                                       due_at=due, fired_at=clock.now()))
    except IntegrityError:
        db.session.rollback()
        return 0
    filtered = _filtered_out(spec, record, due, fields) if record is not None else None
    refused = filtered or lifecycle.refusal(spec, live_runs=lifecycle.live_runs(record.id) if record else ())
    if refused:
        lifecycle.refuse(spec, refused, record_id=record.id if record is not None else None, clock=clock,
                         kind="filtered" if filtered else "refused")
        return 0  # committed with the next start or at the end of the sweep: claim and row together, or neither
    lifecycle.start(spec, record=record, trigger={"event": "time", "changes": {}, "occurrence": occurrence},
                    payload={"due_at": due.isoformat()} if record is None else None, clock=clock)
    db.session.commit()
    return 1
