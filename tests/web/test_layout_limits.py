"""Auto-arrange is bounded for everyone (issue 18, point 13): a CPU deadline per call, one call at a time and
a number per minute per user, refused with 429 and Retry-After."""
import threading
import time

from builder.layout import grid
from crm.people import find_user
from tests.builder.test_layout import braided_graph
from tests.web.test_workflows_api import graph


def make_workflow(api) -> int:
    answer = api.post("/api/workflows", as_="editor", json={"name": "Arrange me", "graph": graph()})
    assert answer.status_code == 201
    return answer.get_json()["id"]


def test_layout_calls_per_minute_are_limited_per_user(app, api):
    app.config["LAYOUT_CALLS_PER_MINUTE"] = 3
    url = f"/api/workflows/{make_workflow(api)}/layout"
    for _ in range(3):
        assert api.post(url, as_="viewer", json={}).status_code == 200
    refused = api.post(url, as_="viewer", json={})
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert api.post(url, as_="editor", json={}).status_code == 200  # another user has calls of their own


def test_a_user_runs_one_layout_at_a_time(app, api):
    app.config["LAYOUT_SECONDS"] = 5.0  # the braid below keeps the first call busy until its work budget is spent
    url = f"/api/workflows/{make_workflow(api)}/layout"
    answers = []

    def arrange_a_braid():
        with app.app_context():
            answers.append(api.post(url, as_="viewer", json={"graph": braided_graph(300)}))

    first = threading.Thread(target=arrange_a_braid)
    first.start()
    viewer = find_user("vic").id
    while first.is_alive() and not _running(app, viewer):
        time.sleep(0.005)
    assert first.is_alive(), "the first call ended before the second could be made"
    second = api.post(url, as_="viewer", json={})
    first.join(60)
    assert second.status_code == 429 and second.headers["Retry-After"] == "1"
    assert answers[0].status_code == 200
    assert api.post(url, as_="viewer", json={}).status_code == 200  # its slot is free again


def _running(app, user_id) -> bool:
    limiters = app.extensions.get("flowdesk.call_limits", {})
    return "layout" in limiters and limiters["layout"].running(user_id) > 0


def test_a_pathological_graph_returns_when_its_deadline_passes(app, api):
    app.config["LAYOUT_SECONDS"] = 0.05
    doc = braided_graph(1999)
    answer = api.post(f"/api/workflows/{make_workflow(api)}/layout", as_="viewer", json={"graph": doc})
    assert answer.status_code == 200
    assert answer.get_json()["complete"] is False
    assert answer.get_json()["graph"]["nodes"] == grid(doc)["nodes"]


def test_a_workflow_arranged_in_time_is_complete(api):
    answer = api.post(f"/api/workflows/{make_workflow(api)}/layout", as_="viewer", json={})
    assert answer.status_code == 200 and answer.get_json()["complete"] is True
