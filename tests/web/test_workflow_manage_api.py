"""Managing workflows through the API: duplicate, names kept unique, delete with live runs, validating a graph
that is not saved, and templates naming fields the trigger's object lacks."""
from store.db import db
from engine.models import Run
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import drain
from tests.web.test_runs_api import START, WAIT, graph, make_workflow


def mail(body):
    return {"id": "mail", "kind": "action", "type": "send_email",
            "config": {"to": "{{ record.fields.email }}", "subject": "Hi", "body": body}}


def test_duplicate_copies_the_draft_with_a_numbered_name(api):
    source = api.post("/api/workflows", as_="editor", json={
        "name": "Welcome", "description": "says hi", "timezone": "Asia/Jakarta",
        "settings": {"reenroll": True, "exit_when": None}, "graph": graph(START)}).get_json()
    first = api.post(f"/api/workflows/{source['id']}/duplicate", as_="editor", json={})
    assert first.status_code == 201, first.get_json()
    copy = first.get_json()
    assert (copy["name"], copy["status"], copy["version"]) == ("Copy of Welcome", "draft", None)
    assert (copy["description"], copy["timezone"], copy["settings"]["reenroll"]) == ("says hi", "Asia/Jakarta", True)
    assert copy["graph"] == source["graph"] and copy["webhook_path"] != source["webhook_path"]
    again = api.post(f"/api/workflows/{source['id']}/duplicate", as_="editor", json={}).get_json()
    assert again["name"] == "Copy of Welcome (2)"
    named = api.post(f"/api/workflows/{source['id']}/duplicate", as_="editor", json={"name": "Welcome"}).get_json()
    assert named["name"] == "Welcome (2)"


def test_duplicate_is_for_editors_of_an_existing_workflow_and_names_bad_fields(api):
    source = api.post("/api/workflows", as_="editor", json={"name": "Welcome", "graph": graph(START)}).get_json()
    url = f"/api/workflows/{source['id']}/duplicate"
    assert api.post(url, as_=None, json={}).status_code == 401
    assert api.post(url, as_="viewer", json={}).status_code == 403
    assert api.post("/api/workflows/999999/duplicate", as_="editor", json={}).status_code == 404
    refused = api.post(url, as_="editor", json={"name": ""})
    assert refused.status_code == 422 and "name" in refused.get_json()["error"]["details"]
    assert [w["name"] for w in api.get("/api/workflows").get_json()] == ["Welcome"]


def test_a_template_used_twice_gives_two_names(api):
    templates = api.get("/api/templates").get_json()
    template = templates["items"][0] if isinstance(templates, dict) else templates[0]
    names = [api.post("/api/workflows", as_="editor", json={"name": template["name"], "template": template["id"]})
             .get_json()["name"] for _ in range(3)]
    assert names == [template["name"], f"{template['name']} (2)", f"{template['name']} (3)"]


def test_import_twice_numbers_the_second(api):
    source = api.post("/api/workflows", as_="editor", json={"name": "Welcome", "graph": graph(START)}).get_json()
    doc = api.get(f"/api/workflows/{source['id']}/export").get_json()
    assert api.post("/api/workflows/import", as_="editor", json=doc).get_json()["name"] == "Welcome (2)"


def test_delete_is_refused_while_runs_are_live_unless_they_are_cancelled(api, clock, make_record):
    workflow = make_workflow(api, graph(START, WAIT, edges=[("start", "wait", "next")]))
    make_record(fields={"name": "Acme"})
    drain(clock)
    url = f"/api/workflows/{workflow['id']}"
    refused = api.delete(url, as_="editor")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["details"] == {"cancel_runs": "must be true while runs are live", "live_runs": 1}
    assert api.get(url).status_code == 200
    assert api.delete(f"{url}?cancel_runs=1", as_="viewer").status_code == 403
    assert api.delete(f"{url}?cancel_runs=maybe", as_="editor").status_code == 422
    assert api.delete(f"{url}?cancel_runs=1", as_="editor").status_code == 204
    assert api.get(url).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Run.id)).where(Run.workflow_id == workflow["id"])) == 0


def test_delete_without_live_runs(api):
    created = api.post("/api/workflows", as_="editor", json={"name": "Gone", "graph": graph(START)}).get_json()
    assert api.delete(f"/api/workflows/{created['id']}", as_="editor").status_code == 204
    assert api.delete(f"/api/workflows/{created['id']}", as_="editor").status_code == 404


def test_validate_a_posted_graph_without_saving_it(api):
    created = api.post("/api/workflows", as_="editor", json={"name": "Mail", "graph": graph(START)}).get_json()
    url = f"/api/workflows/{created['id']}"
    posted = graph(START, mail("Dear {{ record.fields.nmae }}"), edges=[("start", "mail", "next")])
    found = api.post(f"{url}/validate", as_="viewer", json={"graph": posted}).get_json()["problems"]
    assert [(p["severity"], p["node_id"], p["field"]) for p in found] == [("warning", "mail", "config.body")]
    assert "did you mean name?" in found[0]["message"]
    assert api.get(url).get_json()["revision"] == created["revision"]
    saved = api.post(f"{url}/validate", as_="viewer").get_json()["problems"]
    assert all(p["node_id"] != "mail" for p in saved)
    bad = api.post(f"{url}/validate", as_="viewer", json={"graph": "nope"})
    assert bad.status_code == 422 and "graph" in bad.get_json()["error"]["details"]


def test_publish_refuses_a_variable_the_object_lacks(api):
    body = "Hi {{ record.fields.name }}"
    created = api.post("/api/workflows", as_="editor", json={
        "name": "Mail", "graph": graph(START, mail(body), edges=[("start", "mail", "next")])}).get_json()
    url = f"/api/workflows/{created['id']}"
    assert api.post(f"{url}/publish", as_="editor").status_code == 200
    order_start = {**START, "config": {"object": "order"}}
    api.put(url, as_="editor", json={"graph": graph(order_start, mail(body), edges=[("start", "mail", "next")])})
    refused = api.post(f"{url}/publish", as_="editor")
    assert refused.status_code == 422
    problem, = refused.get_json()["error"]["details"]["problems"]
    assert (problem["node_id"], problem["field"], problem["severity"]) == ("mail", "config.body", "error")
    assert "Order has no field 'name'" in problem["message"]
