"""A task record tied to an open human task is completed only by whoever may complete the task (issue 18, 2):
the records API, the record page, an outside event and the tasks API all ask the same rule (engine/task_rights.py)."""
import pytest

from store.db import db
from crm.models import Record
from engine.models import HumanTask
from crm.people import create_user, issue_token
from tests.conftest import PASSWORD
from tests.engine.flows import clock, create, drain, edge, node, only_run, publish, trigger  # noqa: F401


@pytest.fixture
def waiting(app, clock):
    """A deal waiting on eddie's approval, and erin: another editor with a token."""
    workflow = publish(trigger("record_created", "deal"),
                       node("ask", "human_task", title="Approve", outcomes=["approved", "rejected"],
                            assignee={"user": "eddie"}),
                       node("yes", "update_record", add_tags=["approved"]),
                       edges=[edge("start", "ask"), edge("ask", "yes", "approved")])
    create_user("erin", "editor", PASSWORD)
    _, token = issue_token("erin", "tests")
    db.session.commit()
    create("deal", fields={"name": "Acme"})
    drain(clock)
    task = db.session.scalars(db.select(HumanTask)).one()
    return workflow, task, {"Authorization": f"Bearer {token}"}


def task_state(task):
    db.session.expire_all()
    found = db.session.get(HumanTask, task.id)
    return found.status, db.session.get(Record, found.record_id).fields["status"]


def test_another_editor_cannot_complete_the_task_through_the_records_api(api, waiting, clock):
    workflow, task, erin = waiting
    response = api.patch(f"/api/records/task/{task.record_id}", as_=None, headers=erin,
                         json={"fields": {"status": "Done"}})
    assert response.status_code == 403, response.get_json()
    assert "eddie" in response.get_json()["error"]["message"]
    reassigned = api.patch(f"/api/records/task/{task.record_id}", as_=None, headers=erin,
                           json={"fields": {"assignee": "erin"}})
    assert reassigned.status_code == 403
    drain(clock)
    assert task_state(task) == ("open", "To Do") and only_run(workflow).status == "waiting"
    # What is not bound to the decision stays editable by any editor.
    assert api.patch(f"/api/records/task/{task.record_id}", as_=None, headers=erin,
                     json={"fields": {"category": "legal"}}).status_code == 200


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_the_assignee_or_an_admin_completes_it_through_the_records_api(api, waiting, clock, who):
    workflow, task, _ = waiting
    response = api.patch(f"/api/records/task/{task.record_id}", as_=who, json={"fields": {"status": "Done"}})
    assert response.status_code == 200, response.get_json()
    drain(clock)
    assert task_state(task) == ("done", "Done") and only_run(workflow).status == "completed"


def test_another_editor_cannot_complete_the_task_on_the_record_page(client, auth, waiting, clock):
    workflow, task, _ = waiting
    auth.login("erin")
    path = f"/records/task/{task.record_id}"
    token = auth.csrf_token(path)
    answer = client.post(path, data={"title": "Approve", "status": "Done", "type": "Other", "priority": "normal",
                                     "assignee": "eddie", "owner": "eddie", "csrf_token": token})
    assert answer.status_code == 403
    assert "assigned to eddie" in answer.get_data(as_text=True)
    drain(clock)
    assert task_state(task) == ("open", "To Do") and only_run(workflow).status == "waiting"


def test_another_editor_cannot_complete_the_task_through_an_outside_event(api, waiting, clock):
    workflow, task, erin = waiting
    db.session.get(Record, task.record_id).external_id = "crm-task-1"
    db.session.commit()
    response = api.post("/api/events", as_=None, headers=erin, json={
        "object": "task", "event": "updated", "record": {"external_id": "crm-task-1", "status": "Done"}})
    assert response.status_code == 403
    drain(clock)
    assert task_state(task) == ("open", "To Do") and only_run(workflow).status == "waiting"


def test_another_editor_cannot_complete_the_task_through_the_tasks_api(api, waiting):
    _, task, erin = waiting
    response = api.post(f"/api/tasks/{task.id}/complete", as_=None, headers=erin, json={"outcome": "approved"})
    assert response.status_code == 403 and task_state(task) == ("open", "To Do")


def test_another_editor_cannot_complete_the_task_through_the_task_record_done_button(api, waiting, clock):
    workflow, task, erin = waiting
    response = api.post(f"/api/tasks/records/{task.record_id}/complete", as_=None, headers=erin, json={})
    assert response.status_code == 403
    drain(clock)
    assert task_state(task) == ("open", "To Do") and only_run(workflow).status == "waiting"
    assert api.post(f"/api/tasks/records/{task.record_id}/complete", as_="editor", json={}).status_code == 200


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_a_task_record_an_open_task_waits_on_is_not_deleted(api, waiting, clock, who):
    """Not even by the assignee or an admin: the run would wait for a decision nobody could find. Once the
    task is decided, the record may go."""
    workflow, task, _ = waiting
    response = api.delete(f"/api/records/task/{task.record_id}", as_=who)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["message"] == (
        f"This task record belongs to the open task 'Approve' of run {task.run_id}, which waits for its decision: "
        "complete the task or cancel the run first.")
    drain(clock)
    assert task_state(task) == ("open", "To Do") and only_run(workflow).status == "waiting"
    assert api.post(f"/api/tasks/{task.id}/complete", as_="editor", json={"outcome": "approved"}).status_code == 200
    assert api.delete(f"/api/records/task/{task.record_id}", as_=who).status_code == 204


def test_an_outside_event_does_not_delete_a_task_record_an_open_task_waits_on(api, waiting, clock):
    workflow, task, _ = waiting
    db.session.get(Record, task.record_id).external_id = "crm-task-1"
    db.session.commit()
    response = api.post("/api/events", as_="admin", json={
        "object": "task", "event": "deleted", "record": {"external_id": "crm-task-1"}})
    assert response.status_code == 409 and "open task 'Approve'" in response.get_json()["error"]["message"]
    drain(clock)
    assert task_state(task) == ("open", "To Do") and only_run(workflow).status == "waiting"
