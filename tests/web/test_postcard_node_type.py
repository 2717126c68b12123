"""A node type declared in one place (tests/postcard_node_type.py) is in the catalog, validation, diagrams and runs."""
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import drain
from tests.postcard_node_type import MAX_GREETING, postcard  # noqa: F401  (a fixture)

START = {"id": "start", "kind": "trigger", "type": "record_created", "config": {"object": "deal"}}
CARD = {"id": "card", "kind": "action", "type": "send_postcard", "label": "Card",
        "config": {"address": "{{ record.fields.name }}, Main Street 1", "greeting": "Thanks for the deal!"}}


def workflow_with(api, card, trigger=START):
    body = {"name": "Postcards", "graph": {"nodes": [trigger, card],
                                           "edges": [{"source": "start", "target": "card", "port": "next"}]}}
    created = api.post("/api/workflows", as_="editor", json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_the_catalog_serves_the_new_type_with_its_form_ports_and_summary(api, postcard):
    types = api.get("/api/node-types/catalog", as_="viewer").get_json()["types"]
    card = next(t for t in types if t["type"] == "send_postcard")
    assert (card["kind"], card["label"], card["ports"]) == ("action", "Send postcard", ["next", "error"])
    assert card["config_schema"]["properties"]["address"]["title"] == "Address"
    assert card["summary"] == ["postcard to {address}"] and card["needs_record"] is True
    assert "send_postcard" in {t["type"] for t in api.get("/api/node-types", as_="viewer").get_json()}


def test_validation_applies_the_rules_the_type_declares(api, postcard):
    card = {**CARD, "config": {"address": "", "greeting": "x" * (MAX_GREETING + 1)}}
    workflow = workflow_with(api, card)
    problems = api.post(f"/api/workflows/{workflow['id']}/validate", as_="viewer").get_json()["problems"]
    fields = {p["field"]: p["message"] for p in problems if p["node_id"] == "card"}
    assert fields["config.address"] == "Address is required"
    assert "at most" in fields["config.greeting"]
    recordless = workflow_with(api, CARD, trigger={"id": "start", "kind": "trigger", "type": "schedule",
                                                   "config": {"cron": "0 9 * * *"}})
    refused = api.post(f"/api/workflows/{recordless['id']}/publish", as_="editor")
    assert refused.status_code == 422
    assert any(p["node_id"] == "card" and "needs a record" in p["message"]
               for p in refused.get_json()["error"]["details"]["problems"])


def test_a_run_performs_the_new_step_and_its_diagram_names_it(api, postcard, clock, make_record, client, auth):
    workflow = workflow_with(api, CARD)
    assert api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor").status_code == 200
    make_record(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    run = api.get(f"/api/runs?workflow_id={workflow['id']}", as_="viewer").get_json()["items"][0]
    assert run["status"] == "completed" and run["nodes"]["card"]["status"] == "done"
    step = api.get(f"/api/runs/{run['id']}", as_="viewer").get_json()["steps"][-1]
    assert step["output"] == {"mailed_to": "Acme, Main Street 1"}
    told = [n["message"] for n in api.get("/api/notifications", as_="editor").get_json()["items"]]
    assert "Postcard to Acme, Main Street 1: Thanks for the deal!" in told
    auth.login()
    page = client.get(f"/runs/{run['id']}").get_data(as_text=True)
    assert "<title>Card — done</title><desc>postcard to {{ record.fields.name }}, Main Street 1</desc>" in page
