"""Publishing a random split whose weights do not add up is refused, naming the node and the field."""
from tests.builder.factories import edge, node

TRIGGER = {**node("start", "record_created", object="deal"), "position": {"x": 0, "y": 0}}


def test_publish_refuses_weights_that_do_not_add_up_and_keeps_no_version(api):
    split = node("split", "random_split", branches=[{"name": "A", "weight": 60}, {"name": "B", "weight": 30}])
    created = api.post("/api/workflows", as_="editor", json={"name": "Split", "graph": {
        "nodes": [TRIGGER, split], "edges": [edge("start", "split")]}})
    assert created.status_code == 201, created.get_json()
    wid = created.get_json()["id"]
    refused = api.post(f"/api/workflows/{wid}/publish", as_="editor")
    assert refused.status_code == 422
    found = [p for p in refused.get_json()["error"]["details"]["problems"] if p["node_id"] == "split"]
    assert [(p["field"], p["message"]) for p in found] == [
        ("config.branches", "Branches: the weights add up to 90, not 100")]
    assert api.get(f"/api/workflows/{wid}").get_json()["version"] is None
    fixed = api.put(f"/api/workflows/{wid}", as_="editor", json={"graph": {"nodes": [TRIGGER, {
        **split, "config": {"branches": [{"name": "A", "weight": 70}, {"name": "B", "weight": 30}]}}],
        "edges": [edge("start", "split")]}})
    assert fixed.status_code == 200, fixed.get_json()
    assert api.post(f"/api/workflows/{wid}/publish", as_="editor").status_code == 200


def test_the_catalog_publishes_the_split_with_its_branches_widget(api):
    types = {t["type"]: t for t in api.get("/api/node-types", as_="viewer").get_json()}
    split = types["random_split"]
    assert split["kind"] == "condition" and split["dynamic_ports"] and split["ports"] == ["A", "B"]
    assert split["config_schema"]["properties"]["branches"]["x-widget"] == "branches"
