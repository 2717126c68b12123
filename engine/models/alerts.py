"""Failure alerts waiting for the daily digest, and the digests sent (one per day, across every worker)."""
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.db import UTCDateTime, db, utcnow


class AlertDigest(db.Model):
    """One daily digest. The unique `due_at` is what sends it once, however many workers reach it."""

    __tablename__ = "alert_digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    due_at = mapped_column(UTCDateTime, unique=True)
    sent_at = mapped_column(UTCDateTime, default=utcnow)
    failures: Mapped[int] = mapped_column(default=0)


class FailureAlert(db.Model):
    """A failed run whose workflow tells of failures in the daily digest; `digest_id` is set by the one digest
    that tells of it."""

    __tablename__ = "failure_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    workflow_name: Mapped[str] = mapped_column(String(200))
    node_id: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str] = mapped_column(Text)
    failed_at = mapped_column(UTCDateTime)
    # {"users": [user ids], "in_app": bool, "email": bool}: who is told, decided when the run failed.
    recipients: Mapped[dict] = mapped_column(JSON)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("alert_digests.id", ondelete="SET NULL"), index=True)
