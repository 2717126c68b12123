"""Workflows API: drafts, revisions, validation, publishing, versions, layout, import/export."""
import pytest


def graph(*extra_nodes, edges=()):
    nodes = [{"id": "start", "kind": "trigger", "type": "record_created", "config": {"object": "deal"},
              "position": {"x": 0, "y": 0}}, *extra_nodes]
    return {"nodes": nodes, "edges": [{"id": f"e{i}", "source": s, "target": t, "port": p}
                                      for i, (s, t, p) in enumerate(edges)]}


def tag_node(node_id="tag"):
    return {"id": node_id, "kind": "action", "type": "update_record", "config": {"add_tags": ["new"]},
            "position": {"x": 0, "y": 120}}


@pytest.fixture
def workflow(api):
    response = api.post("/api/workflows", as_="editor",
                        json={"name": "Tag new deals", "graph": graph(tag_node(), edges=[("start", "tag", "next")])})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_read_and_etag(api, workflow):
    response = api.get(f"/api/workflows/{workflow['id']}", as_="viewer")
    assert response.headers["ETag"] == f'"{workflow["revision"]}"'
    body = response.get_json()
    assert body["status"] == "draft" and body["version"] is None
    assert [n["id"] for n in body["graph"]["nodes"]] == ["start", "tag"]
    assert body["settings"] == {"reenroll": False, "exit_when": None}


def test_stale_save_is_refused_with_409(api, workflow):
    url = f"/api/workflows/{workflow['id']}"
    first = api.put(url, as_="editor", json={"name": "Mine"}, headers={"If-Match": f'"{workflow["revision"]}"'})
    assert first.status_code == 200 and first.get_json()["revision"] == workflow["revision"] + 1
    stale = api.put(url, as_="editor", json={"name": "Theirs"}, headers={"If-Match": f'"{workflow["revision"]}"'})
    assert stale.status_code == 409 and stale.get_json()["error"]["details"]["revision"] == workflow["revision"] + 1
    assert api.get(url).get_json()["name"] == "Mine"


def test_unreadable_graph_is_refused_and_nothing_stored(api, workflow):
    url = f"/api/workflows/{workflow['id']}"
    bad_graphs = [
        {"nodes": [{"id": "a", "kind": "action", "type": "teleport"}], "edges": []},
        {"nodes": [tag_node("a"), tag_node("a")], "edges": []},
        {"nodes": [tag_node("a")], "edges": [{"id": "e", "source": "a", "target": "ghost", "port": "next"}]},
        {"nodes": "not a list", "edges": []},
    ]
    for bad in bad_graphs:
        response = api.put(url, as_="editor", json={"graph": bad})
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["details"], bad
    assert api.get(url).get_json()["revision"] == workflow["revision"]


def test_draft_with_problems_saves_but_does_not_publish(api):
    created = api.post("/api/workflows", as_="editor", json={"name": "Unfinished", "graph": graph(
        {"id": "mail", "kind": "action", "type": "send_email", "config": {"to": "", "subject": "Hi {{ record.fields.name"},
         "position": {"x": 0, "y": 100}}, edges=[("start", "mail", "next")])})
    assert created.status_code == 201
    wid = created.get_json()["id"]
    problems = api.post(f"/api/workflows/{wid}/validate", as_="viewer").get_json()["problems"]
    assert any(p["node_id"] == "mail" and p["severity"] == "error" for p in problems)
    refused = api.post(f"/api/workflows/{wid}/publish", as_="editor")
    assert refused.status_code == 422
    assert any(p["node_id"] == "mail" for p in refused.get_json()["error"]["details"]["problems"])
    assert api.get(f"/api/workflows/{wid}").get_json()["version"] is None


def test_publish_versions_restore_pause_activate(api, workflow):
    wid = workflow["id"]
    published = api.post(f"/api/workflows/{wid}/publish", as_="editor")
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["status"] == "active" and published.get_json()["version"] == 1
    api.put(f"/api/workflows/{wid}", as_="editor", json={"graph": graph()})
    assert api.post(f"/api/workflows/{wid}/publish", as_="editor").get_json()["version"] == 2
    v1 = api.get(f"/api/workflows/{wid}/versions/1").get_json()
    assert [n["id"] for n in v1["graph"]["nodes"]] == ["start", "tag"]
    assert [v["number"] for v in api.get(f"/api/workflows/{wid}/versions").get_json()] == [2, 1]
    restored = api.post(f"/api/workflows/{wid}/versions/1/restore", as_="editor").get_json()
    assert [n["id"] for n in restored["graph"]["nodes"]] == ["start", "tag"]
    assert api.get(f"/api/workflows/{wid}/versions/2").get_json()["graph"]["nodes"][0]["id"] == "start"
    assert api.post(f"/api/workflows/{wid}/pause", as_="editor").get_json()["status"] == "paused"
    assert api.post(f"/api/workflows/{wid}/activate", as_="editor").get_json()["status"] == "active"
    assert api.get(f"/api/workflows/{wid}/versions/9").status_code == 404


