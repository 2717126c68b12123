"""Enrollment: events become runs through the trigger index, under the contract's rules (CONTRACT.md §5)."""
from store import versions
from store.db import db
from crm import pipelines, records
from engine import enrollment
from crm.models import Event, Record
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import (change, create, drain, node, only_run, publish, refusals_of, runs_of, steps_of,
                                trigger)

BIG = {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}


def tagger(tag="big", node_id="tag"):
    return node(node_id, "update_record", add_tags=[tag])


def delay(node_id="wait", duration="P1D"):
    return node(node_id, "delay", duration=duration)


def test_a_new_record_runs_trigger_condition_action(app, clock):
    workflow = publish(trigger(), node("big", "condition", **BIG), tagger(), chain=True)
    record = create(fields={"name": "Big deal", "amount": 5000})
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.record_id, run.version, run.depth) == ("completed", record.id, 1, 0)
    assert {n: s["status"] for n, s in run.nodes.items()} == {"start": "done", "big": "done", "tag": "done"}
    steps = steps_of(run)
    assert steps["big"].reason == "amount is 5000, more than 1000"
    assert steps["tag"].output == {"changes": {"tags": {"old": [], "new": ["big"]}}}
    assert db.session.get(Record, record.id).tags == ["big"]
    assert db.session.scalar(db.select(db.func.count()).where(Event.processed_at.is_(None))) == 0


def test_a_condition_not_met_is_skipped_with_its_reason(app, clock):
    workflow = publish(trigger(), node("big", "condition", **BIG), tagger(), chain=True)
    create(fields={"name": "Small deal", "amount": 10})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed"
    assert run.nodes["big"] == {"status": "skipped", "reason": "condition not met: amount is 10, not more than 1000",
                                "until": None, "error": None, "count": 1}
    assert "tag" not in run.nodes


def test_record_updated_fires_only_when_a_listed_field_changed(app, clock):
    workflow = publish(trigger("record_updated", fields=["amount"]), tagger(), chain=True)
    record = create(fields={"name": "Deal", "amount": 1})
    change(record, fields={"name": "Renamed"})
    drain(clock)
    assert runs_of(workflow) == []
    change(record, fields={"amount": 2})
    drain(clock)
    assert only_run(workflow).trigger["changes"] == {"amount": {"old": 1, "new": 2}}


def test_stage_entered_and_trigger_filter(app, clock):
    workflow = publish(trigger("stage_entered", pipeline="sales", stage="won",
                               filter={"match": "all", "rules": [{"field": "amount", "op": "gte", "value": 100}]}),
                       tagger("winner"), chain=True)
    small, large = create(fields={"name": "a", "amount": 5}), create(fields={"name": "b", "amount": 500})
    for record in (small, large):
        change(record, stage="proposal")
        change(record, stage="won")
    drain(clock)
    assert [run.record_id for run in runs_of(workflow)] == [large.id]


def test_a_record_created_in_the_stage_has_entered_it_and_other_changes_do_not_enter_it_again(app, clock):
    workflow = publish(trigger("stage_entered", pipeline="sales", stage="won"), tagger("winner"), chain=True,
                       reenroll=True)
    born_won = create(fields={"name": "a"}, stage="won")
    born_new = create(fields={"name": "b"})
    drain(clock)
    change(born_won, fields={"amount": 7})  # still in the stage: not entered again
    drain(clock)
    assert [run.record_id for run in runs_of(workflow)] == [born_won.id]
    assert born_new.stage != "won"


def test_moving_to_a_same_named_stage_of_another_pipeline_enters_it(app, clock):
    pipelines.add_pipeline("deal", "Partners", ["New", "Signed"])
    workflow = publish(trigger("stage_entered", pipeline="partners", stage="new"), tagger("partner"), chain=True)
    record = create(fields={"name": "a"})  # sales / new
    change(record, pipeline="partners", stage="new")
    drain(clock)
    assert [run.record_id for run in runs_of(workflow)] == [record.id]


def test_paused_workflows_do_not_enroll(app, clock):
    workflow = publish(trigger(), tagger(), chain=True)
    versions.set_status(workflow, "paused")
    db.session.commit()
    create(fields={"name": "x"})
    drain(clock)
    assert runs_of(workflow) == []


def test_a_live_run_blocks_reenrollment_and_the_refusal_is_recorded(app, clock):
    workflow = publish(trigger("record_updated"), delay(), chain=True)
    record = create(fields={"name": "x"})
    change(record, fields={"amount": 1})
    change(record, fields={"amount": 2})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "waiting"
    [refusal] = refusals_of(workflow)
    assert refusal.record_id == record.id and refusal.event_id is not None
    assert refusal.reason == f"run {run.id} of this workflow is still live on this record and re-enrollment is off"


