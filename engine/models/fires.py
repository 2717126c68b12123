"""Once-only marks for time-based triggers."""
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import UTCDateTime, db, utcnow


class TriggerFire(db.Model):
    """One occurrence of a time-based trigger (a record's date, an idle spell, a cron fire time).

    The unique key is what makes it fire once across any number of workers: whoever inserts the
    row starts the run, in the same transaction. `record_id` is 0 for schedules, which have no record.
    """

    __tablename__ = "trigger_fires"
    __table_args__ = (UniqueConstraint("workflow_id", "record_id", "occurrence", name="uq_trigger_fires_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(default=0)
    occurrence: Mapped[str] = mapped_column(String(120))
    due_at = mapped_column(UTCDateTime)
    fired_at = mapped_column(UTCDateTime, default=utcnow)
