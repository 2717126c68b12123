"""The tasks API and the /tasks inbox page."""
import pytest

from store.db import db
from engine.models import HumanTask
from tests.engine.flows import change, clock, create, drain, edge, node, only_run, publish, trigger  # noqa: F401


@pytest.fixture
def waiting(app, clock):
    workflow = publish(trigger("record_created", "deal"),
                       node("ask", "human_task", title="Approve {{ record.fields.name }}",
                            description="Check the terms of {{ record.fields.name }}", outcomes=["approved", "rejected"], assignee={"user": "eddie"}),
                       node("yes", "update_record", add_tags=["approved"]),
                       edges=[edge("start", "ask"), edge("ask", "yes", "approved")])
    create("deal", fields={"name": "Acme <b>"})
    drain(clock)
    return workflow, db.session.scalars(db.select(HumanTask)).one()


def test_inbox_complete_and_refusals(api, waiting, clock):
    workflow, task = waiting
    inbox = api.get("/api/tasks?assignee=me", as_="editor").get_json()
    assert [t["title"] for t in inbox] == ["Approve Acme <b>"] and inbox[0]["outcomes"] == ["approved", "rejected"]
    assert inbox[0]["details"] == "Check the terms of Acme <b>"
    assert api.get("/api/tasks", as_="viewer").get_json() == []
    assert api.post(f"/api/tasks/{task.id}/complete", as_="viewer", json={"outcome": "approved"}).status_code == 403
    bad = api.post(f"/api/tasks/{task.id}/complete", as_="editor", json={"outcome": "maybe"})
    assert bad.status_code == 422 and "outcome" in bad.get_json()["error"]["details"]
    done = api.post(f"/api/tasks/{task.id}/complete", as_="editor", json={"outcome": "approved"})
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    again = api.post(f"/api/tasks/{task.id}/complete", as_="editor", json={"outcome": "approved"})
    assert again.status_code == 409
    drain(clock)
    assert only_run(workflow).status == "completed"
    assert api.post("/api/tasks/999/complete", as_="editor", json={}).status_code == 404


def test_admin_reads_another_users_tasks_but_an_editor_cannot(api, waiting):
    assert len(api.get("/api/tasks?assignee=eddie", as_="admin").get_json()) == 1
    assert api.get("/api/tasks?assignee=ada", as_="editor").status_code == 403


def test_inbox_page_buttons_complete_the_task(client, auth, waiting, clock):
    workflow, task = waiting
    auth.login("eddie")
    page = client.get("/tasks").get_data(as_text=True)
    assert "Approve Acme &lt;b&gt;" in page and ">approved</button>" in page and ">rejected</button>" in page
    assert '<p class="task-details">Check the terms of Acme &lt;b&gt;</p>' in page
    answer = client.post(f"/tasks/{task.id}/complete", data={"outcome": "approved", "csrf_token": auth.csrf_token("/tasks")},
                         follow_redirects=True)
    assert "Done: &#39;Approve Acme &lt;b&gt;&#39; — approved." in answer.get_data(as_text=True)
    drain(clock)
    assert only_run(workflow).status == "completed"


def test_reassign_hands_the_task_over(api, waiting):
    _, task = waiting
    assert api.post(f"/api/tasks/{task.id}/reassign", as_="editor", json={"user": "nobody"}).status_code == 422
    moved = api.post(f"/api/tasks/{task.id}/reassign", as_="editor", json={"user": "ada"})
    assert moved.status_code == 200 and moved.get_json()["assignee"] == "ada"
    assert api.get("/api/tasks", as_="editor").get_json() == []
    assert [t["id"] for t in api.get("/api/tasks", as_="admin").get_json()] == [task.id]
    assert api.post(f"/api/tasks/{task.id}/complete", as_="editor", json={"outcome": "approved"}).status_code == 403
