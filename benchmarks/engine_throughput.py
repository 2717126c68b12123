"""Engine throughput: runs/s of a 3-node and an 8-node workflow started from durable events (enrollments and
advances committed in groups, engine/group_commit.py), on SQLite and PostgreSQL; beside the raw commit rate of the
same database (a loop of one-row insert + commit) and beside SpiffWorkflow running the same workflow as BPMN in
memory, its state serialised after each step (benchmarks/spiff_reference.py). The engine's own CPU time per run
(this process's, not the database server's) is shown beside: on a shared machine it varies less than the wall
clock. On PostgreSQL the 3-node workflow is also run by two worker processes at once (each its own engine loop
on the same database, started together once both are ready), every run checked to be completed exactly once.
With one worker, the SQL statements the engine sent per run are counted too (a `before_cursor_execute` listener).

3-node: trigger → condition → update_record.
8-node: trigger → condition → 0 s wait → update_record, whose two outgoing edges start two parallel branches,
each update_record → notify_user. Validation refuses a PT0S delay ("must be longer than zero"), so the wait
is the smallest it allows, PT0.000001S (one microsecond, the clock's resolution): it has passed by the time
the interpreter looks, so the run goes on in the same advance, as a 0 s wait should.
"""
import multiprocessing
import statistics
import tempfile
import time

from sqlalchemy import event

from benchmarks import spiff_reference
from benchmarks.setup import bench_app, pg_url
from store.db import db
from crm.models import Event
from crm import records
from engine import worker
from engine.models import Run, Step
from web import create_app

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


def runs_per_second(url: str, workflow: str, workers: int = 1) -> tuple[float, float, float]:
    """Create the records (their events are committed, not yet enrolled), then time the engine until every
    run is done: (runs/s, runs per CPU second of this process; with several workers, of them all; statements per
    run, 0 with several workers). Raises when a run did not complete (or completed twice) or took an unexpected
    number of steps."""
    publish, _, steps, runs = WORKFLOWS[workflow]
    with bench_app(url).app_context():
        publish()
        for i in range(runs):
            records.create("deal", {"fields": {"name": f"d{i}", "amount": 500}}, records.Cause(actor="bench"))
            if i % 500 == 499:
                db.session.commit()
        db.session.commit()
        statements = [0]
        if workers > 1:
            took, cpu = _in_processes(url, workers)
        else:
            def count(*_):
                statements[0] += 1

            event.listen(db.engine, "before_cursor_execute", count)
            started, cpu_started = time.perf_counter(), time.process_time()
            # timers_pass only in case a 0 s wait parked a run (it should not: see the docstring).
            while worker.engine_pass(batch=500) + worker.timers_pass():
                pass
            took, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            event.remove(db.engine, "before_cursor_execute", count)
        _check(runs, runs * steps)
        return runs / took, runs / cpu, statements[0] / runs


def _in_processes(url: str, workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of them all) for `workers` processes running engine passes until no event is
    left to enroll."""
    spawn = multiprocessing.get_context("spawn")
    ready, go, cpu = spawn.Barrier(workers + 1), spawn.Event(), spawn.Queue()
    processes = [spawn.Process(target=_engine_process, args=(url, ready, go, cpu)) for _ in range(workers)]
    for process in processes:
        process.start()
    ready.wait()
    started = time.perf_counter()
    go.set()
    for process in processes:
        process.join()
    took = time.perf_counter() - started
    return took, sum(cpu.get() for _ in processes)


def _engine_process(url: str, ready, go, cpu) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FLOWDESK_EMBEDDED_ENGINE": False})
    with app.app_context():
        db.session.execute(db.select(Event.id).limit(1)).all()  # connected before the start
        db.session.commit()
        ready.wait()
        go.wait()
        started = time.process_time()
        while True:
            if worker.engine_pass(batch=500):
                continue
            if not _events_left():
                break
            time.sleep(worker.IDLE_SECONDS)  # as worker.loop does after a pass with nothing to do
        cpu.put(time.process_time() - started)


def _events_left() -> bool:
    """Events still pending (the other worker holds their records right now), or runs still ready."""
    left = db.session.scalar(db.select(Event.id).where(Event.processed_at.is_(None)).limit(1)) is not None \
        or db.session.scalar(db.select(Run.id).where(Run.ready.is_(True)).limit(1)) is not None
    db.session.commit()
    return left


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


def medians(measure) -> tuple[float, float]:
    """The medians of each figure of `measure()` (a tuple), over REPEATS measurements."""
    taken = [measure() for _ in range(REPEATS)]
    return tuple(statistics.median(figures) for figures in zip(*taken))


def spiff_rates() -> dict:
    """SpiffWorkflow's runs/s per workflow (no database: measured once, shown beside both databases)."""
    if not spiff_reference.available():
        return {}
    return {name: median(lambda: spiff_reference.runs_per_second(process, runs)[0])
            for name, (_, process, _, runs) in WORKFLOWS.items()}


BARS = {("3-node", "SQLite", 1): ">= 5000 runs/s and >= 10 % of raw commits/s (issue #19)",
        ("3-node", "PostgreSQL", 1): ">= 1000 runs/s (issue #19)",
        ("3-node", "PostgreSQL", 2): ">= 1.6x one worker (issue #19)"}


def run() -> list[dict]:
    rows = []
    spiff = spiff_rates()
    targets = [("SQLite", lambda: f"sqlite:///{tempfile.mkdtemp()}/bench.db")]
    if pg_url():
        targets.append(("PostgreSQL", pg_url))
    for database, url in targets:
        raw = median(lambda: raw_commits_per_second(url()))
        measures = [(workflow, 1) for workflow in WORKFLOWS] + ([("3-node", 2)] if database == "PostgreSQL" else [])
        one_worker = {}
        for workflow, workers in measures:
            ours, per_cpu, statements = medians(lambda: runs_per_second(url(), workflow, workers))
            reference = f"{per_cpu:.0f} runs per CPU second; raw commits/s {raw:.0f} (ratio {ours / raw:.3f})"
            if statements:
                reference += f"; {statements:.2f} SQL statements per run"
            if workers > 1:
                reference += f"; {ours / one_worker[workflow]:.2f}x one worker"
            elif workflow in spiff:
                theirs = spiff[workflow]
                reference += f"; SpiffWorkflow in memory {theirs:.0f} runs/s (ratio {ours / theirs:.2f})"
            else:
                reference += "; SpiffWorkflow not installed (make bench installs it)"
            one_worker.setdefault(workflow, ours)
            name = f"engine, {workflow} workflow, {database}" + (f", {workers} worker processes" if workers > 1 else "")
            rows.append({"benchmark": name, "measure": f"runs/s (median of {REPEATS})", "value": round(ours),
                         "reference": reference, "bar": BARS.get((workflow, database, workers), "")})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
