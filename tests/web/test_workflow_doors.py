"""One use case per workflow change whichever door it comes through (API, page, stage rules board), and one run
list for the API and the pages."""
from tests.builder.factories import chain, node
from tests.engine.flows import clock, create, drain, edge, publish, trigger  # noqa: F401
from tests.web.stage_rule_graphs import make_rule


def revision(api, workflow_id) -> int:
    return api.get(f"/api/workflows/{workflow_id}", as_="viewer").get_json()["revision"]


def test_a_move_on_the_stage_rules_board_makes_an_editor_holding_the_old_revision_reload(api):
    rule = make_rule(api, "Follow up", stage="qualified")
    seen = revision(api, rule["id"])
    moved = api.post("/api/workflows/move-to-stage", as_="editor", json={
        "workflow_ids": [rule["id"]], "object": "deal", "pipeline": "sales", "stage": "won"})
    assert moved.status_code == 200, moved.get_json()
    stale = api.put(f"/api/workflows/{rule['id']}", as_="editor", json={"name": "Mine", "revision": seen})
    assert stale.status_code == 409 and stale.get_json()["error"]["details"] == {"revision": seen + 1}
    assert api.get(f"/api/workflows/{rule['id']}", as_="viewer").get_json()["name"] == "Follow up"


def test_a_saved_auto_arrange_makes_an_editor_holding_the_old_revision_reload(api):
    graph = chain(node("start", "record_created", object="deal"), node("tag", "update_record", add_tags=["x"]))
    made = api.post("/api/workflows", as_="editor", json={"name": "Arrange me", "graph": graph}).get_json()
    arranged = api.post(f"/api/workflows/{made['id']}/layout", as_="editor", json={"save": True})
    assert arranged.status_code == 200, arranged.get_json()
    stale = api.put(f"/api/workflows/{made['id']}", as_="editor", json={"name": "Mine"},
                    headers={"If-Match": f'"{made["revision"]}"'})
    assert stale.status_code == 409
    saved = api.get(f"/api/workflows/{made['id']}", as_="viewer").get_json()
    assert saved["revision"] == made["revision"] + 1 and saved["graph"]["nodes"] == arranged.get_json()["graph"]["nodes"]


def test_the_same_name_from_the_page_and_from_a_template_is_numbered(client, auth, api):
    auth.login("eddie")
    token = auth.csrf_token("/")
    for _ in range(2):
        assert client.post("/workflows", data={"name": "Onboarding", "csrf_token": token}).status_code == 302
    names = sorted(w["name"] for w in api.get("/api/workflows", as_="viewer").get_json())
    assert names == ["Onboarding", "Onboarding (2)"]


def test_a_page_refused_by_a_use_case_answers_an_html_page_naming_why(client, auth):
    auth.login("vic")
    answer = client.get("/workflows/999/edit")
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    assert "No workflow with id 999." in answer.get_data(as_text=True)


def test_pages_and_api_refuse_a_viewer_by_the_same_rule(client, auth, api):
    rule = make_rule(api, "Follow up", stage="qualified")
    auth.login("vic")
    board = "/pipelines/deal/sales/rules"
    assert client.get(board).status_code == 200
    copied = client.post(board, data={"copy_one": rule["id"], "csrf_token": auth.csrf_token(board)})
    assert copied.status_code == 403 and "needs the &#39;editor&#39; role" in copied.get_data(as_text=True)
    by_api = api.post("/api/workflows/copy-to-stage", as_="viewer", json={
        "workflow_ids": [rule["id"]], "object": "deal", "pipeline": "sales", "stage": "won"})
    assert by_api.status_code == 403
    assert [w["name"] for w in api.get("/api/workflows", as_="viewer").get_json()] == ["Follow up"]


def test_the_runs_page_and_the_api_list_the_same_runs_for_a_filter(app, clock, client, auth, api):
    workflow = publish(trigger("record_created", "deal"),
                       node("fail", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                       node("wait", "delay", duration="PT1H"),
                       edges=[edge("start", "fail")])
    ok = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT1H"), chain=True)
    for name in ("A", "B", "C"):
        create("deal", fields={"name": name})
    drain(clock)
    for status in ("failed", "waiting"):
        listed = api.get(f"/api/runs?workflow_id={workflow.id}&status={status}", as_="viewer").get_json()["items"]
        auth.login("vic")
        page = client.get(f"/workflows/{workflow.id}/runs?status={status}").get_data(as_text=True)
        shown = [int(part.split("<")[0]) for part in page.split(">Run ")[1:]]
        assert shown == [run["id"] for run in listed]
        assert len(shown) == (3 if status == "failed" else 0)
    waiting = api.get(f"/api/runs?workflow_id={ok.id}&status=waiting", as_="viewer").get_json()["items"]
    assert len(waiting) == 3
