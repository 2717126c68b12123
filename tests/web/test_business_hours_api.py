"""Business hours through the API: the setting is saved with the workflow, checked when publishing, and steps
that need it are refused (naming the node and field) while the workflow has none."""
from tests.builder.factories import edge, node
from tests.engine.flows import START, clock  # noqa: F401  (a fixture)

TRIGGER = {**node("start", "record_created", object="deal"), "position": {"x": 0, "y": 0}}
MAIL = node("mail", "send_email", to="a@example.com", subject="Hi", body="b", business_hours_only=True)
OFFICE = {"days": {"mon": [["09:00", "17:00"]], "fri": [["09:00", "15:00"]]}, "holidays": ["2026-12-25"]}


def create(api, **settings):
    answer = api.post("/api/workflows", as_="editor", json={"name": "Hours", "timezone": "Europe/Berlin",
                                                            "settings": settings,
                                                            "graph": {"nodes": [TRIGGER, MAIL],
                                                                      "edges": [edge("start", "mail")]}})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def problems_of(answer):
    return [(p["node_id"], p["field"], p["message"]) for p in answer.get_json()["error"]["details"]["problems"]]


def test_a_step_that_needs_business_hours_is_refused_until_the_workflow_has_them(api):
    workflow = create(api)
    refused = api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor")
    assert refused.status_code == 422
    assert problems_of(refused) == [("mail", "config.business_hours_only",
                                     "Set the workflow's business hours first (workflow settings).")]
    saved = api.put(f"/api/workflows/{workflow['id']}", as_="editor", json={"settings": {"business_hours": OFFICE}})
    assert saved.status_code == 200 and saved.get_json()["settings"]["business_hours"] == OFFICE
    assert api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor").status_code == 200


def test_bad_business_hours_are_named_and_nothing_is_published(api):
    workflow = create(api, business_hours={"days": {"mon": [["17:00", "09:00"]]}, "holidays": ["soon"]})
    refused = api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor")
    assert refused.status_code == 422
    assert sorted(problems_of(refused)) == [
        (None, "settings.business_hours.days.mon[0]", "Business hours: closes at 09:00, before it opens at 17:00"),
        (None, "settings.business_hours.holidays[0]", "Business hours: 'soon' is not a date like 2026-12-25")]
    assert api.get(f"/api/workflows/{workflow['id']}").get_json()["version"] is None
    not_an_object = api.put(f"/api/workflows/{workflow['id']}", as_="editor",
                            json={"settings": {"business_hours": "9 to 5"}})
    assert not_an_object.status_code == 422 and "business_hours" in str(not_an_object.get_json()["error"]["details"])


def test_a_business_time_delay_counts_no_months(api):
    delay = node("wait", "delay", duration="P1M", business_time=True)
    answer = api.post("/api/workflows", as_="editor", json={"name": "D", "settings": {"business_hours": OFFICE},
                                                            "graph": {"nodes": [TRIGGER, delay],
                                                                      "edges": [edge("start", "wait")]}})
    refused = api.post(f"/api/workflows/{answer.get_json()['id']}/publish", as_="editor")
    assert ("wait", "config.duration", "Business time counts weeks, days, hours and minutes, not months or years.") \
        in problems_of(refused)


def test_a_business_time_wait_for_event_needs_business_hours_and_counts_no_months(api):
    wait = node("wait", "wait_event", event="field_changed", timeout="P1M", business_time=True)
    graph = {"nodes": [TRIGGER, wait], "edges": [edge("start", "wait")]}
    with_hours = api.post("/api/workflows", as_="editor", json={"name": "W", "settings": {"business_hours": OFFICE},
                                                                "graph": graph}).get_json()
    without = api.post("/api/workflows", as_="editor", json={"name": "W2", "graph": graph}).get_json()
    months = ("wait", "config.timeout", "Business time counts weeks, days, hours and minutes, not months or years.")
    assert months in problems_of(api.post(f"/api/workflows/{with_hours['id']}/publish", as_="editor"))
    assert ("wait", "config.business_time", "Set the workflow's business hours first (workflow settings).") \
        in problems_of(api.post(f"/api/workflows/{without['id']}/publish", as_="editor"))


def test_the_dry_run_says_the_email_would_go_out_at_the_opening(api, clock, make_record):
    workflow = create(api, business_hours=OFFICE)  # Wednesday 09:00 UTC is Wednesday 10:00 in Berlin: closed
    record = make_record(fields={"name": "Acme"})
    path = api.post(f"/api/workflows/{workflow['id']}/test", as_="viewer", json={"record_id": record["id"]})
    assert [(step["node_id"], step["at"]) for step in path.get_json()["path"]] == [
        ("start", START.isoformat()), ("mail", "2026-11-27T08:00:00+00:00")]  # Friday 09:00 in Berlin
