"""Workflows (the editable draft), the folders they are kept in, and their immutable published versions."""
import secrets

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.db import UTCDateTime, db, utcnow

STATUSES = ("draft", "active", "paused")
DEFAULT_SETTINGS = {"reenroll": False, "exit_when": None}


def empty_graph() -> dict:
    return {"nodes": [], "edges": [], "notes": []}


class Folder(db.Model):
    """A named shelf on the workflows list. A workflow is in one folder or none (the root)."""

    __tablename__ = "folders"
    # Names are unique whatever their case ("Sales" and "sales" would look like one folder twice).
    __table_args__ = (Index("uq_folders_name_lower", func.lower(text("name")), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at = mapped_column(UTCDateTime, default=utcnow)


class Workflow(db.Model):
    __tablename__ = "workflows"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    settings: Mapped[dict] = mapped_column(JSON, default=lambda: dict(DEFAULT_SETTINGS))
    graph: Mapped[dict] = mapped_column(JSON, default=empty_graph)
    # Bumped on every saved draft change; the ETag that stops two editors overwriting each other.
    revision: Mapped[int] = mapped_column(default=1)
    # Advances of its runs that overran their CPU budget since it was last activated (engine/overruns.py).
    overruns: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int | None] = mapped_column()
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    webhook_secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(24))
    template_id: Mapped[str | None] = mapped_column(String(100))
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id", ondelete="SET NULL"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    updated_at = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["WorkflowVersion"]] = relationship(
        back_populates="workflow", order_by="WorkflowVersion.number", cascade="all, delete-orphan",
        passive_deletes=True)


class WorkflowVersion(db.Model):
    """A published snapshot. Never changed after insert: runs pin the version they started on."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("workflow_id", "number", name="uq_workflow_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON)
    graph: Mapped[dict] = mapped_column(JSON)
    published_at = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[str | None] = mapped_column(String(80))

    workflow: Mapped[Workflow] = relationship(back_populates="versions")


class TriggerIndex(db.Model):
    """One row per active workflow's trigger: enrollment looks up (object, event) here instead of
    scanning every workflow. Rewritten whenever a workflow is published, paused or activated."""

    __tablename__ = "trigger_index"
    __table_args__ = (Index("ix_trigger_index_lookup", "object", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id", ondelete="CASCADE"))
    trigger_type: Mapped[str] = mapped_column(String(40))
    object: Mapped[str | None] = mapped_column(String(50))
    event: Mapped[str | None] = mapped_column(String(30))
    # Time-based triggers fire only for occurrences after this (publishing never replays the past).
    armed_at = mapped_column(UTCDateTime, default=utcnow)
