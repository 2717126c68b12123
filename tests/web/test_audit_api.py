"""The audit log: every change writes exactly one row in its own transaction, a refused one none; admins read it."""
import pytest

from crm.models import User
from crm.people import create_user, issue_token
from store.audit import AuditEntry
from store.db import db
from engine.models import HumanTask
from tests.engine.flows import clock, create, drain, edge, node, publish, trigger  # noqa: F401
from tests.web.live import at_once, send

GRAPH = {"nodes": [{"id": "start", "kind": "trigger", "type": "manual", "config": {"object": "deal"}},
                   {"id": "tag", "kind": "action", "type": "update_record", "config": {"add_tags": ["seen"]}}],
         "edges": [{"id": "e1", "source": "start", "target": "tag", "port": "next"}]}


def rows() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)))


def one_new_row(before: int) -> AuditEntry:
    found = rows()[before:]
    assert len(found) == 1, [(r.action, r.summary) for r in found]
    return found[0]


def changes(call, expected_status):
    """Make the call; it answers `expected_status` and leaves exactly one new audit row, which is returned."""
    before = len(rows())
    response = call()
    assert response.status_code == expected_status, response.get_json()
    return one_new_row(before)


def refused(call, expected_status):
    before = len(rows())
    response = call()
    assert response.status_code == expected_status, response.get_json()
    assert rows()[before:] == []
    return response


def test_each_workflow_change_writes_one_row_naming_who_and_what(api):
    made = changes(lambda: api.post("/api/workflows", as_="editor", json={"name": "Tagger", "graph": GRAPH}), 201)
    assert (made.action, made.actor, made.via, made.object_type) == ("workflow.created", "eddie", "token", "workflow")
    wid = int(made.object_id)
    assert made.token_id is not None and "Tagger" in made.summary

    edited = changes(lambda: api.put(f"/api/workflows/{wid}", as_="editor", json={"name": "Tagger 2"}), 200)
    assert edited.action == "workflow.edited" and "name 'Tagger' \u2192 'Tagger 2'" in edited.summary
    assert edited.changes == {"before": {"name": "Tagger"}, "after": {"name": "Tagger 2"}}
    graph = {**GRAPH, "nodes": [*GRAPH["nodes"], {"id": "more", "kind": "action", "type": "update_record",
                                                  "config": {"add_tags": ["x"]}}]}
    assert "added step more" in changes(lambda: api.put(f"/api/workflows/{wid}", as_="editor",
                                                        json={"graph": graph}), 200).summary
    graph["nodes"][2] = {**graph["nodes"][2], "position": {"x": 300, "y": 40}}
    assert changes(lambda: api.put(f"/api/workflows/{wid}", as_="editor", json={"graph": graph}),
                   200).summary == "draft saved: steps moved"

    published = changes(lambda: api.post(f"/api/workflows/{wid}/publish", as_="editor"), 200)
    assert published.action == "workflow.published" and published.changes["after"] == {"status": "active",
                                                                                         "version": 1}
    assert changes(lambda: api.post(f"/api/workflows/{wid}/pause", as_="editor"), 200).action == "workflow.paused"
    assert changes(lambda: api.post(f"/api/workflows/{wid}/activate", as_="editor"),
                   200).action == "workflow.activated"
    restored = changes(lambda: api.post(f"/api/workflows/{wid}/versions/1/restore", as_="editor"), 200)
    assert restored.action == "workflow.restored" and "version 1" in restored.summary

    doc = api.get(f"/api/workflows/{wid}/export", as_="editor").get_json()
    imported = changes(lambda: api.post("/api/workflows/import", as_="editor", json=doc), 201)
    assert imported.action == "workflow.imported"
    deleted = changes(lambda: api.delete(f"/api/workflows/{wid}", as_="editor"), 204)
    assert deleted.action == "workflow.deleted" and deleted.object_id == str(wid)


