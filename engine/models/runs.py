"""Runs and what they leave behind: steps, outbound messages, enrollment outcomes (docs/ENGINE.md)."""
from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from builder.credentials import mask_data, mask_text
from store.db import UTCDateTime, db, utcnow

LIVE = ("running", "waiting")
FINISHED = ("completed", "failed", "cancelled")
# `sending`: an email whose data is going out; `unknown`: it may or may not have been delivered, and is not
# sent again (engine/outbox.py).
MESSAGE_STATUSES = ("queued", "sending", "sent", "failed", "unknown")


class Run(db.Model):
    """One run of a pinned workflow version. Its position is `tokens` (engine.run_token.RunToken as JSON); `seq` is
    bumped by every write, so a worker claims a run with ``UPDATE ... WHERE seq = :seen`` (docs/ENGINE.md)."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_record_status", "record_id", "status"),
                      Index("ix_runs_workflow_id", "workflow_id", "id"),
                      Index("ix_runs_ready", "ready", "id"),
                      # The workflows list counts each one's recent failures; failed runs are few, so is this index.
                      Index("ix_runs_failed", "workflow_id", "finished_at", sqlite_where=text("status = 'failed'"),
                            postgresql_where=text("status = 'failed'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    # No foreign key: a run outlives the record it ran on (and says so when the record is gone).
    record_id: Mapped[int | None] = mapped_column()
    event_id: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    tokens: Mapped[list] = mapped_column(JSON, default=list)
    nodes: Mapped[dict] = mapped_column(JSON, default=dict)
    ready: Mapped[bool] = mapped_column(default=True)
    wake_at = mapped_column(UTCDateTime, nullable=True, index=True)
    seq: Mapped[int] = mapped_column(default=0)
    trigger: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[dict | list | None] = mapped_column(JSON, nullable=True)
    depth: Mapped[int] = mapped_column(default=0)
    started_at = mapped_column(UTCDateTime, default=utcnow)
    finished_at = mapped_column(UTCDateTime, nullable=True)


class Step(db.Model):
    """One node executed by a run: what went in, what came out, and how it ended."""

    __tablename__ = "steps"
    __table_args__ = (Index("ix_steps_run_id", "run_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    node_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    input: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    output: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(default=1)
    started_at = mapped_column(UTCDateTime)
    finished_at = mapped_column(UTCDateTime, nullable=True)

    def as_dict(self) -> dict:
        # Masked again on the way out: steps written before credentials were masked on write still hold them.
        return {"id": self.id, "node_id": self.node_id, "status": self.status, "reason": mask_text(self.reason),
                "started_at": self.started_at, "finished_at": self.finished_at, "input": mask_data(self.input),
                "output": mask_data(self.output), "error": mask_text(self.error), "attempt": self.attempt}


class Message(db.Model):
    """The outbox: one outbound email, SMS, WhatsApp message or webhook call.

    `id` is generated when the step runs and travels with the message (SMTP Message-ID, HTTP
    Idempotency-Key), so a redelivery after a crash is recognisable as the same message.
    """

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(String(2000))
    cc: Mapped[str | None] = mapped_column(String(2000))
    subject: Mapped[str | None] = mapped_column(String(1000))
    body: Mapped[str | None] = mapped_column(Text)
    # Webhooks: {"method", "headers" (masked), "sealed": url, headers and payload as sent, encrypted (engine.vault)};
    # `to` is the URL as readers see it. (Rows from before sealing: {"method", "headers", "payload"}, URL in `to`.)
    request: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    transport: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at = mapped_column(UTCDateTime, default=utcnow)
    lease_until = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    sent_at = mapped_column(UTCDateTime, nullable=True)

    def as_dict(self) -> dict:
        """The message as readers see it (API and outbox page); `request` stays inside."""
        return {"id": self.id, "channel": self.channel, "to": mask_text(self.to), "cc": self.cc,
                "subject": self.subject, "body": mask_text(self.body), "status": self.status, "run_id": self.run_id,
                "node_id": self.node_id, "error": mask_text(self.error), "attempts": self.attempts,
                "transport": self.transport,
                "created_at": self.created_at, "sent_at": self.sent_at}


class Enrollment(db.Model):
    """What a workflow did with one event its trigger saw (or a manual, webhook or time start), and why.

    `kind` (the outcome) is ``enrolled`` (a run started: `run_id`), ``filtered`` (the trigger's filter left the
    record out; `reason` says which rule) or ``refused`` (an enrollment rule said no: re-enrollment off, the
    workflow's own change, the chain limit). Written in the transaction that decided it.
    """

    __tablename__ = "enrollments"
    __table_args__ = (Index("ix_enrollments_record_id", "record_id", "id"),
                      Index("ix_enrollments_workflow_id", "workflow_id", "id"),
                      Index("ix_enrollments_kind_created", "kind", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="refused", server_default="refused")
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column()
    record_id: Mapped[int | None] = mapped_column()
    # No foreign key, like a run's record: the history outlives nothing but its workflow.
    run_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    def as_dict(self) -> dict:
        return {"id": self.id, "workflow_id": self.workflow_id, "event_id": self.event_id,
                "record_id": self.record_id, "run_id": self.run_id, "kind": self.kind, "reason": self.reason,
                "created_at": self.created_at}
