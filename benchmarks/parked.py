"""Many runs already parked on a wait, written in bulk: the state 100,000 enrollments would leave, in seconds.

The engine parks one real run first (so the rows have exactly the shape the engine writes); its record, run and
steps are then copied with Core executemany inserts, in chunks, with ids assigned here so each copied token
points at its own copied step. Every copy waits until the same moment as the original.
"""
from datetime import datetime

from sqlalchemy import JSON, Text, cast, func, select

from store.db import db
from crm import records
from engine import worker
from crm.models import Record
from engine.models import Run, Step

RECORDS, RUNS, STEPS = Record.__table__, Run.__table__, Step.__table__


def park(count: int, chunk: int = 5000) -> datetime:
    """Leave `count` runs of the published workflow waiting; returns the moment they all wait for.

    The published workflow must start on deal creation and park at a wait long enough not to end meanwhile.
    """
    records.create("deal", {"fields": {"name": "d0", "amount": 500}}, records.Cause(actor="bench"))
    db.session.commit()
    while worker.engine_pass():
        pass
    run = db.session.execute(RUNS.select().where(RUNS.c.status == "waiting")).one()._asdict()
    record = db.session.execute(RECORDS.select().where(RECORDS.c.id == run["record_id"])).one()._asdict()
    steps = [row._asdict() for row in db.session.execute(STEPS.select().where(STEPS.c.run_id == run["id"])
                                                          .order_by(STEPS.c.id))]
    bases = {table: db.session.scalar(select(func.max(table.c.id))) for table in (RECORDS, RUNS, STEPS)}
    for start in range(1, count, chunk):
        _copy(record, run, steps, bases, range(start, min(start + chunk, count)))
        db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("records", "runs", "steps"):  # explicit ids leave the sequences behind
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
    return run["wake_at"]


def _copy(record: dict, run: dict, steps: list[dict], bases: dict, numbers: range) -> None:
    """Copy number n (from 1) takes the n-th ids after the highest ids of `bases` (its steps, the n-th group)."""
    new_records, new_runs, new_steps = [], [], []
    for n in numbers:
        first_step = bases[STEPS] + (n - 1) * len(steps) + 1
        step_id = {step["id"]: first_step + k for k, step in enumerate(steps)}
        record_id, run_id = bases[RECORDS] + n, bases[RUNS] + n
        new_records.append({**record, "id": record_id, "fields": {**record["fields"], "name": f"d{n}"}})
        tokens = [{**token, "step_id": step_id[token["step_id"]]} if "step_id" in token else token
                  for token in run["tokens"]]
        new_runs.append({**run, "id": run_id, "record_id": record_id, "tokens": tokens})
        new_steps += [{**step, "id": step_id[step["id"]], "run_id": run_id} for step in steps]
    db.session.execute(RECORDS.insert(), new_records)
    db.session.execute(RUNS.insert(), new_runs)
    db.session.execute(STEPS.insert(), new_steps)


def reschedule(old: datetime, new: datetime) -> int:
    """Make every run waiting until `old` wait until `new` instead, in one UPDATE per table: its wake time, and
    the ISO time in its tokens, node statuses and waiting step. Returns how many runs moved."""
    was, now = old.isoformat(), new.isoformat()
    moved = db.session.execute(RUNS.update().where(RUNS.c.wake_at == old).values(
        wake_at=new, tokens=_replace(RUNS.c.tokens, was, now), nodes=_replace(RUNS.c.nodes, was, now))).rowcount
    db.session.execute(STEPS.update().where(STEPS.c.status == "waiting")
                       .values(reason=func.replace(STEPS.c.reason, was, now)))
    db.session.commit()
    return moved


def _replace(column, old: str, new: str):
    """Text replacement inside a JSON column (SQLite keeps JSON as text; PostgreSQL needs the casts)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.replace(cast(column, Text), old, new), JSON)
    return func.replace(column, old, new)
