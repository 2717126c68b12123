"""Human tasks: a person's decision a run waits for."""
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import UTCDateTime, db, utcnow

PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


class HumanTask(db.Model):
    """Links the `task` record people see to the run and node that wait for its outcome."""

    __tablename__ = "human_tasks"
    __table_args__ = (Index("ix_human_tasks_open", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int | None] = mapped_column(index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    assignee_user: Mapped[str | None] = mapped_column(String(80))
    assignee_role: Mapped[str | None] = mapped_column(String(20))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    outcome: Mapped[str | None] = mapped_column(String(100))
    due_at = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    completed_at = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(80))

    def as_dict(self, now=None) -> dict:
        return {"id": self.id, "record_id": self.record_id, "run_id": self.run_id, "node_id": self.node_id,
                "title": self.title, "assignee": self.assignee_user, "role": self.assignee_role,
                "claimed_by": self.claimed_by, "priority": self.priority, "outcomes": list(self.outcomes or []),
                "status": self.status, "outcome": self.outcome, "due_at": self.due_at,
                "overdue": bool(now and self.status == "open" and self.due_at and self.due_at < now),
                "created_at": self.created_at, "completed_at": self.completed_at, "completed_by": self.completed_by}
