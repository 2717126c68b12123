"""Record changes and their durable events, always written together.

Every function here adds to the caller's session and never commits: the caller's one commit
writes the change and its event rows at once, or neither (ARCHITECTURE.md mechanism 3).

Changes are written with Core statements, as the engine makes one per run on its hot path. A record in
hand is either an ORM ``Record`` (the web side; expired after a change, so it reloads) or the plain
:func:`load`-ed state the engine works with (kept up to date in place).
"""
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from store import held_writes
from store.db import MAX_ID, db, run_sql, utcnow
from builder.objects import coerce_value
from crm.kinds import kind as kind_of
from crm.locks import on_postgresql
from crm.record_view import RecordView
from crm.models import Event, ObjectType, Record, User
from crm.errors import RecordInvalid, UnknownObject  # noqa: F401  (the doors catch them here)

EVENTS = ("created", "updated", "deleted", "stage_changed")
MAX_TAGS, MAX_TAG = 100, 100

# Rules from above the CRM that may refuse a change to a record (raising their own error), each called as
# guard(record_id, object, changed field names, cause), for a person's change and a workflow run's alike.
# The engine adds the human-task rule (engine.task_rights), so the CRM needs no import of the engine.
CHANGE_GUARDS: list = []
# The same for deleting a record: guard(record, cause).
DELETE_GUARDS: list = []


@dataclass(frozen=True)
class Cause:
    """Who or what made a change: a user, a token, an outside system or a workflow run."""

    actor: str | None = None
    run_id: int | None = None
    workflow_id: int | None = None
    depth: int = 0
    # The signed-in person behind a change made through a door (API, page, event); None for the engine.
    user: User | None = field(default=None, compare=False, repr=False)


def object_type(name: str) -> ObjectType:
    found = db.session.get(ObjectType, name)
    if found is None:
        raise UnknownObject(name)
    return found


RECORDS, USERS, EVENTS_TABLE = Record.__table__, User.__table__, Event.__table__
_WITH_OWNER = select(RECORDS, USERS.c.username, USERS.c.email, USERS.c.name) \
    .outerjoin(USERS, USERS.c.id == RECORDS.c.owner_id)
_LOAD = _WITH_OWNER.where(RECORDS.c.id == bindparam("record_id"))
_LOAD_MANY = _WITH_OWNER.where(RECORDS.c.id.in_(bindparam("record_ids", expanding=True)))
# PostgreSQL: a record another transaction holds is passed over, not waited for (crm.locks).
_LOCK_MANY = _LOAD_MANY.with_for_update(of=RECORDS, skip_locked=True)
_USER = select(USERS.c.id, USERS.c.username, USERS.c.email, USERS.c.name).where(USERS.c.username == bindparam("name"))
_WRITE = RECORDS.update().where(RECORDS.c.id == bindparam("record_id"))
_EMIT = EVENTS_TABLE.insert()
_INSERT = RECORDS.insert()


def load(record_id: int | None) -> SimpleNamespace | None:
    """A record's current state (its owner as username, email and name), or None when it is gone."""
    if record_id is None:
        return None
    row = run_sql(_LOAD, {"record_id": record_id}).first()
    return _loaded(row) if row is not None else None


def lock_and_load(record_ids) -> dict:
    """record id -> its :func:`load`-ed state, for many records in one statement; on PostgreSQL each is locked for
    this transaction, and one another transaction holds (or one that is gone) is left out."""
    if not record_ids:
        return {}
    statement = _LOCK_MANY if on_postgresql() else _LOAD_MANY
    return {row.id: _loaded(row) for row in run_sql(statement, {"record_ids": list(record_ids)})}


def _loaded(row) -> SimpleNamespace:
    values = row._mapping
    owner = SimpleNamespace(id=values["owner_id"], username=values["username"], email=values["email"],
                            name=values["name"]) if values["owner_id"] is not None else None
    return SimpleNamespace(**{column.name: values[column] for column in RECORDS.c}, owner=owner)


def snapshot(record) -> dict:
    """The record as plain JSON-able data (what events carry and the API returns)."""
    return RecordView.of(record).snapshot()


