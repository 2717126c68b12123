"""Runs, messages and notifications through the API, manual and webhook starts, dry runs, and roles."""
from datetime import timedelta

import pytest

from store.db import db
from crm.models import Event, Record
from engine.models import Message, Run
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import drain

RUN_KEYS = {"id", "workflow_id", "workflow_name", "version", "record_id", "status", "reason", "started_at",
            "finished_at", "wake_at", "trigger", "payload", "nodes"}
STEP_KEYS = {"id", "node_id", "status", "reason", "started_at", "finished_at", "input", "output", "error", "attempt"}


def graph(*nodes, edges=()):
    return {"nodes": list(nodes), "edges": [{"source": s, "target": t, "port": p} for s, t, p in edges]}


def make_workflow(api, the_graph, **extra):
    created = api.post("/api/workflows", as_="editor", json={"name": "Big deals", "graph": the_graph, **extra})
    assert created.status_code == 201, created.get_json()
    workflow = created.get_json()
    published = api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor")
    assert published.status_code == 200, published.get_json()
    return published.get_json()


START = {"id": "start", "kind": "trigger", "type": "record_created", "config": {"object": "deal"}}
BIG = {"id": "big", "kind": "condition", "type": "condition",
       "config": {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}}
TAG = {"id": "tag", "kind": "action", "type": "update_record", "config": {"add_tags": ["big"]}}
SMALL = {"id": "small", "kind": "action", "type": "update_record", "config": {"add_tags": ["small"]}}
WAIT = {"id": "wait", "kind": "wait", "type": "delay", "config": {"duration": "P1D"}}


@pytest.fixture
def deals(api):
    return make_workflow(api, graph(START, BIG, TAG, SMALL, edges=[("start", "big", "next"), ("big", "tag", "true"),
                                                                  ("big", "small", "false")]))


def test_list_and_read_runs_with_every_node_and_step(api, clock, deals, make_record):
    record = make_record(fields={"name": "Acme", "amount": 5000})
    make_record(fields={"name": "Tiny", "amount": 5})
    drain(clock)
    page = api.get(f"/api/runs?workflow_id={deals['id']}&per_page=1", as_="viewer").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (2, 1, 1, 1)
    newest = page["items"][0]
    assert set(newest) == RUN_KEYS and newest["nodes"]["tag"]["status"] == "not_reached"
    assert newest["nodes"]["small"] == {"status": "done", "reason": None, "until": None, "error": None, "count": 1}
    listed = api.get(f"/api/runs?record_id={record['id']}&status=completed", as_="viewer").get_json()["items"]
    assert [run["record_id"] for run in listed] == [record["id"]]
    run = api.get(f"/api/runs/{listed[0]['id']}", as_="viewer").get_json()
    assert set(run) == RUN_KEYS | {"steps"} and run["workflow_name"] == "Big deals" and run["version"] == 1
    assert run["nodes"]["small"]["status"] == "not_reached" and run["nodes"]["big"]["reason"] == \
        "amount is 5000, more than 1000"
    assert [step["node_id"] for step in run["steps"]] == ["start", "big", "tag"]
    assert all(set(step) == STEP_KEYS for step in run["steps"])
    assert run["steps"][2]["output"] == {"changes": {"tags": {"old": [], "new": ["big"]}}}
    assert api.get("/api/runs/999", as_="viewer").status_code == 404
    assert api.get("/api/runs?status=bogus", as_="viewer").status_code == 422
    assert api.get("/api/runs", as_=None).status_code == 401


def test_editors_cancel_and_retry_viewers_only_read(api, clock, make_record):
    workflow = make_workflow(api, graph(START, WAIT, TAG, edges=[("start", "wait", "next"), ("wait", "tag", "next")]))
    make_record(fields={"name": "x"})
    drain(clock)
    run_id = api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["items"][0]["id"]
    assert api.post(f"/api/runs/{run_id}/cancel", as_="viewer").status_code == 403
    cancelled = api.post(f"/api/runs/{run_id}/cancel", as_="editor")
    assert cancelled.status_code == 200
    assert (cancelled.get_json()["status"], cancelled.get_json()["reason"]) == ("cancelled", "cancelled by eddie")
    again = api.post(f"/api/runs/{run_id}/cancel", as_="editor")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert api.post(f"/api/runs/{run_id}/retry", as_="editor").status_code == 409
    assert api.post("/api/runs/999/cancel", as_="editor").status_code == 404


