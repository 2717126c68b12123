"""Human tasks: assignment, outcomes, deadlines, refusals and cancellation."""
from datetime import timedelta

import pytest

from store.db import db
from crm import records
from engine import tasks
from crm.models import Record
from engine.models import HumanTask
from crm.people import find_user
from tests.engine.flows import (change, clock, create, drain, edge, node, notifications_for, only_run,  # noqa: F401
                                publish, steps_of, trigger)


def approval(assignee=None, due="", wire_timeout=True, **config):
    nodes = [trigger("stage_entered", "deal", stage="proposal"),
             node("ask", "human_task", title="Approve {{ record.fields.name }}", outcomes=["approved", "rejected"],
                  assignee=assignee or {"user": "ada"}, due=due, **config),
             node("yes", "update_record", add_tags=["approved"]), node("no", "update_record", add_tags=["rejected"]),
             node("late", "update_record", add_tags=["escalated"])]
    edges = [edge("start", "ask"), edge("ask", "yes", "approved"), edge("ask", "no", "rejected")]
    if wire_timeout:
        edges.append(edge("ask", "late", "timeout"))
    return publish(*nodes, edges=edges)


def to_proposal(clock, **fields):
    deal = create("deal", fields={"name": "Big deal", **fields}, owner="eddie", stage="new")
    change(deal, stage="proposal")
    drain(clock)
    return deal


def open_task():
    return db.session.scalars(db.select(HumanTask).where(HumanTask.status == "open")).one()


def tags(deal):
    db.session.expire_all()
    return db.session.get(Record, deal.id).tags


@pytest.mark.parametrize("outcome", ["approved", "rejected"])
def test_each_outcome_takes_its_branch(app, clock, outcome):
    workflow = approval()
    deal = to_proposal(clock)
    task = open_task()
    assert only_run(workflow).status == "waiting" and task.title == "Approve Big deal"
    record = db.session.get(Record, task.record_id)
    assert record.object == "task" and record.fields["status"] == "To Do" and record.fields["assignee"] == "ada"
    assert [n.message for n in notifications_for("ada")] == ["New task: Approve Big deal"]
    tasks.complete(task.id, outcome, find_user("ada"), clock)
    db.session.commit()
    drain(clock)
    assert tags(deal) == [outcome]
    run = only_run(workflow)
    assert run.status == "completed" and steps_of(run)["ask"].status == "done"
    assert db.session.get(Record, task.record_id).fields["status"] == "Done"


def test_owner_assignment(app, clock):
    approval(assignee={"owner": True})
    to_proposal(clock)
    assert open_task().assignee_user == "eddie"


def test_role_task_is_visible_to_the_role_until_claimed(app, clock):
    approval(assignee={"role": "editor"})
    to_proposal(clock)
    task = open_task()
    assert [t["id"] for t in tasks.inbox(find_user("eddie"), clock=clock)] == [task.id]
    assert tasks.inbox(find_user("vic"), clock=clock) == []
    with pytest.raises(tasks.TaskRefused) as refused:
        tasks.complete(task.id, "approved", find_user("vic"), clock)
    assert refused.value.status == 403


def test_double_completion_unknown_outcome_and_wrong_user_are_refused(app, clock):
    approval()
    to_proposal(clock)
    task = open_task()
    for user, outcome, status in [("eddie", "approved", 403), ("ada", "maybe", 422)]:
        with pytest.raises(tasks.TaskRefused) as refused:
            tasks.complete(task.id, outcome, find_user(user), clock)
        assert refused.value.status == status
    tasks.complete(task.id, "approved", find_user("ada"), clock)
    db.session.commit()
    with pytest.raises(tasks.TaskRefused) as refused:
        tasks.complete(task.id, "rejected", find_user("ada"), clock)
    assert refused.value.status == 409 and "approved by ada" in refused.value.message


def test_timeout_branch_when_due_passes(app, clock):
    workflow = approval(due="P1D")
    deal = to_proposal(clock)
    task = open_task()
    clock.advance(timedelta(hours=23))
    drain(clock)
    assert only_run(workflow).status == "waiting"
    clock.advance(timedelta(hours=2))
    drain(clock)
    assert tags(deal) == ["escalated"] and only_run(workflow).status == "completed"
    # The decision no longer counts: the task has left the inbox, and a late answer is refused.
    assert tasks.inbox(find_user("ada"), clock=clock) == []
    with pytest.raises(tasks.TaskRefused) as refused:
        tasks.complete(task.id, "approved", find_user("ada"), clock)
    assert refused.value.status == 409 and "timeout" in refused.value.message


def test_without_a_timeout_branch_the_task_stays_open_and_overdue(app, clock):
    workflow = approval(due="P1D", wire_timeout=False)
    to_proposal(clock)
    clock.advance(timedelta(days=3))
    drain(clock)
    assert only_run(workflow).status == "waiting"
    assert tasks.inbox(find_user("ada"), clock=clock)[0]["overdue"] is True


def test_setting_the_task_record_to_done_completes_with_the_first_outcome(app, clock):
    approval()
    deal = to_proposal(clock)
    record = db.session.get(Record, open_task().record_id)
    for stranger in (None, find_user("eddie")):  # nobody named, or an editor the task is not for
        with pytest.raises(tasks.TaskRefused):
            records.update(record, {"fields": {"status": "Done"}}, records.Cause(actor="tester", user=stranger))
    db.session.rollback()
    records.update(record, {"fields": {"status": "Done"}}, records.Cause(actor="ada", user=find_user("ada")))
    db.session.commit()
    drain(clock)
    assert tags(deal) == ["approved"]


@pytest.mark.parametrize("fields", [{"status": "Done"}, {"assignee": "eddie"}])
def test_a_workflow_run_cannot_decide_or_reassign_an_open_human_task(app, clock, fields):
    """Issue 18: the rule for a human task's own record holds through the engine's door too. A rule started by
    the approval's task record that sets its status or assignee fails that step, naming the task; the approval
    stays open, undecided, and its record unchanged."""
    approval()
    rule = publish(trigger(object_="task", include_workflow_tasks=True), node("set", "update_record", fields=fields),
                   chain=True, name="Meddle with tasks")
    deal = to_proposal(clock)
    task = open_task()
    rule_run = only_run(rule)
    assert rule_run.status == "failed" and steps_of(rule_run)["set"].status == "failed"
    assert steps_of(rule_run)["set"].error == (f"A workflow cannot change the {next(iter(fields))} of task "
                                               "'Approve Big deal': a person decides it.")
    db.session.expire_all()
    assert open_task().id == task.id and tags(deal) == []
    record = db.session.get(Record, task.record_id).fields
    assert (record["status"], record["assignee"]) == ("To Do", "ada")


def test_cancel_if_changed_cancels_the_task_with_the_run(app, clock):
    workflow = approval(cancel_if_changed=["stage"])
    deal = to_proposal(clock)
    task_id = open_task().id
    change(deal, stage="lost")
    drain(clock)
    assert only_run(workflow).status == "cancelled"
    assert db.session.get(HumanTask, task_id).status == "cancelled"