def _resolve(kind, record, data: dict) -> dict:
    """Check everything in `data` first and return the new values; raise before touching anything."""
    errors, new = {}, {}
    if "fields" in data:
        fields = data["fields"] if isinstance(data["fields"], dict) else None
        if fields is None:
            errors["fields"] = "must be an object of field names to values"
        else:
            merged = dict(record.fields or {}) if record else {}
            for name, value in fields.items():
                spec = kind.fields.get(name)
                if spec is None:
                    errors[f"fields.{name}"] = f"{kind.name} has no field '{name}'"
                    continue
                try:
                    merged[name] = coerce_value(spec, value)
                except ValueError as exc:
                    errors[f"fields.{name}"] = str(exc)
            new["fields"] = merged
    if "owner" in data:
        owner = data["owner"]
        if owner in (None, ""):
            new["owner"] = None
        else:
            user = run_sql(_USER, {"name": str(owner)}).first()
            if user is None:
                errors["owner"] = f"no user named '{owner}'"
            new["owner"] = user
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            errors["tags"] = "must be a list of non-empty strings"
        elif len(tags) > MAX_TAGS or any(len(t.strip()) > MAX_TAG for t in tags):
            errors["tags"] = f"at most {MAX_TAGS} tags of at most {MAX_TAG} characters each"
        else:
            new["tags"] = sorted({t.strip() for t in tags})
    _resolve_stage(kind, record, data, new, errors)
    if "related_id" in data:
        _resolve_related(record, data["related_id"], new, errors)
    if "external_id" in data and data["external_id"] is not None:
        new["external_id"] = str(data["external_id"])
        if len(new["external_id"]) > 200:
            errors["external_id"] = "at most 200 characters"
        holder = db.session.execute(db.select(Record.id).filter_by(
            object=kind.name, external_id=new["external_id"])).scalar_one_or_none()
        if holder is not None and (record is None or holder != record.id):
            errors["external_id"] = f"already used by {kind.name} {holder}"
    if errors:
        raise RecordInvalid(errors)
    return new


def _resolve_related(record, related_id, new, errors) -> None:
    """The record a task is about: an existing record other than this one, or None."""
    if related_id is None:
        new["related_id"] = None
        return
    if isinstance(related_id, bool) or not isinstance(related_id, int) or not 1 <= related_id <= MAX_ID:
        errors["related_id"] = "must be a record id"
    elif record is not None and related_id == record.id:
        errors["related_id"] = "a record cannot be about itself"
    elif db.session.execute(select(RECORDS.c.id).where(RECORDS.c.id == related_id)).first() is None:
        errors["related_id"] = f"no record with id {related_id}"
    else:
        new["related_id"] = related_id


def _resolve_stage(kind, record, data, new, errors) -> None:
    pipelines = kind.pipelines or {}
    if not pipelines:
        if data.get("stage") or data.get("pipeline"):
            errors["stage"] = f"{kind.name} has no pipeline"
        return
    if record is None or "pipeline" in data or "stage" in data:
        pipeline = data.get("pipeline") or (record.pipeline if record else None) or next(iter(pipelines))
        if pipeline not in pipelines:
            errors["pipeline"] = f"no pipeline '{pipeline}' (known: {', '.join(pipelines)})"
            return
        stage = data.get("stage") or (record.stage if record and record.pipeline == pipeline else None)
        stage = stage or pipelines[pipeline][0]
        if stage not in pipelines[pipeline]:
            errors["stage"] = f"no stage '{stage}' in pipeline '{pipeline}'"
            return
        new["pipeline"], new["stage"] = pipeline, stage


def _event(record_id, kind_name, event, changes, snap, cause: Cause) -> dict:
    return {"object": kind_name, "event": event, "record_id": record_id, "changes": changes, "snapshot": snap,
            "actor": cause.actor, "origin_run_id": cause.run_id, "origin_workflow_id": cause.workflow_id,
            "depth": cause.depth}


def emit(record, event: str, cause: Cause, changes: dict | None = None) -> None:
    """An event row about `record` without changing it (``received``: an outside system reported it)."""
    _emit(_event(record.id, record.object, event, changes or {}, snapshot(record), cause))


def _emit(*events: dict) -> None:
    # Nothing reads an event before its transaction commits: an engine group writes its events together.
    held_writes.write_later(_EMIT, list(events))


def _kind(name: str):
    found = kind_of(name)
    if found is None:
        raise UnknownObject(name)
    return found


