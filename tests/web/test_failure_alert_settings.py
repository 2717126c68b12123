"""The "when a run fails" settings through the API: stored with the workflow, refused with a 422 naming the field."""
from tests.builder.factories import reminder_graph

MANUAL = {"nodes": [{"id": "start", "kind": "trigger", "type": "manual", "config": {"object": "deal"}}], "edges": []}
FIELD = "settings.on_failure.error_workflow"


def make(api, name, graph):
    answer = api.post("/api/workflows", as_="editor", json={"name": name, "graph": graph})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_alert_settings_are_saved_checked_and_left_out_of_exports(api):
    workflow = make(api, "Reminders", reminder_graph())
    handler = make(api, "On error", MANUAL)
    other = make(api, "Not manual", reminder_graph())
    listed = api.get("/api/workflows?error_workflows=true", as_="viewer").get_json()
    assert [w["name"] for w in listed] == ["On error"]

    def put(**on_failure):
        return api.put(f"/api/workflows/{workflow['id']}", as_="editor",
                       json={"settings": {"reenroll": False, "on_failure": on_failure}})

    for target, says in ((999999, "no workflow with id 999999"),
                         (other["id"], f"'Not manual' (#{other['id']}) must start with a manual trigger"),
                         (workflow["id"], "a workflow cannot be its own error workflow")):
        refused = put(error_workflow=target)
        assert refused.status_code == 422 and refused.get_json()["error"]["details"] == {FIELD: says}
    assert put(mode="weekly").get_json()["error"]["details"] == {"settings.on_failure.mode": "Must be one of: each, digest."}
    assert "settings.on_failure.roles.0" in put(roles=["boss"]).get_json()["error"]["details"]
    assert api.get(f"/api/workflows/{workflow['id']}").get_json()["settings"].get("on_failure") is None

    saved = put(users=["vic"], roles=["admin"], mode="digest", email=False, error_workflow=handler["id"])
    assert saved.status_code == 200
    assert saved.get_json()["settings"]["on_failure"] == {
        "owner": True, "users": ["vic"], "roles": ["admin"], "in_app": True, "email": False, "mode": "digest",
        "error_workflow": handler["id"]}
    exported = api.get(f"/api/workflows/{workflow['id']}/export").get_json()
    assert exported["settings"]["on_failure"]["error_workflow"] is None and \
        exported["settings"]["on_failure"]["users"] == ["vic"]
    assert api.post("/api/workflows/import", as_="editor", json=exported).status_code == 201

    # The handler is deleted after being chosen: publishing names the field again.
    assert api.delete(f"/api/workflows/{handler['id']}", as_="editor").status_code == 204
    refused = api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor")
    assert refused.status_code == 422
    assert [p["field"] for p in refused.get_json()["error"]["details"]["problems"]] == [FIELD]
