"""Record locks that let workers share work on PostgreSQL instead of queueing behind each other.

Everything that changes a record's runs (enrolling its events, advancing its runs) first locks the
record row, so one record's work is done one transaction at a time and in order. A worker that finds
the record held by another skips it (``FOR UPDATE SKIP LOCKED``) and takes it up on a later pass,
rather than waiting for the lock and then finding the work done. SQLite lets one writer in at a time:
there the lock is a no-op with the same interface.
"""
from sqlalchemy import bindparam, select

from store.db import db, run_sql
from crm.models import Record

RECORDS = Record.__table__
_EXISTS = select(RECORDS.c.id).where(RECORDS.c.id == bindparam("record_id"))
_WAIT = _EXISTS.with_for_update()
_SKIP = _EXISTS.with_for_update(skip_locked=True)


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_record(record_id: int | None, wait: bool = True) -> bool:
    """Lock the record for this transaction. Without `wait`, False when another transaction holds it.

    A record that no longer exists has nothing to lock (True).
    """
    if record_id is None or not on_postgresql():
        return True
    if run_sql(_WAIT if wait else _SKIP, {"record_id": record_id}).first() is not None:
        return True
    return wait or run_sql(_EXISTS, {"record_id": record_id}).first() is None