def test_activate_without_version_is_refused(api, workflow):
    assert api.post(f"/api/workflows/{workflow['id']}/activate", as_="editor").status_code == 409


def test_layout_returns_and_optionally_saves_positions(api, workflow):
    url = f"/api/workflows/{workflow['id']}"
    laid = api.post(f"{url}/layout", as_="viewer", json={}).get_json()["graph"]
    positions = {n["id"]: n["position"] for n in laid["nodes"]}
    assert positions["start"]["y"] < positions["tag"]["y"]
    assert api.get(url).get_json()["revision"] == workflow["revision"]
    assert api.post(f"{url}/layout", as_="viewer", json={"save": True}).status_code == 403
    api.post(f"{url}/layout", as_="editor", json={"save": True})
    assert api.get(url).get_json()["revision"] == workflow["revision"] + 1


def test_export_then_import_makes_an_equal_draft(api, workflow):
    doc = api.get(f"/api/workflows/{workflow['id']}/export").get_json()
    imported = api.post("/api/workflows/import", as_="editor", json=doc)
    assert imported.status_code == 201
    assert imported.get_json()["graph"] == workflow["graph"] and imported.get_json()["id"] != workflow["id"]
    assert api.post("/api/workflows/import", as_="editor", json={"format": "x", "name": "n", "graph": {}}).status_code == 422


def test_node_types_publish_schemas(api):
    types = {t["type"]: t for t in api.get("/api/node-types", as_="viewer").get_json()}
    assert types["condition"]["ports"] == ["true", "false"]
    assert types["send_email"]["config_schema"]["properties"]["to"]["title"] == "To"
    assert {"next", "error"} <= set(types["webhook"]["ports"])


def test_the_node_type_catalog_serves_what_the_editor_draws_from(api):
    catalog = api.get("/api/node-types/catalog", as_="viewer").get_json()
    assert {t["type"] for t in catalog["types"]} == {t["type"] for t in api.get("/api/node-types", as_="viewer").get_json()}
    assert {k["name"]: k["title"] for k in catalog["kinds"]}["human_task"] == "People"
    assert {o["op"]: o["words"] for o in catalog["operators"]}["gte"] == "is at least"
    assert catalog["roles"] == ["viewer", "editor", "admin"] and catalog["node_size"] == {"w": 240, "h": 72}
    task = next(t for t in catalog["types"] if t["type"] == "human_task")
    assert task["ports_from"]["field"] == "outcomes" and task["summary"] == ["ask: {title}"]


@pytest.mark.parametrize("method,path,role", [
    ("POST", "/api/workflows", "editor"), ("PUT", "/api/workflows/{id}", "editor"),
    ("POST", "/api/workflows/{id}/publish", "editor"), ("POST", "/api/workflows/{id}/pause", "editor"),
    ("DELETE", "/api/workflows/{id}", "editor"), ("GET", "/api/workflows/{id}", "viewer"),
    ("POST", "/api/workflows/{id}/validate", "viewer"), ("GET", "/api/workflows/{id}/export", "viewer"),
])
def test_workflow_roles(api, workflow, method, path, role):
    path = path.format(id=workflow["id"])
    body = {"name": "x", "graph": graph()} if method in ("POST", "PUT") else None
    assert api.request(method, path, as_=None, json=body).status_code == 401
    if role == "editor":
        assert api.request(method, path, as_="viewer", json=body).status_code == 403
    assert api.request(method, path, as_=role, json=body).status_code < 400


def test_layout_of_a_graph_too_tangled_to_arrange_is_a_422_naming_the_graph(api, workflow):
    from tests.builder.test_layout import tangled_graph

    answer = api.post(f"/api/workflows/{workflow['id']}/layout", as_="viewer", json={"graph": tangled_graph(1500, 3)})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert "too tangled to arrange automatically" in error["message"] and "graph" in error["details"]


def test_saving_a_layout_is_refused_on_a_stale_revision_like_a_put(api, workflow):
    """Issue 18, 4: the layout door saves through the same compare-and-swap on the revision as PUT."""
    url = f"/api/workflows/{workflow['id']}"
    based_on = {"If-Match": f'"{workflow["revision"]}"'}
    assert api.put(url, as_="editor", json={"name": "Mine"}, headers=based_on).status_code == 200
    stale = api.post(f"{url}/layout", as_="editor", json={"save": True}, headers=based_on)
    assert stale.status_code == 409, stale.get_json()
    assert stale.get_json()["error"]["details"]["revision"] == workflow["revision"] + 1
    stale_in_body = api.post(f"{url}/layout", as_="editor", json={"save": True, "revision": workflow["revision"]})
    assert stale_in_body.status_code == 409
    saved = api.get(url).get_json()
    assert saved["revision"] == workflow["revision"] + 1 and saved["graph"] == workflow["graph"]
    fresh = api.post(f"{url}/layout", as_="editor", json={"save": True},
                     headers={"If-Match": f'"{saved["revision"]}"'})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == f'"{saved["revision"] + 1}"'
    assert api.get(url).get_json()["graph"] == fresh.get_json()["graph"]
