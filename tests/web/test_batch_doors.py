"""Batch doors: POST /api/records/<object> and POST /api/events take a list of up to 500 items, each answered in
order with its own status; a refused item stores nothing and the good ones are stored with their events."""
from store.db import db
from crm.models import Event, Record
from tests.engine.flows import clock, drain, node, publish, runs_of, trigger  # noqa: F401


def stored(object_name="deal") -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Record).filter_by(object=object_name).order_by(Record.id))
    return [(record.id, record.fields.get("name")) for record in rows]


def events() -> list[tuple]:
    rows = db.session.scalars(db.select(Event).order_by(Event.id))
    return [(event.event, event.record_id) for event in rows]


def test_a_mixed_batch_of_records_answers_each_item_in_order_and_stores_only_the_good_ones(api, clock):
    workflow = publish(trigger(), node("tag", "update_record", add_tags=["welcomed"]), chain=True)
    response = api.post("/api/records/deal", as_="editor", json=[
        {"fields": {"name": "Acme"}},
        {"fields": {"name": "Bad", "colour": "red"}},
        {"fields": {"name": "Beta", "amount": 10}},
        {"fields": {"name": "Cheap", "amount": "lots"}},
        {"fields": {"name": "Nobody"}, "owner": "ghost"},
        {"fields": {"name": "Gamma"}, "unknown": 1},
        "not an item",
        {"fields": {"name": "Delta"}, "tags": ["vip"]},
    ])
    assert response.status_code == 207
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [201, 422, 201, 422, 422, 422, 422, 201]
    assert [r["record"]["fields"]["name"] for r in results if r["status"] == 201] == ["Acme", "Beta", "Delta"]
    assert results[7]["record"]["tags"] == ["vip"]
    assert results[1]["error"]["details"] == {"fields.colour": "deal has no field 'colour'"}
    assert list(results[3]["error"]["details"]) == ["fields.amount"]
    assert results[4]["error"]["details"] == {"owner": "no user named 'ghost'"}
    assert list(results[5]["error"]["details"]) == ["unknown"]
    assert results[6]["error"]["code"] == "invalid"
    good = [r["record"]["id"] for r in results if r["status"] == 201]
    assert stored() == list(zip(good, ["Acme", "Beta", "Delta"]))
    assert events() == [("created", record_id) for record_id in good]
    drain(clock)
    runs = runs_of(workflow)
    assert sorted(run.record_id for run in runs) == good and {run.status for run in runs} == {"completed"}


def test_a_single_record_is_answered_as_before(api):
    response = api.post("/api/records/deal", as_="editor", json={"fields": {"name": "Acme"}})
    assert response.status_code == 201 and response.get_json()["fields"] == {"name": "Acme"}
    refused = api.post("/api/records/deal", as_="editor", json={"fields": {"colour": "red"}})
    assert refused.status_code == 422 and refused.get_json()["error"]["details"] == {
        "fields.colour": "deal has no field 'colour'"}


def test_a_batch_of_outside_events_upserts_in_order(api):
    response = api.post("/api/events", as_="editor", json=[
        {"object": "deal", "event": "created", "record": {"external_id": "crm-1", "name": "Acme"}},
        {"object": "planet", "event": "created", "record": {"external_id": "crm-2"}},
        {"object": "deal", "event": "created", "record": {"name": "No id"}},
        {"object": "deal", "event": "updated", "record": {"external_id": "crm-1", "name": "Acme Ltd"}},
        {"object": "deal", "event": "updated", "record": {"external_id": "crm-3", "amount": "lots"}},
        {"object": "deal", "event": "exploded", "record": {"external_id": "crm-4"}},
    ])
    assert response.status_code == 207
    results = response.get_json()["results"]
    assert [(r["status"], r.get("result")) for r in results] == [
        (200, "created"), (422, None), (422, None), (200, "updated"), (422, None), (422, None)]
    assert results[1]["error"]["details"] == {"object": "unknown object type"}
    assert list(results[2]["error"]["details"]) == ["record.external_id"]
    assert list(results[4]["error"]["details"]) == ["fields.amount"]
    assert list(results[5]["error"]["details"]) == ["event"]
    record_id = results[0]["record"]["id"]
    assert results[3]["record"]["id"] == record_id
    assert stored() == [(record_id, "Acme Ltd")]
    assert events() == [("created", record_id), ("updated", record_id)]


def test_more_than_500_items_are_refused_whole(api):
    for path, item in (("/api/records/deal", {"fields": {"name": "Acme"}}),
                       ("/api/events", {"object": "deal", "event": "created", "record": {"external_id": "x"}})):
        response = api.post(path, as_="editor", json=[item] * 501)
        assert response.status_code == 422
        assert response.get_json()["error"]["details"] == {"body": "501 items; at most 500"}
    assert stored() == [] and events() == []


def test_a_body_that_is_neither_an_item_nor_a_list_is_refused(api):
    for path in ("/api/records/deal", "/api/events"):
        response = api.post(path, as_="editor", json="Acme")
        assert response.status_code == 422 and list(response.get_json()["error"]["details"]) == ["body"]
    assert stored() == []


def test_a_batch_for_an_unknown_object_type_is_a_404(api):
    response = api.post("/api/records/planet", as_="editor", json=[{"fields": {"name": "Mars"}}])
    assert response.status_code == 404 and response.get_json()["error"]["details"] == {"object": "unknown object type"}


def test_a_viewer_may_not_send_a_batch(api):
    for path, item in (("/api/records/deal", {"fields": {"name": "Acme"}}),
                       ("/api/events", {"object": "deal", "event": "created", "record": {"external_id": "x"}})):
        assert api.post(path, as_="viewer", json=[item]).status_code == 403
        assert api.post(path, as_=None, json=[item]).status_code == 401
    assert stored() == [] and events() == []


def test_the_openapi_document_says_a_door_takes_one_item_or_a_list(api):
    spec = api.get("/api/openapi.json").get_json()
    for path, schema in (("/api/records/{object_name}", "RecordIn"), ("/api/events", "OutsideEvent")):
        operation = spec["paths"][path]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        item = {"$ref": f"#/components/schemas/{schema}"}
        assert body["oneOf"][0] == item and body["oneOf"][1]["items"] == item and body["oneOf"][1]["maxItems"] == 500
        assert "207" in operation["responses"]


def test_text_no_column_can_hold_refuses_the_whole_batch_naming_the_item(api):
    response = api.post("/api/records/deal", as_="editor", json=[
        {"fields": {"name": "Acme"}}, {"fields": {"name": "Half \ud800"}}])
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"[1].fields.name": "contains half of a surrogate pair"}
    assert stored() == []


def test_a_batch_failing_on_our_side_stores_none_of_its_items(api, app):
    """A 5xx is not an item's refusal: the whole batch is undone, so a client retrying it doubles nothing."""
    sqlite = db.engine.dialect.name == "sqlite"
    statements = ["CREATE TRIGGER boom BEFORE INSERT ON events WHEN json_extract(NEW.snapshot, '$.fields.name') = "
                  "'Boom' BEGIN SELECT RAISE(ABORT, 'events offline'); END"] if sqlite else [
        "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.snapshot->'fields'->>'name' = 'Boom' THEN "
        "RAISE EXCEPTION 'events offline'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER boom BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION boom()"]
    for statement in statements:
        db.session.execute(db.text(statement))
    db.session.commit()
    response = api.post("/api/records/deal", as_="editor", json=[{"fields": {"name": "Acme"}},
                                                                 {"fields": {"name": "Boom"}}])
    assert response.status_code == 500
    db.session.rollback()
    assert stored() == [] and events() == []
