"""Changes reported by outside systems (POST /api/events): upserted by their `external_id`, safely under
concurrency, then handled exactly like local changes (crm.records)."""
from sqlalchemy import bindparam

from store.db import db, run_sql
from crm.locks import lock_record, on_postgresql
from crm.models import Record
from crm.kinds import kind as kind_of
from crm.records import (EVENTS, RECORDS, Cause, RecordInvalid, UnknownObject, create_unless_taken, delete,
                            update)

_HOLD = RECORDS.update().where(RECORDS.c.id == bindparam("record_id")).values(id=RECORDS.c.id)

SPECIAL_KEYS = ("owner", "tags", "pipeline", "stage")


def apply(kind_name: str, event: str, payload: dict, cause: Cause) -> tuple[Record | None, str]:
    """Upsert (or delete) a record reported by an outside system, keyed by its `external_id`.

    Returns the record (None once deleted) and what happened: created, updated, unchanged or deleted.
    """
    if event not in EVENTS:
        raise RecordInvalid({"event": f"must be one of {', '.join(EVENTS)}"})
    if not isinstance(payload, dict) or not payload.get("external_id"):
        raise RecordInvalid({"record.external_id": "an outside record needs an external_id"})
    external_id = payload["external_id"]
    if isinstance(external_id, bool) or not isinstance(external_id, (str, int)):
        raise RecordInvalid({"record.external_id": "must be text or a whole number"})
    kind = kind_of(kind_name)
    if kind is None:
        raise UnknownObject(kind_name)
    external_id = str(external_id)
    if len(external_id) > 200:
        raise RecordInvalid({"external_id": "at most 200 characters"})
    record = _outside_record(kind, external_id)
    if event == "deleted":
        if record is None:
            return None, "unchanged"
        delete(record, cause)
        return None, "deleted"
    data = {k: payload[k] for k in SPECIAL_KEYS if k in payload}
    data["fields"] = {k: v for k, v in payload.items() if k not in SPECIAL_KEYS and k != "external_id"}
    if record is None:
        record = create_unless_taken(kind, data, external_id, cause)
        if record is not None:
            return record, "created"
        record = _outside_record(kind, external_id)  # another request created it since: update that one
    return record, ("updated" if update(record, data, cause) else "unchanged")


def _outside_record(kind, external_id: str) -> Record | None:
    """The record holding `external_id`, held for this transaction and read afresh, so concurrent events
    merge their fields one after the other instead of over each other."""
    record = db.session.execute(
        db.select(Record).filter_by(object=kind.name, external_id=external_id)).scalar_one_or_none()
    if record is not None:
        if on_postgresql():
            lock_record(record.id)
        else:  # SQLite has no row locks: a write that changes nothing takes its one write lock
            run_sql(_HOLD, {"record_id": record.id})
        db.session.refresh(record)
    return record