def test_refused_workflow_changes_write_nothing(api):
    wid = api.post("/api/workflows", as_="editor", json={"name": "Empty"}).get_json()["id"]
    refused(lambda: api.post(f"/api/workflows/{wid}/publish", as_="editor"), 422)  # no trigger
    refused(lambda: api.put(f"/api/workflows/{wid}", as_="viewer", json={"name": "x"}), 403)
    refused(lambda: api.put(f"/api/workflows/{wid}", as_="editor", json={"name": "x"},
                            headers={"If-Match": '"99"'}), 409)
    refused(lambda: api.post(f"/api/workflows/{wid}/activate", as_="editor"), 409)
    refused(lambda: api.post("/api/workflows", as_="editor", json={"name": "Bad", "template": "nope"}), 422)


def test_settings_users_tokens_and_secrets(api):
    secret = changes(lambda: api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": "s3cr3t-value"}), 201)
    replaced = changes(lambda: api.post("/api/secrets", json={"name": "CRM_TOKEN", "value": "another-one"}), 200)
    gone = changes(lambda: api.delete("/api/secrets/CRM_TOKEN"), 204)
    assert [secret.action, replaced.action, gone.action] == ["secret.created", "secret.replaced", "secret.deleted"]
    everything = str([(r.summary, r.changes) for r in rows()])
    assert "s3cr3t" not in everything and "another-one" not in everything

    stage = changes(lambda: api.post("/api/objects/deal/pipelines/sales/stages", json={"label": "Negotiation"}), 201)
    assert stage.action == "pipelines.changed" and "Negotiation" in stage.changes["after"]["sales"]
    field = changes(lambda: api.post("/api/objects/deal/fields", json={"name": "region", "type": "text"}), 201)
    assert field.action == "object_type.field_added" and field.object_id == "deal"

    user = changes(lambda: api.post("/api/users", json={"username": "nina", "role": "viewer",
                                                        "password": "long enough pw"}), 201)
    assert user.action == "user.created" and user.actor == "ada"
    promoted = changes(lambda: api.patch("/api/users/nina", json={"role": "editor"}), 200)
    assert promoted.action == "user.changed" and promoted.changes == {"before": {"role": "viewer"},
                                                                      "after": {"role": "editor"}}
    off = changes(lambda: api.patch("/api/users/nina", json={"active": False}), 200)
    assert off.action == "user.deactivated"
    away = changes(lambda: api.put("/api/users/vic/availability", as_="viewer", json={"available": False}), 200)
    assert (away.action, away.actor, away.changes["after"]) == ("user.changed", "vic", {"available": False})

    token = changes(lambda: api.post("/api/tokens", json={"name": "ci", "user": "eddie"}), 201)
    assert token.action == "token.created"
    tid = int(token.object_id)
    assert changes(lambda: api.delete(f"/api/tokens/{tid}"), 204).action == "token.revoked"


def test_refused_settings_changes_write_nothing(api):
    refused(lambda: api.post("/api/secrets", json={"name": "1bad", "value": "x"}), 422)
    refused(lambda: api.post("/api/secrets", as_="editor", json={"name": "OK", "value": "x"}), 403)
    refused(lambda: api.post("/api/objects/deal/pipelines/sales/stages", json={"label": "New"}), 422)  # taken
    refused(lambda: api.post("/api/objects/deal/pipelines/sales/stages", as_="editor", json={"label": "X"}), 403)
    refused(lambda: api.post("/api/users", json={"username": "eddie", "role": "viewer"}), 422)
    refused(lambda: api.patch("/api/users/eddie", as_="editor", json={"role": "admin"}), 403)
    refused(lambda: api.patch("/api/users/eddie", json={"role": "boss"}), 422)
    refused(lambda: api.post("/api/tokens", json={"name": "x", "user": "nobody"}), 422)


def test_the_last_active_admin_stays_one(api):
    answer = refused(lambda: api.patch("/api/users/ada", json={"role": "editor"}), 409)
    assert answer.get_json()["error"]["details"] == {"role": "the last active admin must stay an active admin"}
    refused(lambda: api.patch("/api/users/ada", json={"active": False}), 409)
    changes(lambda: api.patch("/api/users/eddie", json={"role": "admin"}), 200)
    changes(lambda: api.patch("/api/users/ada", json={"active": False}), 200)
    # ada is switched off: her token no longer works, and eddie is now the one admin who cannot leave.
    assert api.get("/api/audit").status_code == 401
    assert api.patch("/api/users/eddie", as_="editor", json={"role": "viewer"}).status_code == 409
    assert api.patch("/api/users/nobody", as_="editor", json={"role": "viewer"}).status_code == 404


@pytest.fixture
def open_task(app, clock):
    publish(trigger("record_created", "deal"),
            node("ask", "human_task", title="Approve it", outcomes=["approved", "rejected"],
                 assignee={"user": "eddie"}), edges=[edge("start", "ask")])
    create("deal", fields={"name": "Acme"})
    drain(clock)
    return db.session.scalars(db.select(HumanTask)).one()


def test_tasks_completed_and_reassigned(api, open_task):
    refused(lambda: api.post(f"/api/tasks/{open_task.id}/complete", as_="editor", json={"outcome": "maybe"}), 422)
    moved = changes(lambda: api.post(f"/api/tasks/{open_task.id}/reassign", as_="editor", json={"user": "ada"}), 200)
    assert moved.action == "task.reassigned" and moved.changes["after"] == {"assignee": "ada"}
    done = changes(lambda: api.post(f"/api/tasks/{open_task.id}/complete", json={"outcome": "rejected"}), 200)
    assert (done.action, done.actor, done.changes["after"]["outcome"]) == ("task.completed", "ada", "rejected")
    refused(lambda: api.post(f"/api/tasks/{open_task.id}/complete", json={"outcome": "approved"}), 409)


def test_reading_the_log_with_filters_and_pages(api):
    first = api.post("/api/workflows", as_="editor", json={"name": "One"}).get_json()["id"]
    api.post("/api/workflows", as_="admin", json={"name": "Two"})
    api.put(f"/api/workflows/{first}", as_="editor", json={"name": "One!"})
    api.post("/api/secrets", json={"name": "KEY", "value": "v"})

    def items(query):
        answer = api.get(f"/api/audit?{query}")
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    assert [i["action"] for i in items("actor=eddie")["items"]] == ["workflow.edited", "workflow.created"]
    assert items("action=workflow")["total"] == 3
    assert [i["object_name"] for i in items(f"object_type=workflow&object_id={first}")["items"]] == ["One!", "One"]
    assert items("action=secret.created")["items"][0]["summary"] == "secret KEY added"
    page = items("action=workflow&per_page=2&page=2")
    assert page["total"] == 3 and [i["object_name"] for i in page["items"]] == ["One"]
    everything = items("per_page=1")
    today = everything["items"][0]["at"][:10]
    assert items(f"from={today}&to={today}")["total"] == everything["total"] > 4  # users and tokens set up too
    assert items("to=2000-01-01")["total"] == 0
    bad = api.get("/api/audit?from=yesterday")
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["details"]
    assert api.get("/api/audit?object_type=planet").status_code == 422
    assert api.get("/api/audit", as_="editor").status_code == 403
    assert api.get("/api/audit", as_=None).status_code == 401


def test_the_command_line_is_named_as_the_actor(runner):
    before = len(rows())
    assert runner.invoke(args=["users", "create", "zoe", "--role", "editor", "--password", "long enough pw"]) \
        .exit_code == 0
    assert runner.invoke(args=["tokens", "create", "zoe"]).exit_code == 0
    assert [(r.action, r.actor, r.via) for r in rows()[before:]] == [("user.created", "cli", "cli"),
                                                                    ("token.created", "cli", "cli")]


def test_two_admins_switching_each_other_off_at_once_leave_one(app, live_server):
    create_user("bea", "admin", "long enough pw")
    tokens = {name: issue_token(name, "race")[1] for name in ("ada", "bea")}
    db.session.commit()
    answers = at_once(
        lambda: send("PATCH", f"{live_server}/api/users/bea", tokens["ada"], {"active": False})[0],
        lambda: send("PATCH", f"{live_server}/api/users/ada", tokens["bea"], {"active": False})[0])
    assert sorted(answers)[0] == 200 and sorted(answers)[1] in (401, 409)
    db.session.expire_all()
    admins = db.session.scalars(db.select(User.username).where(User.role == "admin", User.active.is_(True))).all()
    assert len(admins) == 1
    assert [r.action for r in rows() if r.action == "user.deactivated"] == ["user.deactivated"]
