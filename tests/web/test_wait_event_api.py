"""Publishing a wait for an event that names no stage is refused, naming the node and the field."""
from tests.builder.factories import edge, node

TRIGGER = {**node("start", "record_created", object="deal"), "position": {"x": 0, "y": 0}}


def test_a_stage_wait_without_a_stage_is_refused_and_keeps_no_version(api):
    wait = node("wait", "wait_event", event="stage_entered", timeout="P2D")
    created = api.post("/api/workflows", as_="editor", json={"name": "Wait", "graph": {
        "nodes": [TRIGGER, wait], "edges": [edge("start", "wait")]}})
    wid = created.get_json()["id"]
    refused = api.post(f"/api/workflows/{wid}/publish", as_="editor")
    assert refused.status_code == 422
    found = [(p["node_id"], p["field"], p["message"]) for p in refused.get_json()["error"]["details"]["problems"]]
    assert found == [("wait", "config.stage", "choose the stage to wait for")]
    assert api.get(f"/api/workflows/{wid}").get_json()["version"] is None


def test_a_bad_event_kind_or_timeout_is_named(api):
    wait = node("wait", "wait_event", event="phone_rings", timeout="soon")
    wid = api.post("/api/workflows", as_="editor", json={"name": "Wait", "graph": {
        "nodes": [TRIGGER, wait], "edges": [edge("start", "wait")]}}).get_json()["id"]
    problems = api.post(f"/api/workflows/{wid}/validate", as_="viewer").get_json()["problems"]
    fields = {p["field"] for p in problems if p["node_id"] == "wait" and p["severity"] == "error"}
    assert {"config.event", "config.timeout"} <= fields


def test_the_catalog_says_which_settings_belong_to_which_event(api):
    types = {t["type"]: t for t in api.get("/api/node-types", as_="viewer").get_json()}
    wait = types["wait_event"]
    assert wait["kind"] == "wait" and wait["ports"] == ["next", "timeout"]
    properties = wait["config_schema"]["properties"]
    assert properties["stage"]["x-when"] == {"event": ["stage_entered"]}
    assert properties["event"]["enum"] == ["field_changed", "stage_entered", "task_done", "webhook"]
