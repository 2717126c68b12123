"""Tasks made by the Create task step (or by hand): task records assigned to a person.

They share the inbox with human tasks (engine.tasks) but nothing waits on them: done means the record's
status is "Done", written like any other record change (its `updated` event included).
"""
from datetime import datetime

from sqlalchemy import or_, select

from store import audit
from store.db import db
from crm import records
from crm.models import Record, User
from engine.models import HumanTask

DONE = "Done"


def _status_filter(status: str):
    value = Record.fields["status"].as_string()
    if status == "open":
        return or_(value.is_(None), value != DONE)
    if status == "done":
        return value == DONE
    return None if status == "all" else False  # no task record is ever "cancelled"


def assigned_to(user: User, status: str = "open") -> list[Record]:
    """The user's task records (assignee field or owner), leaving out the ones that belong to a human task:
    those are listed as the human task itself."""
    bookkeeping = select(HumanTask.record_id).where(HumanTask.record_id.is_not(None))
    query = select(Record).where(Record.object == "task", Record.id.not_in(bookkeeping),
                                 or_(Record.fields["assignee"].as_string() == user.username,
                                     Record.owner_id == user.id))
    wanted = _status_filter(status)
    if wanted is False:
        return []
    if wanted is not None:
        query = query.where(wanted)
    return list(db.session.scalars(query))


def _when(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def as_inbox_row(record: Record, now) -> dict:
    """A task record in the shape of an inbox row (CONTRACT.md §5: the inbox holds both kinds)."""
    fields = record.fields or {}
    done = fields.get("status") == DONE
    due_at = _when(fields.get("due_at"))
    return {"kind": "task_record", "id": record.id, "record_id": record.id, "run_id": None, "node_id": None,
            "title": fields.get("title") or f"task #{record.id}", "details": fields.get("details"),
            "assignee": fields.get("assignee") or (record.owner.username if record.owner else None),
            "role": None, "claimed_by": None, "priority": fields.get("priority") or "normal", "outcomes": [],
            "status": "done" if done else "open", "task_status": fields.get("status"), "outcome": None,
            "due_at": due_at, "overdue": bool(not done and due_at and due_at < now),
            "created_at": record.created_at, "completed_at": None, "completed_by": None,
            "related_id": record.related_id}


class NotATask(LookupError):
    pass


def mark_done(record_id: int, cause: records.Cause) -> tuple[Record, bool]:
    """Set a task record's status to Done; returns the record and whether it changed (False: it already was).

    A human task's own record is refused (engine.task_rights) unless `cause.user` may decide that task."""
    record = db.session.get(Record, record_id)
    if record is None or record.object != "task":
        raise NotATask(record_id)
    before = (record.fields or {}).get("status")
    changed = records.update(record, {"fields": {"status": DONE}}, cause)
    if changed:
        title = (record.fields or {}).get("title") or f"task #{record.id}"
        audit.record("task.completed", "task_record", record.id, f"task '{title}' marked Done", title,
                     before={"status": before}, after={"status": DONE})
    return record, bool(changed)
