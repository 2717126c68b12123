"""A workflow with CPU-heavy templates does not starve others (issue 18, point 1).

The review's workload: ten chained steps whose text loops over range(100000). Each advance gets a CPU budget
(ADVANCE_CPU_SECONDS), stops at a step boundary past it and parks the run to go on later; a workflow whose
advances keep overrunning is paused and its owner and the admins are told. Meanwhile an unrelated workflow's
run completes while the heavy runs are still going, and record writes through the API are answered 201, or
503 with Retry-After when the database is busy, never 500. Timings are printed (run with -s), not asserted.
"""
import threading
import time
from datetime import timedelta

from store import versions
from store.db import db
from store.models import Workflow
from engine import worker
from crm.models import Notification, Record
from engine.models import Run, Step
from tests.engine.flows import clock  # noqa: F401 (a fixture)
from tests.engine.flows import create, drain, node, notifications_for, only_run, publish, runs_of, trigger

HEAVY = "{% for i in range(100000) %}{% set x = i * 2 %}{% endfor %}step {{ record.id }}"
STEPS = 10
HOGS = 3
MAX_OVERRUNS = 3


def wait_for(test, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        found = test()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_heavy_templates_neither_starve_other_runs_nor_fail_writes(app, api):
    app.config.update(ADVANCE_CPU_SECONDS=0.3, OVERRUN_PAUSE_SECONDS=0.5, WORKFLOW_MAX_OVERRUNS=MAX_OVERRUNS)
    heavy = [node(f"s{i}", "notify_user", user="eddie", message=HEAVY) for i in range(STEPS)]
    hog = publish(trigger(), *heavy, chain=True, name="Heavy")
    light = publish(trigger(object_="company"), node("tag", "update_record", add_tags=["seen"]), chain=True,
                    name="Light")
    for i in range(HOGS):
        create(fields={"name": f"heavy {i}"})
    statuses, stop_writing = [], threading.Event()
    engine = worker.start_embedded(app)
    try:
        wait_for(lambda: runs_of(hog), 30, "a heavy run")
        started = time.monotonic()
        company = create("company", fields={"name": "unrelated"})

        def write():
            with app.app_context():
                while not stop_writing.is_set():
                    response = api.post("/api/records/contact", as_="editor", json={"fields": {"name": "c"}})
                    statuses.append((response.status_code, response.headers.get("Retry-After")))

        writer = threading.Thread(target=write)
        writer.start()
        wait_for(lambda: db.session.get(Record, company.id).tags == ["seen"], 60, "the unrelated run")
        light_latency = time.monotonic() - started
        hog_runs = runs_of(hog)
        still_going = [run for run in hog_runs if run.status == "running"]
        wait_for(lambda: db.session.get(Workflow, hog.id).status == "paused", 120, "pausing the heavy workflow")
        wait_for(lambda: all(run.status == "completed" for run in runs_of(hog)), 180, "the heavy runs")
        hog_total = time.monotonic() - started
        stop_writing.set()
        writer.join(30)
    finally:
        stop_writing.set()
        engine.stop()

    print(f"\nunrelated run: {light_latency:.2f} s; heavy runs done after {hog_total:.2f} s; "
          f"writes: {len(statuses)}, 503s: {sum(1 for s, _ in statuses if s == 503)}")
    assert [run.status for run in runs_of(light)] == ["completed"]
    assert still_going, "the unrelated run should complete while heavy runs are still going"
    assert statuses and {status for status, _ in statuses} <= {201, 503}, statuses
    assert all(after for status, after in statuses if status == 503)
    workflow = db.session.get(Workflow, hog.id)
    assert workflow.status == "paused" and workflow.overruns >= MAX_OVERRUNS
    for run in runs_of(hog):  # parked and resumed, every step ran once
        steps = db.session.scalars(db.select(Step).where(Step.run_id == run.id)).all()
        assert len(steps) == STEPS + 1 and {step.status for step in steps} == {"done"}
    told = db.session.scalars(db.select(Notification).where(Notification.message.contains("was paused"))).all()
    assert {note.user_id for note in told} >= {hog.owner_id}
    assert len(db.session.scalars(db.select(Run).where(Run.workflow_id == hog.id)).all()) == HOGS


def test_an_advance_past_its_budget_parks_at_a_step_boundary_and_a_workflow_that_keeps_overrunning_is_paused(
        app, clock):
    """On the fake clock, with a budget any step exceeds: one step per advance, the rest later; the third
    overrun pauses the workflow (its runs in flight still finish), the owner and the admins are told, and a
    record created after that starts nothing. Activating it again starts a fresh count."""
    app.config.update(ADVANCE_CPU_SECONDS=0, OVERRUN_PAUSE_SECONDS=5, WORKFLOW_MAX_OVERRUNS=3)
    steps = [node(f"t{i}", "update_record", add_tags=[f"t{i}"]) for i in range(3)]
    workflow = publish(trigger(), *steps, chain=True)
    first = create(fields={"name": "first"})
    worker.engine_pass(clock)
    run = only_run(workflow)
    assert run.status == "running" and run.tokens == [{"node": "t0", "state": "ready"}]
    assert run.wake_at == clock.now() + timedelta(seconds=5) and db.session.get(Record, first.id).tags == []
    worker.timers_pass(clock)  # not due yet
    assert only_run(workflow).tokens == [{"node": "t0", "state": "ready"}]
    for expected in (["t0"], ["t0", "t1"]):
        clock.advance(5)
        worker.timers_pass(clock)
        db.session.expire_all()
        assert db.session.get(Record, first.id).tags == expected
    assert db.session.get(Workflow, workflow.id).status == "paused"
    assert [n.message.startswith("Workflow 'Test workflow' was paused") for n in notifications_for("eddie")] \
        == [True] and len(notifications_for("ada")) == 1
    clock.advance(5)
    drain(clock)
    assert only_run(workflow).status == "completed" and db.session.get(Record, first.id).tags == ["t0", "t1", "t2"]
    create(fields={"name": "second"})
    drain(clock)
    assert len(runs_of(workflow)) == 1
    versions.set_status(db.session.get(Workflow, workflow.id), "active")
    db.session.commit()
    assert db.session.get(Workflow, workflow.id).overruns == 0
