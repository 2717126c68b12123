"""When each time trigger is due: ``(record or None, occurrence key, due time)`` in (armed_at, until].

engine.time_triggers claims each occurrence once and judges the record by the trigger's filter at its due time:
a run starts, or the enrollment history says which rule turned it away.
"""
from sqlalchemy import func, or_, select

from store.db import db
from crm.models import Event, Record
from engine.models import TriggerFire
from engine.node_executors import occurs
from engine.schedules import cron_fires, date_occurrence, idle_since


@occurs("schedule")
def _cron_fire_times(spec, config, armed_at, until):
    last = db.session.scalar(select(func.max(TriggerFire.due_at)).where(
        TriggerFire.workflow_id == spec.workflow_id, TriggerFire.record_id == 0))
    for due in cron_fires(config.get("cron", ""), spec.timezone, max(armed_at, last or armed_at), until):
        yield None, f"cron@{due.isoformat()}", due


@occurs("date_reached")
def _record_dates(spec, config, armed_at, until):
    for record in _records(config):
        due = date_occurrence((record.fields or {}).get(config.get("field")), config.get("offset"),
                              config.get("at"), spec.timezone)
        if due is not None and armed_at < due <= until:
            yield record, f"date@{due.isoformat()}", due


@occurs("inactive_for")
def _idle_records(spec, config, armed_at, until):
    active = _last_outside_change(spec.workflow_id, config.get("object"))
    query = select(Record).where(Record.object == config.get("object"))
    if config.get("stages"):
        query = query.where(Record.stage.in_(config["stages"]))
    for record in db.session.scalars(query.order_by(Record.id)).all():
        since = active.get(record.id, record.created_at)
        due = idle_since(since, config.get("duration") or "P7D")
        if due <= until:
            yield record, f"idle@{since.isoformat()}", due


def _records(config: dict) -> list:
    return db.session.scalars(select(Record).where(Record.object == config.get("object")).order_by(Record.id)).all()


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
