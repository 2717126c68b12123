"""Worker heartbeats: each engine process refreshes its row every few seconds and removes it on a clean stop."""
import os
import socket
from datetime import timedelta

from store.db import db, utcnow
from engine.models.workers import WorkerBeat

BEAT_SECONDS = 5
# A worker that missed three beats is reported dead (its claims expire and others take its work anyway).
DEAD_AFTER = timedelta(seconds=3 * BEAT_SECONDS)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str) -> None:
    row = db.session.get(WorkerBeat, name)
    if row is None:
        db.session.add(WorkerBeat(name=name, started_at=utcnow(), last_seen=utcnow()))
    else:
        row.last_seen = utcnow()
    db.session.commit()


def leave(name: str) -> None:
    db.session.execute(db.delete(WorkerBeat).where(WorkerBeat.name == name))
    db.session.commit()


def workers() -> list[dict]:
    now = utcnow()
    rows = db.session.scalars(db.select(WorkerBeat).order_by(WorkerBeat.name)).all()
    return [{"name": r.name, "started_at": r.started_at, "last_seen": r.last_seen,
             "alive": now - r.last_seen <= DEAD_AFTER} for r in rows]
