"""Records API: typed validation, filters, pagination, and events for every change."""
from store.db import db
from crm.models import Event, Record


def events_for(record_id):
    return [(e.event, e.changes) for e in
            db.session.execute(db.select(Event).filter_by(record_id=record_id).order_by(Event.id)).scalars()]


def test_create_read_update_delete_deal(api, make_record):
    deal = make_record("deal", fields={"name": "Acme", "amount": 5000, "close_date": "2026-12-01"},
                       owner="eddie", tags=["vip"], stage="new")
    assert deal["pipeline"] == "sales" and deal["stage"] == "new" and deal["owner"] == "eddie"
    assert api.get(f"/api/records/deal/{deal['id']}", as_="viewer").get_json() == deal

    changed = api.patch(f"/api/records/deal/{deal['id']}", as_="editor",
                        json={"fields": {"amount": 7000}, "stage": "qualified"})
    assert changed.status_code == 200
    assert changed.get_json()["fields"] == {"name": "Acme", "amount": 7000, "close_date": "2026-12-01"}

    assert api.delete(f"/api/records/deal/{deal['id']}", as_="editor").status_code == 204
    assert api.get(f"/api/records/deal/{deal['id']}").status_code == 404
    kinds = [kind for kind, _ in events_for(deal["id"])]
    assert kinds == ["created", "updated", "stage_changed", "deleted"]
    updated = events_for(deal["id"])[1][1]
    assert updated["amount"] == {"old": 5000, "new": 7000}
    assert updated["stage"] == {"old": "new", "new": "qualified"}


def test_default_stage_is_first_of_pipeline(make_record):
    assert make_record("order", fields={"number": "SO-1"})["stage"] == "created"


def test_unknown_field_is_refused_and_nothing_stored(api):
    response = api.post("/api/records/deal", as_="editor", json={"fields": {"name": "X", "colour": "red"}})
    assert response.status_code == 422
    assert "fields.colour" in response.get_json()["error"]["details"]
    assert db.session.execute(db.select(db.func.count(Record.id))).scalar() == 0
    assert db.session.execute(db.select(db.func.count(Event.id))).scalar() == 0


def test_wrong_types_name_each_field(api):
    body = {"fields": {"amount": "lots", "close_date": "tomorrow", "email": "nope"}}
    details = api.post("/api/records/deal", as_="editor", json=body).get_json()["error"]["details"]
    assert {"fields.amount", "fields.close_date", "fields.email"} <= set(details)


def test_choice_stage_owner_and_top_level_keys_are_checked(api):
    cases = [
        ("task", {"fields": {"status": "Someday"}}, "fields.status"),
        ("deal", {"stage": "dreaming"}, "stage"),
        ("deal", {"owner": "nobody-here"}, "owner"),
        ("deal", {"colour": "red"}, "colour"),
        ("deal", {"tags": "vip"}, "tags"),
        ("contact", {"stage": "new"}, "stage"),
    ]
    for object_name, body, field in cases:
        response = api.post(f"/api/records/{object_name}", as_="editor", json=body)
        assert response.status_code == 422, (object_name, body)
        assert field in response.get_json()["error"]["details"], (body, response.get_json())


def test_failed_patch_changes_nothing(api, make_record):
    deal = make_record("deal", fields={"name": "Acme", "amount": 1})
    response = api.patch(f"/api/records/deal/{deal['id']}", as_="editor",
                         json={"fields": {"name": "Renamed", "amount": "x"}})
    assert response.status_code == 422
    assert api.get(f"/api/records/deal/{deal['id']}").get_json()["fields"]["name"] == "Acme"
    assert [kind for kind, _ in events_for(deal["id"])] == ["created"]


def test_patch_without_change_writes_no_event(api, make_record):
    deal = make_record("deal", fields={"name": "Acme"})
    api.patch(f"/api/records/deal/{deal['id']}", as_="editor", json={"fields": {"name": "Acme"}})
    assert [kind for kind, _ in events_for(deal["id"])] == ["created"]