def test_retry_a_failed_run_through_the_api(api, clock, make_record):
    mail = {"id": "mail", "kind": "action", "type": "send_email",
            "config": {"to": "a@example.com", "subject": "{{ 10 / record.fields.amount }}"}}
    workflow = make_workflow(api, graph(START, mail, edges=[("start", "mail", "next")]))
    record = make_record(fields={"name": "x", "amount": 0})
    drain(clock)
    run = api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["items"][0]
    assert run["status"] == "failed" and run["nodes"]["mail"]["error"] == "The template failed: division by zero"
    assert api.post(f"/api/runs/{run['id']}/retry", as_="viewer").status_code == 403
    api.patch(f"/api/records/deal/{record['id']}", as_="editor", json={"fields": {"amount": 5}})
    retried = api.post(f"/api/runs/{run['id']}/retry", as_="editor").get_json()
    assert retried["status"] == "completed" and retried["steps"][-1]["attempt"] == 2
    notes = api.get("/api/notifications", as_="editor").get_json()
    assert notes["total"] == 1 and notes["items"][0]["run_id"] == run["id"]
    assert api.get("/api/notifications", as_="viewer").get_json()["total"] == 0
    messages = api.get(f"/api/messages?run_id={run['id']}&channel=email", as_="viewer").get_json()["items"]
    assert [(m["to"], m["subject"], m["status"]) for m in messages] == [("a@example.com", "2.0", "sent")]


def test_manual_runs(api, clock, deals, make_record):
    record = make_record(fields={"name": "Acme", "amount": 5000})
    drain(clock)
    started = api.post(f"/api/workflows/{deals['id']}/runs", as_="editor", json={"record_id": record["id"]})
    assert started.status_code == 201 and started.get_json()["status"] == "completed"
    assert started.get_json()["trigger"] == {"event": "manual", "changes": {}}
    assert api.post(f"/api/workflows/{deals['id']}/runs", as_="viewer", json={"record_id": record["id"]}) \
        .status_code == 403
    contact = api.post("/api/records/contact", as_="editor", json={"fields": {"name": "C"}}).get_json()
    wrong = api.post(f"/api/workflows/{deals['id']}/runs", as_="editor", json={"record_id": contact["id"]})
    assert wrong.status_code == 422 and "deal records" in wrong.get_json()["error"]["message"]
    draft = api.post("/api/workflows", as_="editor", json={"name": "Draft", "graph": graph(START)}).get_json()
    assert api.post(f"/api/workflows/{draft['id']}/runs", as_="editor", json={}).status_code == 409


def test_a_live_run_refuses_a_manual_start_and_the_refusal_is_listed(api, clock, make_record):
    workflow = make_workflow(api, graph(START, WAIT, edges=[("start", "wait", "next")]))
    record = make_record(fields={"name": "x"})
    drain(clock)
    refused = api.post(f"/api/workflows/{workflow['id']}/runs", as_="editor", json={"record_id": record["id"]})
    assert refused.status_code == 409 and "still live on this record" in refused.get_json()["error"]["message"]
    listed = api.get(f"/api/enrollment-refusals?workflow_id={workflow['id']}", as_="viewer").get_json()
    assert listed["total"] == 1 and listed["items"][0]["record_id"] == record["id"]
    assert listed["items"][0]["kind"] == "refused"


