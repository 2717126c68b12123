"""The enrollment history through the API and its page: enrolled, filtered out (with the rule) and refused (why)."""
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import change, create, drain, node, publish, trigger

BIG = {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}


def history_world():
    workflow = publish(trigger("record_updated", filter=BIG), node("wait", "delay", duration="P1D"), chain=True,
                       name="Big deals")
    record = create(fields={"name": "Acme", "amount": 5})
    change(record, fields={"amount": 10})
    change(record, fields={"amount": 5000})
    change(record, fields={"amount": 6000})
    return workflow, record


def test_the_history_is_paged_and_filtered_by_outcome(app, api, clock):
    workflow, record = history_world()
    drain(clock)
    every = api.get(f"/api/workflows/{workflow.id}/enrollments", as_="viewer").get_json()
    assert [item["outcome"] for item in every["items"]] == ["refused", "enrolled", "filtered"]
    assert every["counts"] == {"enrolled": 1, "filtered": 1, "refused": 1} and every["total"] == 3
    filtered = api.get(f"/api/workflows/{workflow.id}/enrollments?outcome=filtered").get_json()
    assert [item["reason"] for item in filtered["items"]] == ["filter not met: amount is 10, not more than 1000"]
    assert filtered["items"][0]["event"] == {"id": filtered["items"][0]["event"]["id"], "object": "deal",
                                             "event": "updated", "actor": "tester", "changed": ["amount"]}
    enrolled = api.get(f"/api/workflows/{workflow.id}/enrollments?outcome=enrolled").get_json()["items"][0]
    assert enrolled["run_id"] is not None and enrolled["record_id"] == record.id
    second = api.get(f"/api/workflows/{workflow.id}/enrollments?per_page=2&page=2").get_json()
    assert [item["outcome"] for item in second["items"]] == ["filtered"] and second["total"] == 3


def test_refusals_list_keeps_showing_only_what_did_not_start(app, api, clock):
    workflow, _ = history_world()
    drain(clock)
    kinds = [r["kind"] for r in api.get(f"/api/enrollment-refusals?workflow_id={workflow.id}").get_json()["items"]]
    assert kinds == ["refused", "filtered"]


def test_bad_history_queries_are_refused_naming_the_field(app, api, clock):
    workflow, _ = history_world()
    for query, field in (("outcome=maybe", "outcome"), ("page=0", "page"), ("per_page=1000", "per_page")):
        response = api.get(f"/api/workflows/{workflow.id}/enrollments?{query}")
        assert response.status_code == 422 and field in response.get_json()["error"]["details"], query
    assert api.get("/api/workflows/9999/enrollments").status_code == 404


def test_the_page_shows_each_outcome_and_is_linked_from_the_lists(app, clock, client, auth):
    workflow, record = history_world()
    drain(clock)
    auth.login("vic")
    page = client.get(f"/workflows/{workflow.id}/enrollments").get_data(as_text=True)
    assert page.count('data-outcome="enrolled"') == page.count('data-outcome="refused"') == 1
    assert "filter not met: amount is 10, not more than 1000" in page
    assert "still live on this record and re-enrollment is off" in page
    assert f'href="/records/deal/{record.id}"' in page and "deal updated (amount)" in page
    only = client.get(f"/workflows/{workflow.id}/enrollments?outcome=refused").get_data(as_text=True)
    assert only.count("data-outcome=") == 1 and 'data-outcome="refused"' in only
    link = f'href="/workflows/{workflow.id}/enrollments"'
    assert link in client.get("/").get_data(as_text=True)
    assert link in client.get(f"/workflows/{workflow.id}/runs").get_data(as_text=True)
    assert client.get("/workflows/9999/enrollments").status_code == 404
