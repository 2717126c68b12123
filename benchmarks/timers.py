"""Timers: lateness of 1,000 runs parked on one 5-second delay, and a restart with many overdue timers."""
import statistics
import tempfile
import time
from datetime import timedelta

from benchmarks.setup import bench_app
from builder.db import db
from engine import records, worker
from engine.models import Run, Step
from engine.worker import Engine

PARKED = 1000
OVERDUE = 10_000


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


def run() -> list[dict]:
    late = lateness()
    overdue = restart_with_overdue()
    return [
        {"benchmark": f"timers, {PARKED} runs parked on a 5 s delay (SQLite)", "measure": "lateness p50 / p99",
         "value": f"{late['p50'] * 1000:.0f} ms / {late['p99'] * 1000:.0f} ms", "reference": f"{late['resumed']} resumed",
         "bar": "p99 < 1 s"},
        {"benchmark": f"timers, restart with {OVERDUE} overdue", "measure": "time to resume all",
         "value": f"{overdue['seconds']:.1f} s", "reference": f"{overdue['completed']} completed, "
                                                            f"{overdue['tag_steps']} tag steps (each once)",
         "bar": "all, each once"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
