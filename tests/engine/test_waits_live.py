"""Waits in a running engine: cancellation by a field change, and real-time resumes on time."""
import time
from datetime import timedelta

from store.db import db
from crm.models import Record
from engine.models import Run
from engine.worker import Engine
from tests.engine.flows import change, clock, create, drain, node, only_run, publish, steps_of, trigger  # noqa: F401


def chaser(**wait_config):
    return publish(trigger("stage_entered", "deal", stage="unassigned"),
                   node("wait", "delay", duration="PT5M", **wait_config),
                   node("tag", "update_record", add_tags=["chased"]), chain=True)


def test_a_stage_change_cancels_the_waiting_run_at_once(app, clock):
    workflow = chaser(cancel_if_changed=["stage"])
    deal = create("deal", fields={"name": "Lead"}, stage="new")
    change(deal, stage="unassigned")
    drain(clock)
    assert only_run(workflow).status == "waiting"
    change(deal, stage="qualified")
    drain(clock)
    run = only_run(workflow)
    assert run.status == "cancelled"
    assert run.reason == "stage changed from 'unassigned' to 'qualified' while waiting at 'Delay'"
    assert run.nodes["wait"]["status"] == "cancelled" and "tag" not in run.nodes
    clock.advance(timedelta(minutes=10))
    drain(clock)
    assert "chased" not in db.session.get(Record, deal.id).tags


def test_other_field_changes_do_not_cancel(app, clock):
    workflow = chaser(cancel_if_changed=["stage"])
    deal = create("deal", fields={"name": "Lead"}, stage="new")
    change(deal, stage="unassigned")
    drain(clock)
    change(deal, fields={"amount": 10})
    drain(clock)
    clock.advance(timedelta(minutes=5))
    drain(clock)
    assert only_run(workflow).status == "completed"
    assert "chased" in db.session.get(Record, deal.id).tags


def test_sweep_after_downtime_resumes_overdue_runs(app, clock):
    workflow = chaser()
    change(create("deal", fields={"name": "Lead"}, stage="new"), stage="unassigned")
    drain(clock)
    clock.advance(timedelta(days=2))  # the service was down far past the wake time
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and steps_of(run)["wait"].status == "done"


def test_real_time_wait_resumes_within_a_second_of_due(app):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT2S"),
                       node("tag", "update_record", add_tags=["woke"]), chain=True)
    engine = Engine(app).start()
    try:
        create("deal", fields={"name": "Live"})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.expire_all()
            run = db.session.scalars(db.select(Run).where(Run.workflow_id == workflow.id)).first()
            if run is not None and run.status == "completed":
                break
            time.sleep(0.05)
        assert run is not None and run.status == "completed", run and (run.status, run.reason)
        wait = steps_of(run)["wait"]
        due = wait.started_at + timedelta(seconds=2)
        assert timedelta(0) <= wait.finished_at - due < timedelta(seconds=1)
    finally:
        engine.stop()


def test_publishing_tells_how_many_runs_live_on_older_versions(app, clock, api):
    workflow = chaser()
    change(create("deal", fields={"name": "Lead"}, stage="new"), stage="unassigned")
    drain(clock)
    answer = api.post(f"/api/workflows/{workflow.id}/publish", as_="editor").get_json()
    assert answer["version"] == 2 and answer["live_runs_on_older_versions"] == 1
    assert only_run(workflow).version == 1  # the run stays pinned to the version it started on