def create(kind_name: str, data: dict, cause: Cause) -> Record:
    kind = _kind(kind_name)
    new = _resolve(kind, None, {"fields": {}, **data})
    owner, now = new.get("owner"), utcnow()
    values = {"object": kind.name, "fields": new["fields"], "owner_id": owner.id if owner else None,
              "tags": new.get("tags", []), "pipeline": new.get("pipeline"), "stage": new.get("stage"),
              "external_id": new.get("external_id"), "related_id": new.get("related_id"),
              "created_at": now, "updated_at": now}
    # A Core insert, then the ORM object made from what it wrote: a unit-of-work flush costs several times more.
    record = Record(id=run_sql(_INSERT, values).inserted_primary_key[0], **values)
    make_transient_to_detached(record)
    db.session.add(record)
    _emit(_event(record.id, kind.name, "created", {}, snapshot(record), cause))
    return record


def update(record, data: dict, cause: Cause) -> dict:
    """Apply `data` to `record` (an ORM Record or a :func:`load`-ed state); returns the changes
    ({name: {old, new}}), empty when nothing changed."""
    kind = _kind(record.object)
    new = _resolve(kind, record, data)
    changes = {}
    for name, value in new.get("fields", {}).items():
        old = (record.fields or {}).get(name)
        if old != value:
            changes[name] = {"old": old, "new": value}
    if "owner" in new:
        old, owner = record.owner.username if record.owner else None, new["owner"]
        if old != (owner.username if owner else None):
            changes["owner"] = {"old": old, "new": owner.username if owner else None}
    for attr in ("tags", "pipeline", "stage", "external_id", "related_id"):
        if attr in new and new[attr] != getattr(record, attr):
            changes[attr] = {"old": getattr(record, attr), "new": new[attr]}
    if not changes:
        return {}
    for guard in CHANGE_GUARDS:
        guard(record.id, kind.name, set(changes), cause)
    values = {attr: new[attr] for attr in ("fields", "tags", "pipeline", "stage", "external_id", "related_id")
              if attr in new}
    if "owner" in new:
        values["owner_id"] = new["owner"].id if new["owner"] else None
    values["updated_at"] = utcnow()
    run_sql(_WRITE, {"record_id": record.id, **values})
    held_writes.note_changed("records", record.id)
    if isinstance(record, Record):
        db.session.expire(record)  # the ORM object reloads what the statement wrote
    else:
        for name, value in values.items():
            setattr(record, name, value)
        if "owner" in new:
            record.owner = new["owner"]
    snap = snapshot(record)
    events = [_event(record.id, kind.name, "updated", changes, snap, cause)]
    if "stage" in changes or "pipeline" in changes:
        stage_change = {k: changes[k] for k in ("pipeline", "stage") if k in changes}
        events.append(_event(record.id, kind.name, "stage_changed", stage_change, snap, cause))
    _emit(*events)
    return changes


def delete(record: Record, cause: Cause) -> None:
    for guard in DELETE_GUARDS:
        guard(record, cause)
    _emit(_event(record.id, record.object, "deleted", {}, snapshot(record), cause))
    held_writes.note_changed("records", record.id)
    db.session.delete(record)
    db.session.flush()


def create_unless_taken(kind, data: dict, external_id: str, cause: Cause) -> Record | None:
    """Insert the outside record in one statement that yields to a concurrent insert of the same external_id
    (INSERT ... ON CONFLICT DO NOTHING): the new record, or None when another request holds the id."""
    new = _resolve(kind, None, {"fields": {}, **data})
    owner, now = new.get("owner"), utcnow()
    dialect = postgresql if on_postgresql() else sqlite
    statement = dialect.insert(RECORDS).values(
        object=kind.name, fields=new["fields"], owner_id=owner.id if owner else None, tags=new.get("tags", []),
        pipeline=new.get("pipeline"), stage=new.get("stage"), external_id=external_id, created_at=now,
        updated_at=now).on_conflict_do_nothing(index_elements=["object", "external_id"]).returning(RECORDS.c.id)
    record_id = run_sql(statement).scalar()
    if record_id is None:
        return None
    record = db.session.get(Record, record_id)
    _emit(_event(record.id, kind.name, "created", {}, snapshot(record), cause))
    return record
