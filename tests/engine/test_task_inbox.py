"""One inbox: created tasks (task records) beside human tasks, each with the record it is about."""
from store.db import db
from crm import records
from engine import task_records, tasks
from crm.models import Record
from engine.models import HumanTask
from crm.people import find_user
from tests.engine.flows import clock, create, drain, edge, node, publish, trigger  # noqa: F401


def first_call_rule():
    return publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}", due="P1D",
                                   priority="high", details="Introduce yourself"), chain=True)


def approval_rule():
    return publish(trigger(), node("ask", "human_task", title="Approve {{ record.fields.name }}",
                                   assignee={"owner": True}, outcomes=["approved", "rejected"]),
                   edges=[edge("start", "ask")], name="Approval")


def test_a_created_task_is_about_the_deal_and_waits_in_its_owners_inbox(app, clock):
    first_call_rule()
    deal = create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    task = db.session.scalars(db.select(Record).where(Record.object == "task")).one()
    assert task.related_id == deal.id
    [row] = tasks.inbox(find_user("eddie"), clock=clock)
    assert (row["kind"], row["id"], row["title"], row["priority"], row["status"]) == (
        "task_record", task.id, "Call Acme", "high", "open")
    assert row["related"] == {"id": deal.id, "object": "deal", "name": "Acme", "url": f"/records/deal/{deal.id}"}
    assert row["due_at"] is not None and row["details"] == "Introduce yourself"
    assert tasks.inbox(find_user("vic"), clock=clock) == []


def test_done_sets_the_task_records_status_and_it_leaves_the_open_inbox(app, clock):
    first_call_rule()
    create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    [row] = tasks.inbox(find_user("eddie"), clock=clock)
    record, changed = task_records.mark_done(row["id"], records.Cause(actor="eddie", user=find_user("eddie")))
    db.session.commit()
    assert changed and db.session.get(Record, row["id"]).fields["status"] == "Done"
    assert tasks.inbox(find_user("eddie"), clock=clock) == []
    assert [r["id"] for r in tasks.inbox(find_user("eddie"), "done", clock)] == [record.id]
    assert task_records.mark_done(row["id"], records.Cause(actor="eddie", user=find_user("eddie")))[1] is False


def test_an_approval_is_listed_once_and_links_the_deal_being_approved(app, clock):
    approval_rule()
    deal = create(fields={"name": "Globex"}, owner="eddie")
    drain(clock)
    human = db.session.scalars(db.select(HumanTask)).one()
    assert db.session.get(Record, human.record_id).related_id == deal.id
    [row] = tasks.inbox(find_user("eddie"), clock=clock)
    assert (row["kind"], row["id"], row["record_id"]) == ("human_task", human.id, human.record_id)
    assert row["related"]["url"] == f"/records/deal/{deal.id}" and row["related"]["name"] == "Globex"


def test_both_kinds_share_the_inbox_soonest_due_first(app, clock):
    first_call_rule()
    approval_rule()
    create(fields={"name": "Initech"}, owner="eddie")
    drain(clock)
    rows = tasks.inbox(find_user("eddie"), clock=clock)
    assert [(r["kind"], r["title"]) for r in rows] == [("task_record", "Call Initech"),
                                                        ("human_task", "Approve Initech")]