def test_the_dry_run_walks_the_draft_and_changes_nothing(api, clock, deals, make_record):
    record = make_record(fields={"name": "Acme", "amount": 5000})
    drain(clock)
    before = (db.session.scalar(db.select(db.func.count(Run.id))), db.session.scalar(db.select(db.func.count(Event.id))))
    mail = {"id": "mail", "kind": "action", "type": "send_email",
            "config": {"to": "{{ record.fields.email }}", "subject": "s"}}
    draft = graph(START, BIG, TAG, mail, edges=[("start", "big", "next"), ("big", "tag", "true"), ("tag", "mail", "next")])
    assert api.put(f"/api/workflows/{deals['id']}", as_="editor", json={"graph": draft}).status_code == 200
    walked = api.post(f"/api/workflows/{deals['id']}/test", as_="viewer", json={"record_id": record["id"]})
    assert walked.status_code == 200
    assert [{k: v for k, v in step.items() if k not in ("at", "until")} for step in walked.get_json()["path"]] == [
        {"node_id": "start", "status": "done", "reason": None},
        {"node_id": "big", "status": "done", "reason": "amount is 5000, more than 1000"},
        {"node_id": "tag", "status": "done", "reason": "would change tags"},
        {"node_id": "mail", "status": "skipped", "reason": "no recipient: 'To' is empty for this record"}]
    db.session.expire_all()
    assert (db.session.scalar(db.select(db.func.count(Run.id))),
            db.session.scalar(db.select(db.func.count(Event.id)))) == before
    assert db.session.get(Record, record["id"]).tags == ["big"]
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
    missing = api.post(f"/api/workflows/{deals['id']}/test", as_="viewer", json={"record_id": 999})
    assert missing.status_code == 422


def test_the_dry_run_fast_forwards_waits_and_says_when_each_step_would_happen(api, clock, deals, make_record):
    record = make_record(fields={"name": "Acme", "amount": 5000})
    drain(clock)
    draft = graph(START, WAIT, BIG, TAG, edges=[("start", "wait", "next"), ("wait", "big", "next"), ("big", "tag", "true")])
    assert api.put(f"/api/workflows/{deals['id']}", as_="editor", json={"graph": draft}).status_code == 200
    path = api.post(f"/api/workflows/{deals['id']}/test", as_="viewer", json={"record_id": record["id"]}).get_json()["path"]
    now, tomorrow = clock.now().isoformat(), (clock.now() + timedelta(days=1)).isoformat()
    assert [(step["node_id"], step["status"], step["at"], step["until"]) for step in path] == [
        ("start", "done", now, None), ("wait", "waiting", now, tomorrow), ("big", "done", tomorrow, None),
        ("tag", "done", tomorrow, None)]
    assert clock.now().isoformat() == now  # the app's clock did not move


def test_webhook_trigger_with_the_right_and_a_wrong_secret(api, client, clock):
    hook = {"id": "start", "kind": "trigger", "type": "webhook", "config": {}}
    mail = {"id": "mail", "kind": "action", "type": "send_email",
            "config": {"to": "{{ payload.email }}", "subject": "Order {{ payload.order.number }}"}}
    workflow = make_workflow(api, graph(hook, mail, edges=[("start", "mail", "next")]))
    body = {"email": "buyer@example.com", "order": {"number": "SO-7"}}
    answer = client.post(workflow["webhook_path"], json=body)
    assert answer.status_code == 201, answer.get_json()
    run = api.get(f"/api/runs/{answer.get_json()['run_id']}", as_="viewer").get_json()
    assert (run["status"], run["payload"], run["record_id"]) == ("completed", body, None)
    message = api.get(f"/api/messages?run_id={run['id']}", as_="viewer").get_json()["items"][0]
    assert (message["to"], message["subject"]) == ("buyer@example.com", "Order SO-7")
    wrong = client.post(f"/hooks/{workflow['id']}/not-the-secret", json=body)
    assert wrong.status_code == 404 and wrong.get_json()["error"]["code"] == "not_found"
    assert client.post(f"/hooks/999/{workflow['webhook_path'].rsplit('/', 1)[1]}", json=body).status_code == 404
    assert client.post(workflow["webhook_path"], data="x=1",
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    api.post(f"/api/workflows/{workflow['id']}/pause", as_="editor")
    assert client.post(workflow["webhook_path"], json=body).status_code == 409
    assert api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["total"] == 1
