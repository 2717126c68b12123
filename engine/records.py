"""Record changes and their durable events, always written together.

Every function here adds to the caller's session and never commits: the caller's one commit
writes the change and its event rows at once, or neither (ARCHITECTURE.md mechanism 3).
"""
from dataclasses import dataclass

from builder.db import db, utcnow
from builder.objects import coerce_value
from engine.models import Event, ObjectType, Record, User

EVENTS = ("created", "updated", "deleted", "stage_changed")


class RecordInvalid(Exception):
    """A refused write; `details` maps each offending field to what is wrong with it."""

    def __init__(self, details: dict, message: str = "The record is not valid."):
        super().__init__(message)
        self.message = message
        self.details = details


class UnknownObject(LookupError):
    pass


@dataclass(frozen=True)
class Cause:
    """Who or what made a change: a user, a token, an outside system or a workflow run."""

    actor: str | None = None
    run_id: int | None = None
    workflow_id: int | None = None
    depth: int = 0


def object_type(name: str) -> ObjectType:
    found = db.session.get(ObjectType, name)
    if found is None:
        raise UnknownObject(name)
    return found


def snapshot(record: Record) -> dict:
    """The record as plain JSON-able data (what events carry and the API returns)."""
    data = record.as_dict()
    for key in ("created_at", "updated_at"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _resolve(kind: ObjectType, record: Record | None, data: dict) -> dict:
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
            user = db.session.execute(db.select(User).filter_by(username=str(owner))).scalar_one_or_none()
            if user is None:
                errors["owner"] = f"no user named '{owner}'"
            new["owner"] = user
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            errors["tags"] = "must be a list of non-empty strings"
        else:
            new["tags"] = sorted({t.strip() for t in tags})
    _resolve_stage(kind, record, data, new, errors)
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


def _emit(record_id, kind_name, event, changes, snap, cause: Cause) -> Event:
    row = Event(object=kind_name, event=event, record_id=record_id, changes=changes, snapshot=snap,
                actor=cause.actor, origin_run_id=cause.run_id, origin_workflow_id=cause.workflow_id,
                depth=cause.depth)
    db.session.add(row)
    return row


def create(kind_name: str, data: dict, cause: Cause) -> Record:
    kind = object_type(kind_name)
    new = _resolve(kind, None, {"fields": {}, **data})
    record = Record(object=kind.name, fields=new["fields"], owner=new.get("owner"), tags=new.get("tags", []),
                    pipeline=new.get("pipeline"), stage=new.get("stage"), external_id=new.get("external_id"))
    now = utcnow()
    record.created_at = record.updated_at = now
    db.session.add(record)
    db.session.flush()
    _emit(record.id, kind.name, "created", {}, snapshot(record), cause)
    return record


def update(record: Record, data: dict, cause: Cause) -> dict:
    """Apply `data`; returns the changes ({name: {old, new}}), empty when nothing changed."""
    kind = object_type(record.object)
    new = _resolve(kind, record, data)
    changes = {}
    for name, value in new.get("fields", {}).items():
        old = (record.fields or {}).get(name)
        if old != value:
            changes[name] = {"old": old, "new": value}
    if "owner" in new and new["owner"] is not record.owner:
        changes["owner"] = {"old": record.owner.username if record.owner else None,
                            "new": new["owner"].username if new["owner"] else None}
    for attr in ("tags", "pipeline", "stage", "external_id"):
        if attr in new and new[attr] != getattr(record, attr):
            changes[attr] = {"old": getattr(record, attr), "new": new[attr]}
    if not changes:
        return {}
    if "fields" in new:
        record.fields = new["fields"]
    if "owner" in new:
        record.owner = new["owner"]
    for attr in ("tags", "pipeline", "stage", "external_id"):
        if attr in new:
            setattr(record, attr, new[attr])
    record.updated_at = utcnow()
    db.session.flush()
    snap = snapshot(record)
    _emit(record.id, kind.name, "updated", changes, snap, cause)
    if "stage" in changes or "pipeline" in changes:
        stage_change = {k: changes[k] for k in ("pipeline", "stage") if k in changes}
        _emit(record.id, kind.name, "stage_changed", stage_change, snap, cause)
    return changes


def delete(record: Record, cause: Cause) -> None:
    _emit(record.id, record.object, "deleted", {}, snapshot(record), cause)
    db.session.delete(record)
    db.session.flush()


SPECIAL_KEYS = ("owner", "tags", "pipeline", "stage")


def apply_outside_event(kind_name: str, event: str, payload: dict, cause: Cause) -> tuple[Record | None, str]:
    """Upsert (or delete) a record reported by an outside system, keyed by its `external_id`.

    Returns the record (None once deleted) and what happened: created, updated, unchanged or deleted.
    """
    if event not in EVENTS:
        raise RecordInvalid({"event": f"must be one of {', '.join(EVENTS)}"})
    if not isinstance(payload, dict) or not payload.get("external_id"):
        raise RecordInvalid({"record.external_id": "an outside record needs an external_id"})
    kind = object_type(kind_name)
    external_id = str(payload["external_id"])
    record = db.session.execute(
        db.select(Record).filter_by(object=kind.name, external_id=external_id)).scalar_one_or_none()
    if event == "deleted":
        if record is None:
            return None, "unchanged"
        delete(record, cause)
        return None, "deleted"
    data = {k: payload[k] for k in SPECIAL_KEYS if k in payload}
    data["fields"] = {k: v for k, v in payload.items() if k not in SPECIAL_KEYS and k != "external_id"}
    if record is None:
        return create(kind.name, {**data, "external_id": external_id}, cause), "created"
    return record, ("updated" if update(record, data, cause) else "unchanged")
