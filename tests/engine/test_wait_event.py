"""Wait for an event, with a timeout: the run goes on along `next` when the record event it waits for comes
through the durable events path, or along `timeout` when it does not in time; exactly one of them, once."""
from datetime import timedelta

from crm.models import Record
from engine import worker
from engine.context import use_clock
from engine.models import Run
from store.db import db
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import change, create, drain, edge, in_threads, node, only_run, publish, steps_of, trigger
from web import create_app


def tag(name):
    return node(name, "update_record", add_tags=[name])


def waiting_for(trigger_node=None, **config):
    config.setdefault("timeout", "P1D")
    return publish(trigger_node or trigger(), node("wait", "wait_event", **config), tag("heard"), tag("late"),
                   edges=[edge("start", "wait"), edge("wait", "heard"), edge("wait", "late", "timeout")])


def tags_of(record):
    db.session.expire_all()
    return db.session.get(Record, record.id).tags


def test_a_named_field_changing_wakes_the_run_and_other_changes_do_not(app, clock):
    workflow = waiting_for(event="field_changed", fields=["amount"])
    deal = create(fields={"name": "Acme", "amount": 1})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "waiting" and run.nodes["wait"]["status"] == "waiting"
    assert run.nodes["wait"]["reason"].startswith("for amount to change, at most until 2026-11-26T09:00:00")
    change(deal, fields={"name": "Acme Inc"})
    drain(clock)
    assert only_run(workflow).status == "waiting"
    change(deal, fields={"amount": 2})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and tags_of(deal) == ["heard"]
    assert run.nodes["wait"]["reason"] == "heard: amount changed from 1 to 2"
    assert steps_of(run)["wait"].output["event"] == "updated"


def test_nothing_in_time_takes_the_timeout_and_a_late_event_changes_nothing(app, clock):
    workflow = waiting_for(event="field_changed", fields=[], timeout="PT2H")
    deal = create(fields={"name": "Acme"})
    drain(clock)
    clock.advance(timedelta(hours=2))
    drain(clock)
    run = only_run(workflow)
    assert (run.status, run.nodes["wait"]["status"]) == ("completed", "done")
    assert run.nodes["wait"]["reason"].startswith("nothing heard by ")
    change(deal, fields={"amount": 5})
    drain(clock)
    assert tags_of(deal) == ["late"] and "heard" not in only_run(workflow).nodes


def test_an_event_and_the_timeout_due_together_end_the_wait_once(app, clock):
    workflow = waiting_for(event="field_changed", fields=["amount"], timeout="PT1H")
    deal = create(fields={"name": "Acme", "amount": 1})
    drain(clock)
    change(deal, fields={"amount": 2})
    change(deal, fields={"amount": 3})
    clock.advance(timedelta(hours=2))
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and run.nodes["wait"]["count"] == 1
    assert len(tags_of(deal)) == 1  # one way out, taken once


def test_entering_the_stage_wakes_the_run_and_being_in_it_already_goes_on_at_once(app, clock):
    workflow = waiting_for(event="stage_entered", stage="won")
    deal = create(fields={"name": "Acme"}, pipeline="sales", stage="new")
    already = create(fields={"name": "Done deal"}, pipeline="sales", stage="won")
    drain(clock)
    change(deal, stage="qualified")
    drain(clock)
    assert tags_of(deal) == [] and tags_of(already) == ["heard"]
    change(deal, stage="won")
    drain(clock)
    assert tags_of(deal) == ["heard"]
    assert only_run_of(workflow, already).nodes["wait"]["reason"] == "the record is already in the stage won"


def test_a_task_about_the_record_being_done_wakes_the_run(app, clock, api):
    workflow = publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}"),
                       node("wait", "wait_event", event="task_done", timeout="P3D"), tag("heard"), tag("late"),
                       edges=[edge("start", "todo"), edge("todo", "wait"), edge("wait", "heard"),
                              edge("wait", "late", "timeout")])
    deal = create(fields={"name": "Acme"})
    other = create(fields={"name": "Other"})
    drain(clock)
    tasks = {t.related_id: t for t in db.session.scalars(db.select(Record).where(Record.object == "task"))}
    answer = api.patch(f"/api/records/task/{tasks[other.id].id}", as_="editor", json={"fields": {"status": "Done"}})
    assert answer.status_code == 200
    drain(clock)
    assert tags_of(deal) == [] and tags_of(other) == ["heard"]
    api.patch(f"/api/records/task/{tasks[deal.id].id}", as_="editor", json={"fields": {"status": "In Progress"}})
    drain(clock)
    assert tags_of(deal) == []
    api.patch(f"/api/records/task/{tasks[deal.id].id}", as_="editor", json={"fields": {"status": "Done"}})
    drain(clock)
    assert tags_of(deal) == ["heard"]
    assert only_run_of(workflow, deal).nodes["wait"]["reason"] == "heard: the task Call Acme was set to Done"


def only_run_of(workflow, record):
    db.session.expire_all()
    return db.session.scalars(db.select(Run).where(Run.workflow_id == workflow.id, Run.record_id == record.id)).one()


