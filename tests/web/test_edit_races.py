"""Races between real concurrent requests on a live server (issue 18, 4 and 6)."""
from tests.web.live import at_once, send


def test_two_saves_on_the_same_revision_one_wins_one_gets_409(api, live_server):
    token = api.tokens["editor"]
    status, workflow = send("POST", f"{live_server}/api/workflows", token, {"name": "Race"})
    assert status == 201
    url = f"{live_server}/api/workflows/{workflow['id']}"
    for attempt in range(10):
        revision = send("GET", url, token)[1]["revision"]
        answers = at_once(*[lambda name=name: send("PUT", url, token, {"name": name},
                                                   {"If-Match": f'"{revision}"'}) for name in ("Mine", "Theirs")])
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 409], (attempt, answers)
        saved = send("GET", url, token)[1]
        winner = next(body for status, body in answers if status == 200)
        assert saved["revision"] == revision + 1 and saved["name"] == winner["name"]


def test_concurrent_upserts_of_one_external_id_make_one_record_and_each_call_an_insert_or_update(api, live_server):
    token = api.tokens["editor"]
    for attempt in range(5):
        external_id = f"crm-{attempt}"
        answers = at_once(*[lambda n=n: send("POST", f"{live_server}/api/events", token, {
            "object": "deal", "event": "updated", "record": {"external_id": external_id, "name": f"Acme {n}"}})
            for n in range(6)])
        assert [status for status, _ in answers] == [200] * 6, (attempt, answers)
        results = sorted(body["result"] for _, body in answers)
        assert results.count("created") == 1 and set(results) <= {"created", "updated", "unchanged"}, results
        assert len({body["record"]["id"] for _, body in answers}) == 1
        status, page = send("GET", f"{live_server}/api/records/deal?per_page=200", token)
        assert [r["external_id"] for r in page["items"]].count(external_id) == 1


def test_concurrent_events_changing_different_fields_of_one_record_all_land(api, live_server):
    token = api.tokens["editor"]
    values = {"name": "Acme", "amount": 5, "email": "a@example.com", "phone": "+1 555", "close_date": "2026-12-31"}
    for attempt in range(3):
        external_id = f"crm-merge-{attempt}"
        assert send("POST", f"{live_server}/api/events", token, {
            "object": "deal", "event": "created", "record": {"external_id": external_id}})[0] == 200
        answers = at_once(*[lambda field=field, value=value: send("POST", f"{live_server}/api/events", token, {
            "object": "deal", "event": "updated", "record": {"external_id": external_id, field: value}})
            for field, value in values.items()])
        assert [status for status, _ in answers] == [200] * len(values), answers
        record_id = answers[0][1]["record"]["id"]
        stored = send("GET", f"{live_server}/api/records/deal/{record_id}", token)[1]["fields"]
        assert {name: stored.get(name) for name in values} == values, (attempt, stored)
