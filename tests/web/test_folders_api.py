"""Folders for workflows through the API: editors create, rename, delete and move; viewers read; bad input is a
4xx naming the field and stores nothing; the list filters by folder and search and carries last run / failures."""
from datetime import timedelta

from store.db import db
from store.models import Folder, Workflow
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import create, drain, node, publish, trigger


def folder(api, name, as_="editor"):
    response = api.post("/api/folders", as_=as_, json={"name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def workflow(api, name, **extra):
    response = api.post("/api/workflows", as_="editor", json={"name": name, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_editors_make_rename_and_fill_folders_and_viewers_see_them(api):
    sales = folder(api, "Sales")
    w = workflow(api, "Chase leads", folder=sales["id"])
    assert w["folder"] == sales["id"]
    assert api.patch(f"/api/folders/{sales['id']}", json={"name": "Sales team"}).get_json()["name"] == "Sales team"
    listed = api.get("/api/folders", as_="viewer").get_json()
    assert listed == [{"id": sales["id"], "name": "Sales team", "workflows": 1}]
    assert api.post("/api/folders", as_="viewer", json={"name": "Mine"}).status_code == 403
    assert api.put(f"/api/workflows/{w['id']}/folder", as_="viewer", json={"folder": None}).status_code == 403
    assert api.delete(f"/api/folders/{sales['id']}", as_="viewer").status_code == 403
    assert db.session.scalar(db.select(db.func.count(Folder.id))) == 1


def test_moving_a_workflow_keeps_its_draft_revision(api):
    ops = folder(api, "Ops")
    w = workflow(api, "Nudge")
    moved = api.put(f"/api/workflows/{w['id']}/folder", as_="editor", json={"folder": ops["id"]})
    assert moved.status_code == 200 and moved.get_json()["folder"] == ops["id"]
    assert moved.get_json()["revision"] == w["revision"]
    back = api.put(f"/api/workflows/{w['id']}/folder", as_="editor", json={"folder": None}).get_json()
    assert back["folder"] is None and api.get(f"/api/workflows/{w['id']}").get_json()["folder"] is None


def test_bad_folder_input_names_the_field_and_stores_nothing(api):
    taken = folder(api, "Sales")
    cases = [(api.post("/api/folders", as_="editor", json={"name": "  "}), 422, "name"),
             (api.post("/api/folders", as_="editor", json={"name": "x" * 101}), 422, "name"),
             (api.post("/api/folders", as_="editor", json={"name": "sales"}), 409, "name"),
             (api.post("/api/folders", as_="editor", json={}), 422, "name"),
             (api.post("/api/workflows", as_="editor", json={"name": "W", "folder": 999}), 422, "folder"),
             (api.post("/api/workflows", as_="editor", json={"name": "W", "folder": "x"}), 422, "folder"),
             (api.patch("/api/folders/999", as_="editor", json={"name": "Gone"}), 404, None)]
    for response, status, field in cases:
        assert response.status_code == status, response.get_json()
        if field:
            assert field in response.get_json()["error"]["details"]
    w = workflow(api, "Kept")
    refused = api.put(f"/api/workflows/{w['id']}/folder", as_="editor", json={"folder": 12345})
    assert refused.status_code == 422 and "folder" in refused.get_json()["error"]["details"]
    assert api.put(f"/api/workflows/{w['id']}/folder", as_="editor", json={}).status_code == 422
    assert [f.name for f in db.session.scalars(db.select(Folder))] == [taken["name"]]
    assert db.session.scalars(db.select(Workflow.name)).all() == ["Kept"]
    assert db.session.get(Workflow, w["id"]).folder_id is None


def test_a_folder_with_workflows_is_deleted_only_by_moving_them_to_the_root(api):
    full, empty = folder(api, "Full"), folder(api, "Empty")
    w = workflow(api, "Inside", folder=full["id"])
    refused = api.delete(f"/api/folders/{full['id']}", as_="editor")
    assert refused.status_code == 409 and refused.get_json()["error"]["details"]["workflows"] == 1
    assert api.delete(f"/api/folders/{empty['id']}", as_="editor").status_code == 204
    assert api.delete(f"/api/folders/{full['id']}?move_to_root=1", as_="editor").status_code == 204
    assert api.get("/api/folders").get_json() == []
    assert api.get(f"/api/workflows/{w['id']}").get_json()["folder"] is None


def test_the_list_filters_by_folder_and_search_and_counts_failures_of_seven_days(app, api, clock):
    sales = folder(api, "Sales")
    failing = publish(trigger(), node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                      chain=True, name="Break amounts")
    fine = publish(trigger(), node("mail", "send_email", to="a@example.com", subject="Quarterly invoice",
                                   body="hi"), chain=True, name="Greeter")
    api.put(f"/api/workflows/{fine.id}/folder", as_="editor", json={"folder": sales["id"]})
    create(fields={"name": "old"})
    drain(clock)
    clock.advance(timedelta(days=8))  # that failure is now older than 7 days
    create(fields={"name": "new"})
    drain(clock)
    listed = {w["name"]: w for w in api.get("/api/workflows", as_="viewer").get_json()}
    assert listed["Break amounts"]["failures_7d"] == 1
    assert listed["Break amounts"]["last_run"]["status"] == "failed"
    assert listed["Greeter"]["failures_7d"] == 0 and listed["Greeter"]["last_run"]["status"] == "completed"
    assert listed["Greeter"]["last_run"]["started_at"].startswith(clock.now().date().isoformat())
    names = lambda url: [w["name"] for w in api.get(url, as_="viewer").get_json()]  # noqa: E731
    assert names(f"/api/workflows?folder={sales['id']}") == ["Greeter"]
    assert names("/api/workflows?folder=root") == ["Break amounts"]
    assert names("/api/workflows?q=INVOICE") == ["Greeter"]  # a step's text
    assert names("/api/workflows?q=record%20created") == ["Break amounts", "Greeter"]  # the trigger type
    assert names("/api/workflows?q=break%20amounts") == ["Break amounts"]
    assert names("/api/workflows?q=nothing-like-it") == []
    bad = api.get("/api/workflows?folder=sales", as_="viewer")
    assert bad.status_code == 422 and "folder" in bad.get_json()["error"]["details"]


def test_the_list_page_filters_by_folder_and_search_and_escapes_folder_names(app, api, client, auth):
    shady = folder(api, "<b>Ops</b>")
    inside = workflow(api, "Inside", folder=shady["id"])
    outside = workflow(api, "Outside", description="sends the quarterly invoice")
    auth.login("vic")
    every = client.get("/").get_data(as_text=True)
    assert "&lt;b&gt;Ops&lt;/b&gt;" in every and "<b>Ops</b>" not in every
    assert every.count("data-workflow-id=") == 2
    only = client.get(f"/?folder={shady['id']}").get_data(as_text=True)
    assert f'data-workflow-id="{inside["id"]}"' in only and only.count("data-workflow-id=") == 1
    root = client.get("/?folder=root").get_data(as_text=True)
    assert f'data-workflow-id="{outside["id"]}"' in root and root.count("data-workflow-id=") == 1
    found = client.get("/?q=Quarterly+INVOICE").get_data(as_text=True)
    assert f'data-workflow-id="{outside["id"]}"' in found and found.count("data-workflow-id=") == 1
    assert "No workflows match" in client.get("/?q=nothing+like+it").get_data(as_text=True)
    assert client.get("/?folder=9999").status_code == 404
    assert client.get("/?folder=99999999999999").status_code == 404


def test_a_put_may_carry_the_folder_too(api):
    ops = folder(api, "Ops")
    w = workflow(api, "Nudge")
    moved = api.put(f"/api/workflows/{w['id']}", as_="editor", json={"folder": ops["id"]}).get_json()
    assert moved["folder"] == ops["id"] and moved["revision"] == w["revision"]
    both = api.put(f"/api/workflows/{w['id']}", as_="editor", json={"folder": None, "name": "Nudge 2"}).get_json()
    assert (both["folder"], both["name"], both["revision"]) == (None, "Nudge 2", w["revision"] + 1)
    refused = api.put(f"/api/workflows/{w['id']}", as_="editor", json={"folder": 4242, "name": "Lost"})
    assert refused.status_code == 422 and "folder" in refused.get_json()["error"]["details"]
    assert api.get(f"/api/workflows/{w['id']}").get_json()["name"] == "Nudge 2"


def test_search_never_reveals_a_credential_written_into_a_step(app, api, client, auth):
    hook = {"id": "hook", "kind": "action", "type": "webhook", "label": "Tell billing", "position": {"x": 0, "y": 99},
            "config": {"url": "https://bot:hunter2pass@billing.example.com/in", "method": "POST",
                       "headers": {"X-Api-Key": "sk-live-0042"}, "body": ""}}
    start = {"id": "start", "kind": "trigger", "type": "manual", "label": "By hand", "config": {"object": "deal"},
             "position": {"x": 0, "y": 0}}
    made = workflow(api, "Billing hook", graph={"nodes": [start, hook], "edges": []})
    assert [w["id"] for w in api.get("/api/workflows?q=billing.example.com", as_="viewer").get_json()] == [made["id"]]
    for secret in ("hunter2pass", "sk-live-0042"):
        assert api.get(f"/api/workflows?q={secret}", as_="viewer").get_json() == []
    auth.login("vic")
    page = client.get("/").get_data(as_text=True)
    assert "billing.example.com" in page and "hunter2pass" not in page and "sk-live-0042" not in page


def test_two_editors_naming_a_folder_alike_at_the_same_moment_get_one_folder(app, api, live_server):
    import threading

    import requests

    answers, start = [], threading.Barrier(4)

    def add(name):
        start.wait()
        answers.append(requests.post(f"{live_server}/api/folders", json={"name": name}, timeout=30,
                                     headers={"Authorization": f"Bearer {api.tokens['editor']}"}).status_code)

    threads = [threading.Thread(target=add, args=(name,)) for name in ("Sales", "sales", "SALES", "Sales ")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409, 409]
    assert len(api.get("/api/folders").get_json()) == 1
