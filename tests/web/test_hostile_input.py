"""Input that the API fuzzer (test_api_fuzz.py) found answered with a 500: each is now a 4xx that stores nothing."""
import pytest

from store.db import MAX_ID, db
from crm.models import Record, User

NUL = "\x00"


def records() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Record))


@pytest.mark.parametrize("path", [f"/api/records/deal/{MAX_ID + 1}", f"/api/workflows/{10**30}",
                                  f"/api/workflows/1/versions/{10**30}", f"/api/runs/{2**64}"])
def test_ids_past_the_largest_are_404_not_an_overflow(api, path):
    assert api.get(path, as_="viewer").status_code == 404


@pytest.mark.parametrize("query", [f"run_id={10**30}", "run_id=0", f"page={10**30}"])
def test_numbers_in_queries_are_bounded(api, query):
    response = api.get(f"/api/messages?{query}", as_="viewer")
    assert response.status_code == 422 and query.split("=")[0] in response.get_json()["error"]["details"]


def test_a_manual_run_on_an_id_past_the_largest_is_422(api):
    workflow = api.post("/api/workflows", as_="editor", json={"name": "W"}).get_json()
    response = api.post(f"/api/workflows/{workflow['id']}/runs", as_="editor", json={"record_id": 10**30})
    assert response.status_code == 422 and "record_id" in response.get_json()["error"]["details"]


@pytest.mark.parametrize("method,path,body,where", [
    ("POST", "/api/records/deal", {"fields": {"name": f"a{NUL}b"}}, "body.fields.name"),
    ("POST", "/api/records/deal", {"external_id": NUL}, "body.external_id"),
    ("POST", "/api/workflows", {"name": "W", "description": NUL}, "body.description"),
    ("POST", "/api/records/deal", {"fields": {NUL: 1}}, "body.fields"),
    ("GET", f"/api/records/deal?q={NUL}", None, "query.q[0]"),
    ("GET", f"/api/objects/de{NUL}al", None, "url.object_name"),
])
def test_nul_characters_are_400_naming_where(api, method, path, body, where):
    response = api.request(method, path, json=body)
    error = response.get_json()["error"]
    assert response.status_code == 400 and "NUL" in error["message"], error
    assert any(key.startswith(where) for key in error["details"]), error
    assert records() == 0


def test_an_external_id_is_unique_per_object(api, make_record):
    first = make_record("deal", external_id="crm-1")
    again = api.post("/api/records/deal", as_="editor", json={"external_id": "crm-1"})
    assert again.status_code == 422
    assert again.get_json()["error"]["details"]["external_id"] == f"already used by deal {first['id']}"
    assert make_record("contact", external_id="crm-1")["external_id"] == "crm-1"
    assert records() == 2


@pytest.mark.parametrize("path,body,field", [
    ("/api/records/deal", {"external_id": "x" * 201}, "external_id"),
    ("/api/events", {"object": "deal", "event": "created", "record": {"external_id": "x" * 201}}, "external_id"),
    ("/api/users", {"username": "long", "role": "viewer", "email": "a@" + "x" * 253}, "email"),
    ("/api/users", {"username": "long", "role": "viewer", "name": "x" * 201}, "name"),
])
def test_text_longer_than_its_column_is_422(api, path, body, field):
    response = api.post(path, json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["details"]
    assert records() == 0 and db.session.scalar(db.select(User).filter_by(username="long")) is None


def test_an_event_naming_an_unknown_object_is_422_not_404(api):
    response = api.post("/api/events", as_="editor",
                        json={"object": "spaceship", "event": "created", "record": {"external_id": "e1"}})
    assert response.status_code == 422 and response.get_json()["error"]["details"] == {"object": "unknown object type"}
