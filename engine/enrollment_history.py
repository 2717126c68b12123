"""A workflow's enrollment history: every event its trigger saw and what came of it (enrolled, filtered out by a
rule of its filter, refused by an enrollment rule), newest first; and forgetting old filter-outs.

The rows are written by engine.lifecycle in the transaction that decided the outcome.
"""
from datetime import timedelta

from sqlalchemy import delete, func, select

from store.db import db
from crm.models import Event
from engine.models import Enrollment

OUTCOMES = ("enrolled", "filtered", "refused")
# Filter-outs pile up (a filter says no to every update); runs and refusals are kept as long as the workflow.
KEEP_FILTERED = timedelta(days=30)


def history(workflow_id: int, *, outcome: str | None = None, page: int = 1, per_page: int = 50) -> dict:
    """`{"items", "total", "page", "per_page", "counts": {outcome: n}}`; an item is the enrollment row with
    `outcome` and the `event` it answered (`{id, object, event, actor, changed}`, or None for a manual, webhook
    or time start)."""
    where = [Enrollment.workflow_id == workflow_id]
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update(db.session.execute(select(Enrollment.kind, func.count(Enrollment.id)).where(*where)
                                     .group_by(Enrollment.kind)).all())
    if outcome:
        where.append(Enrollment.kind == outcome)
    rows = db.session.execute(
        select(Enrollment, Event.object, Event.event, Event.actor, Event.changes)
        .outerjoin(Event, Event.id == Enrollment.event_id).where(*where)
        .order_by(Enrollment.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    items = [{**row.Enrollment.as_dict(), "outcome": row.Enrollment.kind,
              "event": None if row.object is None else {
                  "id": row.Enrollment.event_id, "object": row.object, "event": row.event, "actor": row.actor,
                  "changed": sorted(row.changes or {})}}
             for row in rows]
    total = counts[outcome] if outcome else sum(counts.values())
    return {"items": items, "total": total, "page": page, "per_page": per_page, "counts": counts}


def prune_filtered(clock) -> int:
    """Delete filter-outs older than KEEP_FILTERED by `clock`; returns how many went."""
    gone = db.session.execute(delete(Enrollment).where(Enrollment.kind == "filtered",
                                                       Enrollment.created_at < clock.now() - KEEP_FILTERED)
                              .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return gone
