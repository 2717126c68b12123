"""Credentials are write-only (issue 18, point 3): the secrets store, and literal credentials in graphs.

A webhook written with a secret reference, a literal header value and a URL password runs against a real HTTP
server on 127.0.0.1, which receives the real values; then a viewer and an editor read every door (workflow,
list, versions, export, layout, dry run, runs, messages, the outbox, run and record pages) and never see them.
"""
import base64
import json
import re

import pytest

from builder.credentials import MASK
from store.db import db
from store.models import Workflow
from engine import vault
from engine.models import Message, Secret
from tests.conftest import PASSWORD
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import drain

TOKEN = "tok-8c1f-secret-store-value"
LITERAL_KEY = "literal-api-key-5521"
URL_PASSWORD = "url-pass-98765"
SECRETS = (TOKEN, LITERAL_KEY, URL_PASSWORD)


def webhook_graph(url: str) -> dict:
    return {"nodes": [
        {"id": "start", "kind": "trigger", "type": "record_created", "config": {"object": "deal"}},
        {"id": "hook", "kind": "action", "type": "webhook", "config": {
            "url": url, "method": "POST",
            "headers": {"X-Crm-Token": "Bearer {{ secrets.CRM_TOKEN }}", "X-Api-Key": LITERAL_KEY,
                        "Content-Type": "application/json"},
            "body": '{"token": "{{ secrets.CRM_TOKEN }}", "name": {{ record.fields.name | tojson }}}'}}],
        "edges": [{"id": "e1", "source": "start", "target": "hook", "port": "next"}]}


