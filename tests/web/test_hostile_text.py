"""Hostile text and numbers (issue 18, 5, 12 and 14): each is a 4xx naming what is wrong, stores nothing,
and text already stored never breaks a page."""
import json

import pytest

from store.db import db
from store.models import Workflow
from crm.models import ApiToken, Record, User

HALF = "\ud800"  # half of a surrogate pair: no UTF-8 text column or page can hold it


def counts() -> tuple:
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                 for model in (Record, Workflow, User, ApiToken))


@pytest.mark.parametrize("path,body,field", [
    ("/api/records/deal", {"fields": {"name": f"a{HALF}"}}, "fields.name"),
    ("/api/records/deal", {"tags": ["vip", HALF]}, "tags"),
    ("/api/records/deal", {"fields": {HALF: "x"}}, "fields"),
    ("/api/records/deal", {"external_id": HALF}, "external_id"),
    ("/api/workflows", {"name": HALF}, "name"),
    ("/api/users", {"username": "sam", "role": "viewer", "name": HALF}, "name"),
    ("/api/tokens", {"name": f"ci{HALF}"}, "name"),
    ("/api/events", {"object": "deal", "event": "created", "record": {"external_id": HALF}}, "record.external_id"),
])
def test_half_a_surrogate_pair_is_422_naming_the_field(api, path, body, field):
    before = counts()
    response = api.post(path, json=body)
    error = response.get_json()["error"]
    assert response.status_code == 422, error
    assert any(key == field or key.startswith(f"{field}.") or key.startswith(f"{field}[") for key in error["details"]), error
    assert counts() == before


def test_pages_show_text_already_stored_with_half_a_surrogate_pair(api, client, auth, make_record):
    deal = make_record("deal", fields={"name": "Acme"}, tags=["vip"])
    db.session.execute(db.update(Record).where(Record.id == deal["id"])
                       .values(fields={"name": f"Acme{HALF}"}, tags=[f"v{HALF}ip"]))
    db.session.commit()
    auth.login("vic")
    for path in ("/records/deal", f"/records/deal/{deal['id']}"):
        page = client.get(path)
        assert page.status_code == 200 and "Acme\ufffd" in page.get_data(as_text=True), path
    assert api.get(f"/api/records/deal/{deal['id']}", as_="viewer").status_code == 200


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("as_", [None, "editor"])
@pytest.mark.parametrize("method,path", [("POST", "/api/records/deal"), ("POST", "/api/events"),
                                         ("PUT", "/api/workflows/1"), ("POST", "/hooks/1/nothing")])
def test_json_nested_too_deeply_is_400_naming_the_body(api, method, path, as_):
    for depth in (100, 1_000, 100_000):
        response = api.request(method, path, as_=as_, data=nested(depth), content_type="application/json")
        error = response.get_json()["error"]
        assert response.status_code == 400 and "nested" in error["message"], (depth, error)
        assert "body" in error["details"]


def test_json_nested_as_deep_as_a_graph_needs_is_read(api):
    body = {"name": "W", "settings": {"exit_when": json.loads("[" * 30 + "]" * 30)}}
    assert api.post("/api/workflows", as_="editor", json=body).status_code == 422  # read, then judged


@pytest.mark.parametrize("path,body,field", [
    ("/api/records/deal", {"fields": {"amount": 10**400}}, "fields.amount"),
    ("/api/records/deal", {"fields": {"amount": -(2**53)}}, "fields.amount"),
    ("/api/records/deal", {"fields": {"name": "x" * 3_000_000}}, "fields.name"),
    ("/api/records/deal", {"tags": ["x" * 101]}, "tags"),
    ("/api/events", {"object": "deal", "event": "created", "record": {"external_id": {"a": 1}}},
     "record.external_id"),
    ("/api/events", {"object": "deal", "event": "created", "record": {"external_id": "e1", "amount": 10**400}},
     "fields.amount"),
    ("/api/users", {"username": "sam", "role": "viewer", "password": "x" * 1001}, "password"),
    ("/api/workflows/copy-to-stage", {"workflow_ids": [10**400], "object": "deal", "pipeline": "sales",
                                      "stage": "won"}, "workflow_ids.0"),
])
def test_numbers_and_text_past_their_limits_are_422_naming_the_field(api, path, body, field):
    before = counts()
    response = api.post(path, json=body)
    error = response.get_json()["error"]
    assert response.status_code == 422 and field in error["details"], error
    assert counts() == before


def test_a_revision_of_400_digits_is_refused_naming_it(api):
    workflow = api.post("/api/workflows", as_="editor", json={"name": "W"}).get_json()
    url = f"/api/workflows/{workflow['id']}"
    body = api.put(url, as_="editor", json={"name": "X", "revision": 10**400})
    assert body.status_code == 422 and "revision" in body.get_json()["error"]["details"]
    header = api.put(url, as_="editor", json={"name": "X"}, headers={"If-Match": f'"{10**400}"'})
    assert header.status_code == 400 and "If-Match" in header.get_json()["error"]["details"]
    assert api.get(url).get_json()["name"] == "W"


def test_a_number_as_external_id_is_kept_as_its_digits(api):
    response = api.post("/api/events", as_="editor",
                        json={"object": "deal", "event": "created", "record": {"external_id": 1234}})
    assert response.status_code == 200 and response.get_json()["record"]["external_id"] == "1234"
