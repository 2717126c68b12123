"""The enrollment history: every event a workflow's trigger saw, enrolled / filtered out (which rule) / refused
(and why), written by the transaction that decided it; old filter-outs are forgotten by the worker's housekeeping."""
from datetime import timedelta

from engine import enrollment_history, worker
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import change, create, drain, enrollments_of, node, publish, runs_of, trigger

BIG = {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}


def waits():
    return node("wait", "delay", duration="P1D")


def test_each_event_the_trigger_saw_is_enrolled_filtered_out_or_refused_with_why(app, clock):
    workflow = publish(trigger("record_updated", filter=BIG), waits(), chain=True)
    record = create(fields={"name": "x", "amount": 5})
    change(record, fields={"amount": 10})  # filtered out
    change(record, fields={"amount": 5000})  # enrolled
    change(record, fields={"amount": 6000})  # refused: its run still waits and re-enrollment is off
    drain(clock)
    [run] = runs_of(workflow)
    page = enrollment_history.history(workflow.id)
    assert page["counts"] == {"enrolled": 1, "filtered": 1, "refused": 1} and page["total"] == 3
    refused, enrolled, filtered = page["items"]  # newest first
    assert (filtered["outcome"], filtered["reason"]) == ("filtered", "filter not met: amount is 10, not more than 1000")
    assert (enrolled["outcome"], enrolled["run_id"], enrolled["record_id"]) == ("enrolled", run.id, record.id)
    assert refused["outcome"] == "refused"
    assert refused["reason"] == f"run {run.id} of this workflow is still live on this record and re-enrollment is off"
    assert [item["event"]["event"] for item in page["items"]] == ["updated"] * 3
    assert filtered["event"]["changed"] == ["amount"] and filtered["event"]["actor"] == "tester"
    assert all(item["created_at"] == clock.now() for item in page["items"])


def test_the_enrolled_row_names_the_run_and_the_event_that_started_it(app, clock):
    workflow = publish(trigger(), node("tag", "update_record", add_tags=["seen"]), chain=True)
    first, second = create(fields={"name": "a"}), create(fields={"name": "b"})
    drain(clock)
    runs = runs_of(workflow)
    rows = enrollments_of(workflow)
    assert [(row.kind, row.run_id, row.record_id) for row in rows] == [
        ("enrolled", runs[0].id, first.id), ("enrolled", runs[1].id, second.id)]
    assert [row.event_id for row in rows] == [runs[0].event_id, runs[1].event_id]


def test_the_loop_guard_is_a_refusal_in_the_history(app, clock):
    workflow = publish(trigger("record_updated"), node("bump", "update_record", fields={"name": "bumped"}), chain=True)
    record = create(fields={"name": "x"})
    change(record, fields={"amount": 3})
    drain(clock)
    page = enrollment_history.history(workflow.id, outcome="refused")
    [refused] = page["items"]
    assert refused["reason"] == "the change was made by this workflow's own run, which never starts it again"
    assert refused["event"]["actor"] is not None and page["total"] == 1
    assert [item["outcome"] for item in enrollment_history.history(workflow.id)["items"]] == ["refused", "enrolled"]


def test_pages_hold_per_page_rows_newest_first(app, clock):
    workflow = publish(trigger(filter=BIG), chain=True)
    for amount in range(5):
        create(fields={"name": f"d{amount}", "amount": amount})
    drain(clock)
    first = enrollment_history.history(workflow.id, page=1, per_page=2)
    third = enrollment_history.history(workflow.id, page=3, per_page=2)
    assert first["total"] == 5 and len(first["items"]) == 2 and len(third["items"]) == 1
    assert first["items"][0]["id"] > first["items"][1]["id"] > third["items"][0]["id"]


def test_housekeeping_forgets_filter_outs_older_than_thirty_days_by_the_clock(app, clock):
    workflow = publish(trigger("record_updated", filter=BIG), waits(), chain=True)
    record = create(fields={"name": "x", "amount": 5})
    change(record, fields={"amount": 6})  # filtered out, 31 days before the housekeeping
    change(record, fields={"amount": 5000})  # enrolled then
    change(record, fields={"amount": 5001})  # refused then
    drain(clock)
    clock.advance(timedelta(days=31))
    change(record, fields={"amount": 7})  # filtered out, today
    drain(clock)
    assert worker.housekeeping(clock) == 1
    kept = enrollment_history.history(workflow.id)["items"]
    assert [item["outcome"] for item in kept] == ["filtered", "refused", "enrolled"]
    assert kept[0]["reason"] == "filter not met: amount is 7, not more than 1000"
    assert worker.housekeeping(clock) == 0
