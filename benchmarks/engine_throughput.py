"""Engine throughput: runs/s of trigger → condition → update_record started from durable events, every
advance committed, beside the raw commit rate of the same database (a loop of one-row insert + commit)."""
import os
import statistics
import tempfile
import time

from benchmarks.setup import bench_app, pg_url
from builder.db import db
from engine import records, worker

RUNS = 2000
REPEATS = 3


def _workflow():
    from tests.engine.flows import node, publish, trigger

    publish(trigger("record_created", "deal"),
            node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
            node("tag", "update_record", add_tags=["big"]), chain=True)


def runs_per_second(url: str) -> float:
    with bench_app(url).app_context():
        _workflow()
        for i in range(RUNS):
            records.create("deal", {"fields": {"name": f"d{i}", "amount": 500}}, records.Cause(actor="bench"))
            if i % 500 == 499:
                db.session.commit()
        db.session.commit()
        started = time.perf_counter()
        while worker.engine_pass(batch=500):
            pass
        return RUNS / (time.perf_counter() - started)


def raw_commits_per_second(url: str, n: int = 3000) -> float:
    with bench_app(url).app_context():
        with db.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_raw (v TEXT)")
            conn.commit()
            started = time.perf_counter()
            for _ in range(n):
                conn.exec_driver_sql("INSERT INTO bench_raw (v) VALUES ('x')")
                conn.commit()
            return n / (time.perf_counter() - started)


def run() -> list[dict]:
    rows = []
    targets = [("SQLite", lambda: f"sqlite:///{tempfile.mkdtemp()}/bench.db")]
    if pg_url():
        targets.append(("PostgreSQL", pg_url))
    for name, url in targets:
        ours = statistics.median(runs_per_second(url()) for _ in range(REPEATS))
        raw = statistics.median(raw_commits_per_second(url()) for _ in range(REPEATS))
        rows.append({"benchmark": f"engine, 3-node workflow, {name}", "measure": "runs/s (median of 3)",
                     "value": round(ours), "reference": f"raw commits/s {round(raw)} (ratio {ours / raw:.3f})",
                     "bar": ">= 1000 runs/s on SQLite" if name == "SQLite" else ""})
    return rows


if __name__ == "__main__":
    os.environ.setdefault("FLOWDESK_BENCH", "1")
    for row in run():
        print(row)