@pytest.fixture
def delivered(app, api, clock, http_endpoint, make_record):
    """A published webhook workflow run once: the request the server got, the workflow, run and record."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    http_endpoint.body = json.dumps({"echo": f"Bearer {TOKEN}", "key": LITERAL_KEY})  # a target that echoes
    assert api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": TOKEN}).status_code == 201
    url = f"http://bot:{URL_PASSWORD}@127.0.0.1:{http_endpoint.port}/hook"
    workflow = api.post("/api/workflows", as_="editor", json={"name": "Push", "graph": webhook_graph(url)}).get_json()
    assert api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor").status_code == 200
    # Record data that imitates a reference or a placeholder is sent as it reads, never resolved.
    record = make_record(fields={"name": "{{ secrets.CRM_TOKEN }} \u27e6secret:CRM_TOKEN:" + "0" * 32 + "\u27e7"})
    drain(clock)
    [request] = http_endpoint.wait_for(1)
    run = api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["items"][0]
    return {"request": request, "workflow": workflow, "run": run, "record": record}


def test_the_receiver_gets_the_real_values_and_record_data_is_not_resolved(delivered):
    request = delivered["request"]
    assert request.headers["X-Crm-Token"] == f"Bearer {TOKEN}"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(f"bot:{URL_PASSWORD}".encode()).decode()
    assert request.headers["X-Api-Key"] == LITERAL_KEY
    assert request.headers["Content-Type"] == "application/json"
    assert request.json["token"] == TOKEN
    assert request.json["name"] == delivered["record"]["fields"]["name"]
    assert delivered["run"]["status"] == "completed"


def door_paths(data) -> list:
    workflow_id, run_id = data["workflow"]["id"], data["run"]["id"]
    return [f"/api/workflows/{workflow_id}", "/api/workflows", f"/api/workflows/{workflow_id}/versions",
            f"/api/workflows/{workflow_id}/versions/1", f"/api/workflows/{workflow_id}/export",
            f"/api/runs/{run_id}", f"/api/runs?workflow_id={workflow_id}", f"/api/messages?run_id={run_id}",
            "/api/messages"]


def page_paths(data) -> list:
    return ["/outbox", f"/runs/{data['run']['id']}", f"/runs/{data['run']['id']}/live",
            f"/workflows/{data['workflow']['id']}/runs", f"/records/deal/{data['record']['id']}"]


def assert_hidden(text: str, door: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{door} shows {secret}"


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_no_door_shows_a_credential(app, api, delivered, role):
    for path in door_paths(delivered):
        answer = api.get(path, as_=role)
        assert answer.status_code == 200, (path, answer.get_json())
        assert_hidden(answer.get_data(as_text=True), path)
    workflow_id, record_id = delivered["workflow"]["id"], delivered["record"]["id"]
    for path, body in ((f"/api/workflows/{workflow_id}/layout", {}),
                       (f"/api/workflows/{workflow_id}/test", {"record_id": record_id})):
        answer = api.post(path, as_=role, json=body)
        assert answer.status_code == 200, (path, answer.get_json())
        assert_hidden(answer.get_data(as_text=True), path)
    browser = app.test_client()
    login = browser.post("/login", data={"username": {"viewer": "vic", "editor": "eddie"}[role], "password": PASSWORD,
                                         "csrf_token": _csrf(browser)})
    assert login.status_code == 302
    for path in page_paths(delivered):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert_hidden(page.get_data(as_text=True), path)


def _csrf(browser) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/login").get_data(as_text=True)).group(1)


def test_reads_show_the_mask_and_the_reference(api, delivered):
    hook = api.get(f"/api/workflows/{delivered['workflow']['id']}", as_="viewer").get_json()["graph"]["nodes"][1]
    assert hook["config"]["headers"] == {"X-Crm-Token": "Bearer {{ secrets.CRM_TOKEN }}", "X-Api-Key": MASK,
                                         "Content-Type": "application/json"}
    assert hook["config"]["url"].startswith(f"http://bot:{MASK}@127.0.0.1:")
    [step] = [s for s in api.get(f"/api/runs/{delivered['run']['id']}").get_json()["steps"] if s["node_id"] == "hook"]
    assert step["input"]["headers"]["X-Crm-Token"] == "Bearer {{ secrets.CRM_TOKEN }}"
    assert step["input"]["headers"]["X-Api-Key"] == MASK
    assert '"token": "{{ secrets.CRM_TOKEN }}"' in step["input"]["body"]
    assert json.loads(step["output"]["body"]) == {"echo": f"Bearer {MASK}", "key": MASK}


def test_the_outbox_row_holds_no_credential_in_the_open(app, delivered):
    [message] = db.session.scalars(db.select(Message).where(Message.run_id == delivered["run"]["id"])).all()
    stored = json.dumps([message.to, message.body, message.request, message.result, message.error])
    assert_hidden(stored, "the messages table")
    assert message.status == "sent" and message.attempts == 1


def test_saving_what_was_read_keeps_the_credentials_and_validation_says_where_they_belong(api, delivered):
    workflow_id = delivered["workflow"]["id"]
    read = api.get(f"/api/workflows/{workflow_id}", as_="editor").get_json()
    assert api.put(f"/api/workflows/{workflow_id}", as_="editor", json={"graph": read["graph"]}).status_code == 200
    laid_out = api.post(f"/api/workflows/{workflow_id}/layout", as_="editor",
                        json={"graph": read["graph"], "save": True})
    assert laid_out.status_code == 200
    stored = db.session.get(Workflow, workflow_id).graph["nodes"][1]["config"]
    assert stored["headers"]["X-Api-Key"] == LITERAL_KEY and f":{URL_PASSWORD}@" in stored["url"]
    problems = api.post(f"/api/workflows/{workflow_id}/validate", as_="viewer").get_json()["problems"]
    warned = {p["field"] for p in problems if "put this credential in a secret" in p["message"]}
    assert warned == {"config.headers.X-Api-Key", "config.url"}
    # A new value replaces the stored one.
    read["graph"]["nodes"][1]["config"]["headers"]["X-Api-Key"] = "{{ secrets.CRM_TOKEN }}"
    assert api.put(f"/api/workflows/{workflow_id}", as_="editor", json={"graph": read["graph"]}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Workflow, workflow_id).graph["nodes"][1]["config"]["headers"]["X-Api-Key"] \
        == "{{ secrets.CRM_TOKEN }}"


def test_a_mask_with_no_stored_value_behind_it_is_refused_naming_the_step(api, delivered):
    """Issue 18: an import of an export, or a new step pasted with a copied config, carries the mask where no
    value is stored: saving it would send '••••' as the credential. 422 naming the step; nothing is stored."""
    workflow_id = delivered["workflow"]["id"]
    exported = api.get(f"/api/workflows/{workflow_id}/export", as_="viewer").get_json()
    imported = api.post("/api/workflows/import", as_="editor", json=exported)
    assert imported.status_code == 422, imported.get_json()
    error = imported.get_json()["error"]
    assert error["message"].startswith("Step 'Call webhook' (hook) holds a masked credential (••••) with no stored value")
    assert set(error["details"]) == {"nodes[1].config.url", "nodes[1].config.headers.X-Api-Key"}
    assert db.session.scalar(db.select(db.func.count(Workflow.id))) == 1
    read = api.get(f"/api/workflows/{workflow_id}", as_="editor").get_json()
    pasted = {**read["graph"]["nodes"][1], "id": "hook2", "label": "Pasted hook"}
    graph = {**read["graph"], "nodes": [*read["graph"]["nodes"], pasted]}
    for method, path, body in (("PUT", "", {"graph": graph}), ("POST", "/layout", {"graph": graph, "save": True})):
        refused = api.request(method, f"/api/workflows/{workflow_id}{path}", as_="editor", json=body)
        assert refused.status_code == 422, refused.get_json()
        assert "Step 'Pasted hook' (hook2) holds a masked credential" in refused.get_json()["error"]["message"]
        assert "nodes[2].config.headers.X-Api-Key" in refused.get_json()["error"]["details"]
    db.session.expire_all()
    assert db.session.get(Workflow, workflow_id).revision == read["revision"]
    # The same step sent back as read keeps its stored values.
    assert api.put(f"/api/workflows/{workflow_id}", as_="editor", json={"graph": read["graph"]}).status_code == 200


def test_a_secret_outside_a_webhook_is_a_validation_error(api):
    graph = {"nodes": [{"id": "start", "kind": "trigger", "type": "record_created", "config": {"object": "deal"}},
                       {"id": "mail", "kind": "action", "type": "send_email",
                        "config": {"to": "a@example.com", "subject": "{{ secrets.CRM_TOKEN }}"}}],
             "edges": [{"id": "e1", "source": "start", "target": "mail", "port": "next"}]}
    workflow = api.post("/api/workflows", as_="editor", json={"name": "Leak", "graph": graph}).get_json()
    answer = api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor")
    assert answer.status_code == 422
    assert any(p["field"] == "config.subject" and "secrets can only be used in a webhook" in p["message"]
               for p in answer.get_json()["error"]["details"]["problems"])


def test_secrets_api_lists_names_only_and_is_admin_managed(api):
    assert api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": TOKEN}).status_code == 201
    again = api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": TOKEN + "-2"})
    assert again.status_code == 200 and again.get_json()["name"] == "CRM_TOKEN"
    listed = api.get("/api/secrets", as_="editor")
    assert [s["name"] for s in listed.get_json()] == ["CRM_TOKEN"] and TOKEN not in listed.get_data(as_text=True)
    assert TOKEN not in again.get_data(as_text=True)
    assert api.get("/api/secrets", as_="viewer").status_code == 403
    assert api.post("/api/secrets", as_="editor", json={"name": "X", "value": "y"}).status_code == 403
    bad = api.post("/api/secrets", json={"name": "1 bad name", "value": ""})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["details"]) == {"name", "value"}
    stored = db.session.scalar(db.select(Secret.sealed_value))
    assert TOKEN not in stored and vault.unseal(stored) == TOKEN + "-2"
    assert api.delete("/api/secrets/CRM_TOKEN").status_code == 204
    assert api.delete("/api/secrets/CRM_TOKEN").status_code == 404
    assert api.get("/api/secrets").get_json() == []


def test_a_stored_secret_cannot_be_opened_with_another_secret_key(app, api):
    assert api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": TOKEN}).status_code == 201
    stored = db.session.scalar(db.select(Secret.sealed_value))
    app.config["SECRET_KEY"] = "another key"
    with pytest.raises(vault.SecretUnavailable):
        vault.unseal(stored)


def test_settings_lists_secret_names_and_adds_one_without_showing_its_value(app, api):
    browser = app.test_client()
    browser.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": _csrf(browser)})
    page = browser.get("/settings").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    added = browser.post("/settings/secrets", data={"name": "CRM_TOKEN", "value": TOKEN, "csrf_token": token},
                         follow_redirects=True)
    text = added.get_data(as_text=True)
    assert added.status_code == 200 and 'data-secret="CRM_TOKEN"' in text and TOKEN not in text
    assert [s["name"] for s in api.get("/api/secrets").get_json()] == ["CRM_TOKEN"]


def test_a_missing_secret_fails_the_message_saying_which(app, api, clock, http_endpoint, make_record):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    workflow = api.post("/api/workflows", as_="editor",
                        json={"name": "Push", "graph": webhook_graph(f"{http_endpoint.url}/hook")}).get_json()
    assert api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor").status_code == 200
    make_record(fields={"name": "x"})
    drain(clock)
    run = api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["items"][0]
    assert run["status"] == "failed" and http_endpoint.requests == []
    assert "there is no secret named CRM_TOKEN" in run["nodes"]["hook"]["error"]
