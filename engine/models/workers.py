"""Engine workers announce themselves here, so /api/health can tell which are alive."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import UTCDateTime, db, utcnow


class WorkerBeat(db.Model):
    __tablename__ = "worker_beats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at = mapped_column(UTCDateTime, default=utcnow)
    last_seen = mapped_column(UTCDateTime, default=utcnow)
