"""Timers: lateness of 1,000 runs parked on one 5-second delay, 100,000 parked runs falling due at once under a
running `flowdesk worker`, and a restart with many overdue timers."""
import signal
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks import parked
from benchmarks.setup import bench_app, flowdesk, status_kib
from store.db import db
from crm import records
from engine import worker
from engine.models import Run, Step
from engine.models.workers import WorkerBeat
from engine.worker import Engine

PARKED = 1000
OVERDUE = 10_000
MANY = 100_000
MANY_BAR = 60  # seconds from the common due time to the last run resumed (issue #5)
MANY_PATIENCE = 2 * MANY_BAR  # then we stop waiting and report how far it got (keeps `make bench` bounded)


def _publish(duration):
    from tests.engine.flows import node, publish, trigger

    return publish(trigger("record_created", "deal"), node("wait", "delay", duration=duration),
                   node("tag", "update_record", add_tags=["woke"]), chain=True)


def _park(count):
    for i in range(count):
        records.create("deal", {"fields": {"name": f"d{i}"}}, records.Cause(actor="bench"))
        if i % 1000 == 999:
            db.session.commit()
    db.session.commit()
    while worker.engine_pass(batch=1000):
        pass


def lateness() -> dict:
    app = bench_app(f"sqlite:///{tempfile.mkdtemp()}/timers.db")
    with app.app_context():
        _publish("PT5S")
        _park(PARKED)
        engine = Engine(app).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and db.session.scalar(
                db.select(db.func.count(Run.id)).where(Run.status != "completed")):
            db.session.commit()
            time.sleep(0.2)
        engine.stop()
        steps = db.session.scalars(db.select(Step).where(Step.node_id == "wait")).all()
        late = sorted((s.finished_at - s.started_at - timedelta(seconds=5)).total_seconds() for s in steps
                      if s.finished_at)
    return {"resumed": len(late), "p50": statistics.median(late), "p99": late[int(len(late) * 0.99) - 1]}


def restart_with_overdue() -> dict:
    app = bench_app(f"sqlite:///{tempfile.mkdtemp()}/overdue.db")
    with app.app_context():
        _publish("PT1S")
        _park(OVERDUE)
        time.sleep(1.5)  # every timer is now overdue, as after a downtime
        started = time.perf_counter()
        worker.timers_pass()
        took = time.perf_counter() - started
        done = db.session.scalar(db.select(db.func.count(Run.id)).where(Run.status == "completed"))
        tags = db.session.scalar(db.select(db.func.count(Step.id)).where(Step.node_id == "tag"))
    return {"seconds": took, "completed": done, "tag_steps": tags}


def many_due_at_once() -> dict:
    """MANY runs parked (in bulk) on one due time, resumed by a separate `flowdesk worker` process whose peak
    resident size is its own (the bulk inserts happen here, in the benchmark process)."""
    directory = Path(tempfile.mkdtemp(prefix="flowdesk-bench-many-"))
    url = f"sqlite:///{directory}/many.db"
    with bench_app(url).app_context():
        _publish("P7D")  # parked far ahead first, so the worker starts and settles before they fall due
        placeholder = parked.park(MANY)
        worker_process = flowdesk("worker", url=url, log=directory / "worker.log")
        try:
            while not db.session.scalar(db.select(db.func.count(WorkerBeat.name))):
                db.session.commit()
                time.sleep(0.2)
            time.sleep(2)
            due = datetime.now(timezone.utc) + timedelta(seconds=5)
            moved = parked.reschedule(placeholder, due)
            _wait_completed(moved, due + timedelta(seconds=MANY_PATIENCE))
            peak_kib = status_kib(worker_process.pid, "VmHWM")
        finally:
            _stop(worker_process)
        # Read after the worker stopped (it may have resumed more while stopping): counts and steps agree.
        finished = db.session.scalars(db.select(Run.finished_at).where(Run.status == "completed")).all()
        tags = db.session.scalar(db.select(db.func.count(Step.id)).where(Step.node_id == "tag"))
    last = (max(finished) - due).total_seconds() if finished else 0
    return {"parked": moved, "completed": len(finished), "last": last, "tag_steps": tags,
            "in_bar": sum(1 for at in finished if at <= due + timedelta(seconds=MANY_BAR)),
            "in_patience": sum(1 for at in finished if at <= due + timedelta(seconds=MANY_PATIENCE)),
            "rate": len(finished) / last if last else 0, "peak_mib": peak_kib / 1024}


def _stop(process, grace: float = 20) -> None:
    """SIGTERM, then SIGKILL: a worker stops gracefully only once its timer pass has worked off the whole
    backlog of due runs, which with this many can take minutes."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_completed(total: int, give_up: datetime) -> None:
    while datetime.now(timezone.utc) < give_up:
        done = db.session.scalar(db.select(db.func.count(Run.id)).where(Run.status == "completed"))
        db.session.commit()
        if done >= total:
            return
        time.sleep(0.5)


def run() -> list[dict]:
    late = lateness()
    many = many_due_at_once()
    overdue = restart_with_overdue()
    if many["in_patience"] == many["parked"]:
        resumed = f"last resumed {many['last']:.1f} s after due"
    else:
        resumed = (f"not all: {many['in_patience']} resumed by {MANY_PATIENCE} s after due, when we stopped "
                   f"waiting ({many['rate']:.0f} runs/s)")
    return [
        {"benchmark": f"timers, {PARKED} runs parked on a 5 s delay (SQLite)", "measure": "lateness p50 / p99",
         "value": f"{late['p50'] * 1000:.0f} ms / {late['p99'] * 1000:.0f} ms", "reference": f"{late['resumed']} resumed",
         "bar": "p99 <= 100 ms (issue #19)"},
        {"benchmark": f"timers, {many['parked']} parked runs due at once, one `flowdesk worker` (SQLite)",
         "measure": "due to last resumed; worker peak RSS",
         "value": f"{resumed}; {many['peak_mib']:.0f} MiB",
         "reference": f"{many['in_bar']} resumed within {MANY_BAR} s; {many['tag_steps']} tag steps for "
                      f"{many['completed']} completed runs",
         "bar": f"all within {MANY_BAR} s, peak memory stated"},
        {"benchmark": f"timers, restart with {OVERDUE} overdue", "measure": "time to resume all",
         "value": f"{overdue['seconds']:.1f} s", "reference": f"{overdue['completed']} completed, "
                                                            f"{overdue['tag_steps']} tag steps (each once)",
         "bar": "all, each once"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
