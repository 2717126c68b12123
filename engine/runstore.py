"""How the engine reads and writes runs: Core statements built once, runs in hand as plain namespaces whose
`tokens` are a tuple of engine.run_token.RunToken, made here on the way in and turned back into JSON on the way out.

The ORM model (engine.models.Run) is for reading runs elsewhere (the API); on the engine's hot path, building
a statement per call and tracking ORM objects cost more than the SQL itself. Every write bumps or follows a
claim of `seq`, the run's optimistic lock (docs/ENGINE.md).
"""
from types import SimpleNamespace

from sqlalchemy import bindparam, or_, select

from store import held_writes
from store.db import run_sql
from crm.locks import lock_record
from engine.models import Run
from engine.models.runs import FINISHED, LIVE
from engine.run_token import tokens_json, tokens_of

RUNS = Run.__table__
_ONE = select(RUNS).where(RUNS.c.id == bindparam("run_id"))
_SEEN = select(RUNS.c.seq, RUNS.c.record_id).where(RUNS.c.id == bindparam("run_id"))
_SEEN_MANY = select(RUNS.c.id, RUNS.c.seq, RUNS.c.record_id).where(RUNS.c.id.in_(bindparam("run_ids", expanding=True)))
_CLAIM = RUNS.update().where(RUNS.c.id == bindparam("run_id"), RUNS.c.seq == bindparam("seen")) \
    .values(seq=RUNS.c.seq + 1).returning(*RUNS.c)
# Not `in_(LIVE)`: an IN list is rendered anew at every execution.
_LIVE_ON_RECORD = select(RUNS).where(RUNS.c.record_id == bindparam("record_id"),
                                     or_(*(RUNS.c.status == status for status in LIVE)))
_LIVE_ON_RECORDS = select(RUNS).where(RUNS.c.record_id.in_(bindparam("record_ids", expanding=True)),
                                      or_(*(RUNS.c.status == status for status in LIVE))).order_by(RUNS.c.id)
# No values(): the SET clause is made of the column names passed at execution.
_WRITE = RUNS.update().where(RUNS.c.id == bindparam("run_id"))
# A run's end, all it can have changed: held for a group's commit (store.held_writes), one statement for them all.
_ENDED = ("status", "reason", "tokens", "nodes", "ready", "wake_at", "finished_at", "seq")
_WRITE_ENDED = RUNS.update().where(RUNS.c.id == bindparam("run_id")) \
    .values({name: bindparam(f"ended_{name}") for name in _ENDED})
_INSERT = RUNS.insert().returning(RUNS.c.id)


def claim(run_id: int, wait: bool = True, seen=None) -> SimpleNamespace | None:
    """Take the run for this transaction (its `seq` must not have moved since we looked), or None.

    The run's record is locked first (crm.locks): enrollment locks the record before it touches the
    record's runs, so both take their locks in the same order and cannot deadlock. Without `wait`, a run
    whose record another worker holds is left for a later pass (None). `seen` is the run's (seq, record_id)
    when :func:`seen_many` already read it; a run that moved since is left for a later pass too.
    """
    seen = seen or _read(_SEEN, {"run_id": run_id}).first()
    if seen is None or not lock_record(seen.record_id, wait):
        return None
    taken = _read(_CLAIM, {"run_id": run_id, "seen": seen.seq}).first()
    return _in_hand(taken) if taken is not None else None


def seen_many(run_ids) -> dict:
    """run id -> its (seq, record_id) as :func:`claim` looks at it, for many runs in one statement."""
    return {row.id: row for row in _read(_SEEN_MANY, {"run_ids": list(run_ids)})} if run_ids else {}


def peek(run_id: int) -> SimpleNamespace | None:
    """The run as it is now, without taking it (engine.prerender reads it so)."""
    row = _read(_ONE, {"run_id": run_id}).first()
    return _in_hand(row) if row is not None else None


def live_on_record(record_id: int | None) -> list:
    if record_id is None:
        return []
    return [_in_hand(row) for row in _read(_LIVE_ON_RECORD, {"record_id": record_id})]


def live_on_records(record_ids) -> dict:
    """record id -> its live runs, for many records in one statement."""
    found = {record_id: [] for record_id in record_ids}
    for row in _read(_LIVE_ON_RECORDS, {"record_ids": list(found)}) if found else ():
        found[row.record_id].append(_in_hand(row))
    return found


def insert(**values) -> SimpleNamespace:
    """A new run; `tokens` are RunTokens."""
    run_id = run_sql(_INSERT, _stored(values)).scalar_one()
    return SimpleNamespace(id=run_id, reason=None, wake_at=None, finished_at=None, **values)


def write(run: SimpleNamespace, **values) -> None:
    """Change a run in the database and in hand, in the caller's transaction; `tokens` are RunTokens.

    A run that ends is written at its group's commit; every read here writes such ends first, so no read sees a
    run live that has ended."""
    for name, value in values.items():
        setattr(run, name, tuple(value) if name == "tokens" else value)
    if run.status in FINISHED:
        held_writes.write_later(_WRITE_ENDED, [{"run_id": run.id, **{f"ended_{name}": value for name, value in
                                                                     _stored(vars(run)).items() if name in _ENDED}}])
    else:
        run_sql(_WRITE, {"run_id": run.id, **_stored(values)})


def _read(statement, params):
    held_writes.write_now(_WRITE_ENDED)
    return run_sql(statement, params)


def _in_hand(row) -> SimpleNamespace:
    run = SimpleNamespace(**row._mapping)
    run.tokens = tokens_of(run.tokens)
    return run


def _stored(values: dict) -> dict:
    return {**values, "tokens": tokens_json(values["tokens"])} if "tokens" in values else values