def test_unknown_object_is_404(api):
    response = api.get("/api/records/spaceship")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_list_filters_and_pagination(api, make_record):
    for i in range(7):
        make_record("deal", fields={"name": f"Deal {i}", "amount": i}, stage="won" if i % 2 else "new",
                    tags=["hot"] if i == 3 else [])
    page = api.get("/api/records/deal?per_page=3&page=2").get_json()
    assert page["total"] == 7 and len(page["items"]) == 3 and page["page"] == 2
    assert {r["stage"] for r in api.get("/api/records/deal?stage=won").get_json()["items"]} == {"won"}
    assert [r["fields"]["name"] for r in api.get("/api/records/deal?tag=hot").get_json()["items"]] == ["Deal 3"]
    assert [r["fields"]["name"] for r in api.get("/api/records/deal?q=deal 5").get_json()["items"]] == ["Deal 5"]
    assert api.get("/api/records/deal?per_page=0").status_code == 422


def test_outside_events_upsert_by_external_id(api):
    body = {"object": "contact", "event": "created",
            "record": {"external_id": "hs-1", "name": "Ann", "email": "ann@example.com", "tags": ["vip"]}}
    first = api.post("/api/events", as_="editor", json=body).get_json()
    assert first["result"] == "created" and first["record"]["tags"] == ["vip"]
    body["event"], body["record"]["email"] = "updated", "ann@new.example"
    second = api.post("/api/events", as_="editor", json=body).get_json()
    assert second["result"] == "updated" and second["record"]["id"] == first["record"]["id"]
    assert api.post("/api/events", as_="editor", json=body).get_json()["result"] == "unchanged"
    body["event"] = "deleted"
    assert api.post("/api/events", as_="editor", json=body).get_json()["result"] == "deleted"
    assert [k for k, _ in events_for(first["record"]["id"])] == ["created", "updated", "deleted"]


def test_outside_event_without_external_id_is_refused(api):
    response = api.post("/api/events", as_="editor",
                        json={"object": "contact", "event": "created", "record": {"name": "Ann"}})
    assert response.status_code == 422
    assert "record.external_id" in response.get_json()["error"]["details"]


def test_objects_list_has_fields_and_pipelines(api):
    objects = {o["name"]: o for o in api.get("/api/objects", as_="viewer").get_json()}
    assert set(objects) >= {"contact", "company", "deal", "task", "order"}
    assert objects["deal"]["pipelines"]["sales"][0] == "new"
    assert objects["task"]["fields"]["status"]["options"] == ["To Do", "In Progress", "Done"]


def test_object_tags_are_the_distinct_tags_on_its_records_for_any_reader(api, make_record):
    make_record("deal", tags=["vip", "churn-risk"])
    make_record("deal", tags=["vip"])
    make_record("task", fields={"title": "Call"}, tags=["task-only"])
    assert api.get("/api/objects/deal/tags", as_="viewer").get_json() == {"tags": ["churn-risk", "vip"]}
    assert api.get("/api/objects/order/tags", as_="viewer").get_json() == {"tags": []}
    assert api.get("/api/objects/nothing/tags", as_="viewer").status_code == 404


def test_admin_adds_a_field_then_records_can_use_it(api, make_record):
    response = api.post("/api/objects/deal/fields", json={"name": "source", "type": "text"})
    assert response.status_code == 201
    assert make_record("deal", fields={"source": "web"})["fields"]["source"] == "web"
    assert api.post("/api/objects/deal/fields", json={"name": "source", "type": "text"}).status_code == 422


def test_non_json_bodies_are_refused_not_read_as_empty(api):
    form = api.post("/api/records/deal", as_="editor", data={"fields": "x"})
    assert form.status_code == 415
    broken = api.post("/api/records/deal", as_="editor", data="{oops", content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]["details"]
    assert api.get("/api/records/deal").get_json()["total"] == 0
