"""Object types, the records automation acts on, and the durable change events they emit."""
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.db import UTCDateTime, db, utcnow
from crm.models.people import User


class ObjectType(db.Model):
    """An object type in the spec format of builder.objects (fields and pipelines as JSON)."""

    __tablename__ = "object_types"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    pipelines: Mapped[dict] = mapped_column(JSON, default=dict)
    # Labels and archived stages per pipeline (crm.pipelines); `pipelines` keeps only the live stages.
    pipeline_meta: Mapped[dict | None] = mapped_column(JSON, default=dict)

    def spec(self) -> dict:
        return {"label": self.label, "fields": self.fields, "pipelines": self.pipelines}

    def as_dict(self) -> dict:
        return {"name": self.name, **self.spec()}


class Record(db.Model):
    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("object", "external_id", name="uq_records_object_external_id"),
                      Index("ix_records_object_stage", "object", "stage"))

    id: Mapped[int] = mapped_column(primary_key=True)
    object: Mapped[str] = mapped_column(ForeignKey("object_types.name"))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    pipeline: Mapped[str | None] = mapped_column(String(50))
    stage: Mapped[str | None] = mapped_column(String(50))
    external_id: Mapped[str | None] = mapped_column(String(200))
    # The record a task is about (a deal, a contact, ...). No foreign key: the task outlives it.
    related_id: Mapped[int | None] = mapped_column(index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    updated_at = mapped_column(UTCDateTime, default=utcnow, index=True)

    owner: Mapped[User | None] = relationship(lazy="joined")

    def as_dict(self) -> dict:
        return record_dict(self)


def record_dict(record) -> dict:
    """What the API answers of a record: the ORM row, or crm.records.load's namespace of the same names."""
    return {"id": record.id, "object": record.object, "fields": dict(record.fields or {}),
            "owner": record.owner.username if record.owner else None, "tags": list(record.tags or []),
            "pipeline": record.pipeline, "stage": record.stage, "created_at": record.created_at,
            "updated_at": record.updated_at, "external_id": record.external_id, "related_id": record.related_id}


class Event(db.Model):
    """A record change, written in the same transaction as the change itself.

    `origin_workflow_id` / `depth` let enrollment suppress self-triggering and cap chains of
    workflows triggering workflows; `processed_at` is set once the engine has enrolled it.
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_pending", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object: Mapped[str] = mapped_column(String(50))
    event: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    actor: Mapped[str | None] = mapped_column(String(120))
    origin_run_id: Mapped[int | None] = mapped_column()
    origin_workflow_id: Mapped[int | None] = mapped_column()
    depth: Mapped[int] = mapped_column(default=0)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    processed_at = mapped_column(UTCDateTime, nullable=True)

    def as_dict(self) -> dict:
        return {"id": self.id, "object": self.object, "event": self.event, "record_id": self.record_id,
                "changes": self.changes, "actor": self.actor, "origin_run_id": self.origin_run_id,
                "depth": self.depth, "created_at": self.created_at, "processed_at": self.processed_at}
