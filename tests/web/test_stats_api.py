"""Per-node and per-day counts of a workflow's runs."""
from tests.engine.flows import START, clock, create, drain, edge, node, publish, trigger  # noqa: F401


def test_counts_per_node_and_per_day(app, clock, api):
    workflow = publish(trigger("record_created", "deal"),
                       node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
                       node("wait", "delay", duration="PT1H"),
                       node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                       edges=[edge("start", "big"), edge("big", "wait", "true"), edge("big", "bad", "false")])
    for amount in (500, 600, 5):
        create("deal", fields={"name": "Acme", "amount": amount})
    drain(clock)
    body = api.get(f"/api/workflows/{workflow.id}/stats", as_="viewer").get_json()
    assert body["nodes"]["start"]["reached"] == 3 and body["nodes"]["big"]["reached"] == 3
    assert body["nodes"]["wait"] == {"reached": 2, "waiting": 2, "failed": 0}
    assert body["nodes"]["bad"] == {"reached": 1, "waiting": 0, "failed": 1}
    assert len(body["daily"]) == 30 and body["daily"][-1]["date"] == START.date().isoformat()
    assert body["daily"][-1]["failed"] == 1
    assert sum(day["started"] for day in body["daily"]) == 3
    assert api.get("/api/workflows/999/stats", as_="viewer").status_code == 404


def test_stats_page_overlays_counts_and_draws_the_chart(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT1H"), chain=True)
    create("deal", fields={"name": "Acme"})
    drain(clock)
    auth.login("vic")
    page = client.get(f"/workflows/{workflow.id}/stats").get_data(as_text=True)
    assert "1 reached · 1 waiting · 0 failed" in page
    assert 'class="day-chart"' in page and "1 started</title>" in page


def test_stats_are_for_signed_in_users_of_any_role(app, clock, api, client):
    workflow = publish(trigger("record_created", "deal"), node("tag", "update_record", add_tags=["x"]), chain=True)
    create("deal", fields={"name": "Acme"})
    drain(clock)
    assert client.get(f"/api/workflows/{workflow.id}/stats").status_code == 401
    for role in ("viewer", "editor", "admin"):
        body = api.get(f"/api/workflows/{workflow.id}/stats", as_=role).get_json()
        assert body["nodes"]["tag"] == {"reached": 1, "waiting": 0, "failed": 0}
        assert body["daily"][-1] == {"date": START.date().isoformat(), "started": 1, "completed": 1, "failed": 0}
    assert client.get(f"/workflows/{workflow.id}/stats").status_code in (302, 401)