def test_reenroll_on_starts_a_second_live_run(app, clock):
    workflow = publish(trigger("record_updated"), delay(), chain=True, reenroll=True)
    record = create(fields={"name": "x"})
    change(record, fields={"amount": 1})
    change(record, fields={"amount": 2})
    drain(clock)
    assert [run.status for run in runs_of(workflow)] == ["waiting", "waiting"]
    assert refusals_of(workflow) == []


def test_a_workflow_never_retriggers_itself(app, clock):
    workflow = publish(trigger("record_updated"), node("bump", "update_record", fields={"name": "bumped"}), chain=True)
    record = create(fields={"name": "x"})
    change(record, fields={"amount": 3})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed"
    [refusal] = refusals_of(workflow)
    assert refusal.reason == "the change was made by this workflow's own run, which never starts it again"
    event = db.session.get(Event, refusal.event_id)
    assert (event.origin_run_id, event.origin_workflow_id, event.depth) == (run.id, workflow.id, 1)


def test_a_chain_of_workflows_stops_at_depth_ten(app, clock):
    """Two workflows that each change the record the other listens to would loop forever."""
    ping = publish(trigger("record_updated", fields=["name"]), node("p", "update_record",
                                                                    fields={"amount": "{{ record.fields.amount + 1 }}"}),
                   chain=True, name="ping")
    pong = publish(trigger("record_updated", fields=["amount"]), node("q", "update_record",
                                                                      fields={"name": "n{{ record.fields.amount }}"}),
                   chain=True, name="pong")
    record = create(fields={"name": "start", "amount": 0})
    change(record, fields={"name": "go"})
    drain(clock)
    runs = runs_of(ping) + runs_of(pong)
    assert sorted(run.depth for run in runs) == list(range(10))
    assert all(run.status == "completed" for run in runs)
    limit = [r for r in refusals_of(ping) + refusals_of(pong) if "chain" in r.reason]
    assert [r.reason for r in limit] == [
        "the change comes from a chain of 10 workflows started by each other's changes (the limit is 10)"]
    assert db.session.get(Record, record.id).fields["amount"] == 5


def test_exit_when_ends_a_live_run_when_a_change_makes_it_true(app, clock):
    won = {"match": "all", "rules": [{"field": "stage", "op": "eq", "value": "won"}]}
    workflow = publish(trigger(), delay(), tagger(), chain=True, exit_when=won)
    record = create(fields={"name": "x"}, stage="new")
    drain(clock)
    change(record, stage="qualified")
    drain(clock)
    assert only_run(workflow).status == "waiting"
    change(record, stage="won")
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.reason) == ("cancelled", "exit condition met: stage is 'won'")
    assert run.nodes["wait"]["status"] == "cancelled" and run.tokens == []
    assert steps_of(run)["wait"].status == "cancelled"
    clock.advance(86400 * 2)
    drain(clock)
    assert db.session.get(Record, record.id).tags == []


def test_deleting_the_record_cancels_its_live_runs(app, clock):
    workflow = publish(trigger(), delay(), tagger(), chain=True)
    record = create(fields={"name": "x"})
    drain(clock)
    records.delete(record, records.Cause(actor="tester"))
    db.session.commit()
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.reason) == ("cancelled", "the record was deleted")


def test_a_record_deleted_trigger_sees_the_record_as_it_was(app, clock):
    workflow = publish(trigger("record_deleted"), node("mail", "send_email", to="ops@example.com",
                                                       subject="Deleted: {{ record.fields.name }}"), chain=True)
    record = create(fields={"name": "Acme"})
    records.delete(record, records.Cause(actor="tester"))
    db.session.commit()
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and steps_of(run)["mail"].input["subject"] == "Deleted: Acme"


def test_an_event_is_enrolled_once_even_when_two_workers_race(app, clock):
    workflow = publish(trigger(), tagger(), chain=True)
    create(fields={"name": "x"})
    event = db.session.execute(db.select(Event.id, Event.object, Event.event, Event.record_id, Event.changes,
                                         Event.snapshot, Event.origin_workflow_id, Event.depth)).one()
    listeners = [(workflow.id, workflow.versions[-1].id)]
    db.session.commit()
    assert enrollment.enroll_event(event, listeners, clock) == 1
    assert enrollment.enroll_event(event, listeners, clock) == 0
    assert len(runs_of(workflow)) == 1
