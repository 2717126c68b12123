"""What a task is about: the record a task record's `related_id` names, as a link people can follow."""
from sqlalchemy import select

from store.db import db
from crm.models import Record

NAME_FIELDS = ("name", "title", "number", "email")


def record_name(object_name: str, record_id: int, fields: dict | None) -> str:
    """The name people know a record by: its name (title, number, email) or else its object and id.

    >>> record_name("deal", 7, {"name": "Acme"}), record_name("order", 3, {})
    ('Acme', 'order #3')
    """
    fields = fields or {}
    named = next((fields[name] for name in NAME_FIELDS if fields.get(name) not in (None, "")), None)
    return str(named) if named is not None else f"{object_name} #{record_id}"


def describe(record_ids) -> dict:
    """record id -> {"id", "object", "name", "url"} for the ids that still exist."""
    wanted = {i for i in record_ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(Record.id, Record.object, Record.fields).where(Record.id.in_(wanted)))
    return {row.id: {"id": row.id, "object": row.object, "name": record_name(row.object, row.id, row.fields),
                     "url": f"/records/{row.object}/{row.id}"} for row in rows}


def tasks_about(record_id: int, limit: int = 100) -> list[Record]:
    """The newest task records about a record, open ones first."""
    found = db.session.scalars(select(Record).where(Record.object == "task", Record.related_id == record_id)
                               .order_by(Record.id.desc()).limit(limit)).all()
    return sorted(found, key=lambda r: (r.fields or {}).get("status") == "Done")