def test_an_outside_report_of_the_record_wakes_the_run_even_when_it_changes_nothing(app, clock, api):
    workflow = waiting_for(event="webhook")
    report = {"object": "deal", "event": "updated", "record": {"external_id": "crm-7", "name": "Acme"}}
    assert api.post("/api/events", as_="editor", json={**report, "event": "created"}).status_code == 200
    assert api.post("/api/events", as_="editor", json={**report, "record": {"external_id": "crm-8",
                                                                             "name": "Beta"}}).status_code == 200
    drain(clock)
    acme = db.session.scalars(db.select(Record).filter_by(external_id="crm-7")).one()
    beta = db.session.scalars(db.select(Record).filter_by(external_id="crm-8")).one()
    assert only_run_of(workflow, acme).status == "waiting"
    again = api.post("/api/events", as_="editor", json=report)
    assert again.get_json()["result"] == "unchanged"
    drain(clock)
    assert tags_of(acme) == ["heard"] and tags_of(beta) == []
    assert only_run_of(workflow, acme).nodes["wait"]["reason"] == "heard: an outside system reported the record"


def test_a_parked_wait_is_taken_up_by_another_process_after_a_restart(app, clock, database_url):
    workflow_id = waiting_for(event="field_changed", fields=["amount"], timeout="PT3H").id
    first = create(fields={"name": "A", "amount": 1})
    second = create(fields={"name": "B", "amount": 1})
    ids = (first.id, second.id)
    drain(clock)
    change(first, fields={"amount": 9})
    db.session.remove()  # this process is gone; the event and both parked runs live in the database only
    restarted = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                            "FLOWDESK_EMBEDDED_ENGINE": False, "SMTP_URL": None})
    use_clock(restarted, clock)
    clock.advance(timedelta(hours=3))
    with restarted.app_context():
        worker.drain(clock)
        db.session.remove()
    found = {r.id: r.tags for r in db.session.scalars(db.select(Record).where(Record.id.in_(ids)))}
    assert found == {ids[0]: ["heard"], ids[1]: ["late"]}
    runs = db.session.scalars(db.select(Run).where(Run.workflow_id == workflow_id)).all()
    assert {run.status for run in runs} == {"completed"}


def test_concurrent_workers_hear_each_event_once(app, clock):
    workflow_id = waiting_for(event="field_changed", fields=["amount"], timeout="PT1H").id
    deals = [create(fields={"name": f"deal {n}", "amount": 0}) for n in range(12)]
    drain(clock)
    for deal in deals:
        change(deal, fields={"amount": 1})
        change(deal, fields={"amount": 2})
    in_threads(app, 3, lambda: worker.drain(clock))
    clock.advance(timedelta(hours=2))
    drain(clock)
    runs = db.session.scalars(db.select(Run).where(Run.workflow_id == workflow_id)).all()
    assert len(runs) == 12 and {run.status for run in runs} == {"completed"}
    assert {run.nodes["wait"]["reason"] for run in runs} == {"heard: amount changed from 0 to 1"}
    assert {tuple(tags_of(deal)) for deal in deals} == {("heard",)}


def test_a_run_is_not_woken_by_its_own_change_before_the_wait(app, clock):
    workflow = publish(trigger(), node("raise", "update_record", fields={"amount": 10}),
                       node("wait", "wait_event", event="field_changed", fields=["amount"], timeout="P1D"),
                       tag("heard"), tag("late"),
                       edges=[edge("start", "raise"), edge("raise", "wait"), edge("wait", "heard"),
                              edge("wait", "late", "timeout")])
    deal = create(fields={"name": "Acme", "amount": 1})
    drain(clock)
    assert only_run(workflow).status == "waiting"
    change(deal, fields={"amount": 20})
    drain(clock)
    assert only_run(workflow).nodes["wait"]["reason"] == "heard: amount changed from 10 to 20"


def test_the_run_diagram_says_what_the_run_waits_for(app, clock, client, auth):
    workflow = waiting_for(event="stage_entered", stage="won")
    create(fields={"name": "Acme"}, pipeline="sales", stage="new")
    drain(clock)
    auth.login("vic")
    page = client.get(f"/runs/{only_run(workflow).id}").get_data(as_text=True)
    assert 'data-node-id="wait" data-status="waiting"' in page
    assert ">waits for stage won</text>" in page


def test_the_statistics_count_the_runs_that_heard_and_those_that_timed_out(app, clock, api, client, auth):
    workflow = waiting_for(event="stage_entered", stage="won", timeout="PT2H")
    deals = [create(fields={"name": f"Deal {n}"}, pipeline="sales", stage="new") for n in range(5)]
    create(fields={"name": "Already won"}, pipeline="sales", stage="won")  # goes on along next at once
    drain(clock)
    for deal in deals[:2]:
        change(deal, stage="won")
    drain(clock)
    stats = api.get(f"/api/workflows/{workflow.id}/stats", as_="viewer").get_json()["nodes"]["wait"]
    assert stats == {"reached": 6, "waiting": 3, "failed": 0, "branches": {"next": 3, "timeout": 0}}
    clock.advance(timedelta(hours=2))
    drain(clock)
    stats = api.get(f"/api/workflows/{workflow.id}/stats", as_="viewer").get_json()["nodes"]["wait"]
    assert (stats["waiting"], stats["branches"]) == (0, {"next": 3, "timeout": 3})
    auth.login("vic")
    page = client.get(f"/workflows/{workflow.id}/stats").get_data(as_text=True)
    assert ">next · 3</text>" in page and ">timeout · 3</text>" in page
