"""Time-trigger sweeps: an "inactive for 3 days" trigger whose filter turns 9 of 10 of 2,000 idle deals away.
The first sweep decides every occurrence (200 runs started, 1,800 filter-outs written to the enrollment history);
a later sweep finds them all decided. Its reference is the same later sweep trying every claim again (the shape
the skip replaces). CPU time of the process (the database's own work on PostgreSQL is not in it) and wall time,
medians of 3 later sweeps, on SQLite and, where it answers, PostgreSQL."""
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from unittest import mock

from benchmarks.setup import bench_app, pg_url
from crm import records
from engine import time_triggers
from engine.clock import ManualClock
from store.db import db
from store.models import TriggerIndex

DEALS = 2000
REPEATS = 3
BIG_ONLY = {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}


def _sweep(clock) -> tuple[float, float, int]:
    cpu, wall = time.process_time(), time.perf_counter()
    started = time_triggers.fire_due(clock)
    clock.advance(timedelta(seconds=15))
    return time.process_time() - cpu, time.perf_counter() - wall, started


def _median(clock) -> tuple[float, float]:
    sweeps = [_sweep(clock) for _ in range(REPEATS)]
    assert all(started == 0 for _, _, started in sweeps)
    return statistics.median(s[0] for s in sweeps), statistics.median(s[1] for s in sweeps)


def _measure(url: str, label: str) -> list[dict]:
    from tests.engine.flows import node, publish, trigger

    app = bench_app(url)
    with app.app_context():
        publish(trigger("inactive_for", "deal", duration="P3D", filter=BIG_ONLY),
                node("tag", "update_record", add_tags=["idle"]), chain=True)
        for i in range(DEALS):
            records.create("deal", {"fields": {"name": f"d{i}", "amount": 5000 if i % 10 == 0 else 10}},
                           records.Cause(actor="bench"))
        db.session.execute(db.update(TriggerIndex).values(armed_at=datetime(2000, 1, 1, tzinfo=timezone.utc)))
        db.session.commit()
        clock = ManualClock(datetime.now(timezone.utc) + timedelta(days=4))
        first_cpu, first_wall, started = _sweep(clock)
        assert started == DEALS // 10
        later_cpu, later_wall = _median(clock)
        with mock.patch.object(time_triggers, "_decided", lambda workflow_id: set()):
            again_cpu, again_wall = _median(clock)
    what = f"time-trigger sweep, {DEALS} idle deals, 9 in 10 filtered out, {label}"
    return [{"benchmark": what, "measure": "first sweep: every occurrence decided", "value":
             f"{first_cpu:.2f} s CPU ({first_wall:.2f} s wall)", "reference": "", "bar": ""},
            {"benchmark": what, "measure": f"later sweep, all decided (median of {REPEATS})",
             "value": f"{later_cpu:.3f} s CPU ({later_wall:.3f} s wall)",
             "reference": f"trying every claim again: {again_cpu:.2f} s CPU ({again_wall:.2f} s wall)", "bar": ""}]


def run() -> list[dict]:
    rows = _measure(f"sqlite:///{tempfile.mkdtemp(prefix='flowdesk-bench-')}/sweeps.db", "SQLite")
    url = pg_url()
    return rows + (_measure(url, "PostgreSQL") if url else [])
