"""One inbox through the API and the /tasks page: created tasks (task records) beside human tasks, each with the
record it is about; Done on a created task is a record write like any other."""
import pytest

from store.db import db
from crm.models import Event, Record
from engine.models import HumanTask
from tests.engine.flows import clock, create, drain, edge, node, publish, trigger  # noqa: F401


@pytest.fixture
def both(app, clock):
    """Deal 'Acme' owned by eddie: a first-call task made by a Create task step, and an approval for eddie."""
    publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}", priority="high", due="P1D"),
            chain=True, name="First call")
    publish(trigger(), node("ask", "human_task", title="Approve {{ record.fields.name }}", assignee={"owner": True}),
            edges=[edge("start", "ask")], name="Approval")
    deal = create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    made = db.session.scalars(db.select(Record).where(Record.object == "task", Record.fields["title"].as_string()
                                                      == "Call Acme")).one()
    return deal, made, db.session.scalars(db.select(HumanTask)).one()


def test_the_inbox_lists_both_kinds_with_the_deal(api, both):
    deal, made, human = both
    inbox = api.get("/api/tasks?assignee=me&status=open", as_="editor").get_json()
    assert [(t["kind"], t["id"], t["title"]) for t in inbox] == [("task_record", made.id, "Call Acme"),
                                                                 ("human_task", human.id, "Approve Acme")]
    about = {"id": deal.id, "object": "deal", "name": "Acme", "url": f"/records/deal/{deal.id}"}
    assert [t["related"] for t in inbox] == [about, about]
    assert inbox[0]["priority"] == "high" and inbox[0]["due_at"] and inbox[0]["task_status"] == "To Do"
    assert api.get("/api/tasks", as_="viewer").get_json() == []


def test_done_on_a_created_task_is_a_record_write(api, both):
    _, made, _ = both
    assert api.post(f"/api/tasks/records/{made.id}/complete", as_="viewer").status_code == 403
    done = api.post(f"/api/tasks/records/{made.id}/complete", as_="editor")
    assert done.status_code == 200 and (done.get_json()["status"], done.get_json()["task_status"]) == ("done", "Done")
    event = db.session.scalars(db.select(Event).where(Event.record_id == made.id, Event.event == "updated")).one()
    assert event.changes == {"status": {"old": "To Do", "new": "Done"}} and event.actor == "eddie (token)"
    assert api.post(f"/api/tasks/records/{made.id}/complete", as_="editor").status_code == 409
    assert [t["kind"] for t in api.get("/api/tasks", as_="editor").get_json()] == ["human_task"]
    assert [t["id"] for t in api.get("/api/tasks?status=done", as_="editor").get_json()] == [made.id]


def test_done_refuses_what_is_not_a_task_record(api, both):
    deal, _, _ = both
    assert api.post(f"/api/tasks/records/{deal.id}/complete", as_="editor").status_code == 404
    assert api.post("/api/tasks/records/99999/complete", as_="editor").status_code == 404


def test_records_api_returns_and_takes_the_related_link(api, both):
    deal, made, human = both
    got = api.get(f"/api/records/task/{made.id}").get_json()
    assert got["related_id"] == deal.id and got["related"]["url"] == f"/records/deal/{deal.id}"
    bookkeeping = api.get(f"/api/records/task/{human.record_id}").get_json()
    assert bookkeeping["related"]["name"] == "Acme"
    listed = api.get("/api/records/task").get_json()["items"]
    assert {item["related_id"] for item in listed} == {deal.id}
    assert api.get(f"/api/records/deal/{deal.id}").get_json()["related"] is None
    for missing in (99999, 2 ** 40):
        bad = api.post("/api/records/task", as_="editor", json={"fields": {"title": "x"}, "related_id": missing})
        assert bad.status_code == 422 and "related_id" in str(bad.get_json()["error"]["details"])
    itself = api.patch(f"/api/records/task/{made.id}", as_="editor", json={"related_id": made.id})
    assert itself.status_code == 422 and "related_id" in itself.get_json()["error"]["details"]
    by_hand = api.post("/api/records/task", as_="editor",
                       json={"fields": {"title": "Send deck"}, "related_id": deal.id})
    assert by_hand.status_code == 201 and by_hand.get_json()["related"]["name"] == "Acme"


def test_openapi_documents_the_new_fields(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert {"kind", "related", "task_status"} <= set(schemas["TaskOut"]["properties"])
    assert {"related_id", "related"} <= set(schemas["RecordOut"]["properties"])
    assert "/api/tasks/records/{record_id}/complete" in spec["paths"]


def test_inbox_page_done_button_and_deal_link(client, auth, both):
    deal, made, human = both
    auth.login("eddie")
    page = client.get("/tasks").get_data(as_text=True)
    assert page.count(f'<a href="/records/deal/{deal.id}" data-related-id="{deal.id}">Acme</a>') == 2
    answer = client.post(f"/tasks/records/{made.id}/done", data={"csrf_token": auth.csrf_token("/tasks")},
                         follow_redirects=True).get_data(as_text=True)
    assert "Done: &#39;Call Acme&#39;." in answer and f'data-task-record-id="{made.id}"' not in answer
    assert db.session.get(Record, made.id).fields["status"] == "Done"
    auth.login("vic")
    assert client.post(f"/tasks/records/{made.id}/done",
                       data={"csrf_token": auth.csrf_token("/tasks")}).status_code == 403
