"""Engine throughput: runs/s of a 3-node and an 8-node workflow started from durable events, every advance
committed, on SQLite and PostgreSQL; beside the raw commit rate of the same database (a loop of one-row
insert + commit) and beside SpiffWorkflow running the same workflow as BPMN in memory, its state serialised
after each step (benchmarks/spiff_reference.py).

3-node: trigger → condition → update_record.
8-node: trigger → condition → 0 s wait → update_record, whose two outgoing edges start two parallel branches,
each update_record → notify_user. Validation refuses a PT0S delay ("must be longer than zero"), so the wait
is the smallest it allows, PT0.000001S (one microsecond, the clock's resolution): it has passed by the time
the interpreter looks, so the run goes on in the same advance, as a 0 s wait should.
"""
import statistics
import tempfile
import time

from benchmarks import spiff_reference
from benchmarks.setup import bench_app, pg_url
from store.db import db
from crm import records
from engine import worker
from engine.models import Run, Step

REPEATS = 3
ZERO_WAIT = "PT0.000001S"


def three_node():
    from tests.engine.flows import node, publish, trigger

    publish(trigger("record_created", "deal"),
            node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
            node("tag", "update_record", add_tags=["big"]), chain=True)


def eight_node():
    from tests.engine.flows import edge, node, publish, trigger

    nodes = [trigger("record_created", "deal"),
             node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
             node("pause", "delay", duration=ZERO_WAIT),
             node("qualify", "update_record", add_tags=["qualified"]),
             node("tag_big", "update_record", add_tags=["big"]),
             node("tell_big", "notify_user", user="eddie", message="A big deal came in"),
             node("tag_priority", "update_record", add_tags=["priority"]),
             node("tell_priority", "notify_user", user="eddie", message="A priority deal came in")]
    edges = [edge("start", "big"), edge("big", "pause", "true"), edge("pause", "qualify"),
             edge("qualify", "tag_big"), edge("qualify", "tag_priority"),  # the parallel branch
             edge("tag_big", "tell_big"), edge("tag_priority", "tell_priority")]
    publish(*nodes, edges=edges)


# name: (publish the workflow, the BPMN process of benchmarks/bpmn/, steps per run, runs per measurement)
WORKFLOWS = {"3-node": (three_node, "three_node", 3, 2000),
             "8-node": (eight_node, "eight_node", 8, 500)}


def runs_per_second(url: str, workflow: str) -> float:
    """Create the records (their events are committed, not yet enrolled), then time the engine until every
    run is done. Raises when a run did not complete or took an unexpected number of steps."""
    publish, _, steps, runs = WORKFLOWS[workflow]
    with bench_app(url).app_context():
        publish()
        for i in range(runs):
            records.create("deal", {"fields": {"name": f"d{i}", "amount": 500}}, records.Cause(actor="bench"))
            if i % 500 == 499:
                db.session.commit()
        db.session.commit()
        started = time.perf_counter()
        # timers_pass only in case a 0 s wait parked a run (it should not: see the docstring).
        while worker.engine_pass(batch=500) + worker.timers_pass():
            pass
        took = time.perf_counter() - started
        _check(runs, runs * steps)
        return runs / took


def _check(runs: int, steps: int) -> None:
    completed = db.session.scalar(db.select(db.func.count(Run.id)).where(Run.status == "completed"))
    taken = db.session.scalar(db.select(db.func.count(Step.id)).where(Step.status == "done"))
    if (completed, taken) != (runs, steps):
        raise AssertionError(f"expected {runs} completed runs and {steps} steps done, "
                             f"got {completed} and {taken}")


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


def median(measure) -> float:
    return statistics.median(measure() for _ in range(REPEATS))


def spiff_rates() -> dict:
    """SpiffWorkflow's runs/s per workflow (no database: measured once, shown beside both databases)."""
    if not spiff_reference.available():
        return {}
    return {name: median(lambda: spiff_reference.runs_per_second(process, runs)[0])
            for name, (_, process, _, runs) in WORKFLOWS.items()}


def run() -> list[dict]:
    rows = []
    spiff = spiff_rates()
    targets = [("SQLite", lambda: f"sqlite:///{tempfile.mkdtemp()}/bench.db")]
    if pg_url():
        targets.append(("PostgreSQL", pg_url))
    for database, url in targets:
        raw = median(lambda: raw_commits_per_second(url()))
        for workflow in WORKFLOWS:
            ours = median(lambda: runs_per_second(url(), workflow))
            reference = f"raw commits/s {raw:.0f} (ratio {ours / raw:.3f})"
            if workflow in spiff:
                theirs = spiff[workflow]
                reference += f"; SpiffWorkflow in memory {theirs:.0f} runs/s (ratio {ours / theirs:.2f})"
            else:
                reference += "; SpiffWorkflow not installed (make bench installs it)"
            rows.append({"benchmark": f"engine, {workflow} workflow, {database}",
                         "measure": f"runs/s (median of {REPEATS})", "value": round(ours), "reference": reference,
                         "bar": ">= 1000 runs/s (issue #4)" if (workflow, database) == ("3-node", "SQLite") else ""})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
