"""The audit log: who (a user, through the browser, a token or the command line) did what to which object, when.

A row is added to the session of the change it describes, so it is committed or rolled back with that change:
there is never a row for a change that did not happen, nor a change without its row. Whoever makes a change calls
`record`; the actor is the one `act_as` named for this app context (the web sets it when it signs a request in),
or "system" (the engine, the demo loader).
"""
from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import UTCDateTime, db, utcnow

SUMMARY_CHARS = 500
OBJECT_TYPES = ("workflow", "object_type", "secret", "user", "token", "task", "task_record")


@dataclass(frozen=True)
class Actor:
    name: str
    via: str  # "session", "token", "cli" or "system"
    token_id: int | None = None


SYSTEM = Actor("system", "system")


class AuditEntry(db.Model):
    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    via: Mapped[str] = mapped_column(String(10))
    token_id: Mapped[int | None] = mapped_column()  # no foreign key: the row outlives a revoked token
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(100))
    object_name: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(SUMMARY_CHARS))
    changes: Mapped[dict | None] = mapped_column(JSON)  # {"before": {...}, "after": {...}}, short values only

    def as_dict(self) -> dict:
        return {"id": self.id, "at": self.at, "actor": self.actor, "via": self.via, "token_id": self.token_id,
                "action": self.action, "object_type": self.object_type, "object_id": self.object_id,
                "object_name": self.object_name, "summary": self.summary, "changes": self.changes}


def act_as(actor: Actor) -> None:
    """Name who makes the changes in this app context (one request, one command)."""
    g.audit_actor = actor


def current_actor() -> Actor:
    return g.get("audit_actor", SYSTEM) if has_app_context() else SYSTEM


def record(action: str, object_type: str, object_id, summary: str, name: str | None = None,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Add the row for a change to the current transaction (the caller commits both)."""
    actor = current_actor()
    entry = AuditEntry(actor=actor.name[:80], via=actor.via, token_id=actor.token_id, action=action,
                       object_type=object_type, object_id=str(object_id)[:100],
                       object_name=name[:200] if name else None, summary=_cut(summary),
                       changes={"before": before, "after": after} if before is not None or after is not None
                       else None)
    db.session.add(entry)
    return entry


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "\u2026"


def differences(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, from each side."""
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def search(actor: str | None = None, action: str | None = None, object_type: str | None = None,
           object_id: str | None = None, since=None, until=None):
    """The query for the rows matching every filter given, newest first (`until` is exclusive).

    `action` may name a whole family: "workflow" matches "workflow.published" and the rest."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action if "." in action
                            else AuditEntry.action.startswith(f"{action}.", autoescape=True))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == str(object_id))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query


def actions() -> list[str]:
    """Every action recorded so far, for filter pickers."""
    return list(db.session.scalars(db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
