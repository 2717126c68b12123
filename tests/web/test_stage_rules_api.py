"""The stage rules board's API: stage_entered workflows per stage, copied or moved between stages."""
import pytest

from store.db import db
from store.models import Workflow
from engine.worker import drain
from tests.web.stage_rule_graphs import make_rule


def board(api, object_name="deal", pipeline="sales"):
    answer = api.get(f"/api/pipelines/{object_name}/{pipeline}/rules", as_="viewer")
    assert answer.status_code == 200, answer.get_json()
    return {c["stage"]: c["cards"] for c in answer.get_json()["columns"]}


def test_a_stage_rule_shows_in_its_stage_with_status_and_recent_runs(api, make_record):
    rule = make_rule(api, "Qualified follow-up", stage="qualified")
    draft = make_rule(api, "Proposal draft", publish=False, stage="proposal")
    make_record("deal", fields={"name": "A"}, stage="qualified")
    drain()
    columns = board(api)
    assert list(columns) == ["new", "unassigned", "qualified", "proposal", "won", "lost"]
    assert columns["qualified"] == [{"id": rule["id"], "name": "Qualified follow-up", "status": "active",
                                     "version": 1, "runs_7d": 1}]
    assert columns["proposal"][0]["id"] == draft["id"] and columns["proposal"][0]["status"] == "draft"
    assert columns["new"] == []
    assert api.get("/api/pipelines/deal/nope/rules", as_="viewer").status_code == 404


def test_copy_makes_draft_copies_at_the_target(api):
    first, second = make_rule(api, "One", stage="new"), make_rule(api, "Two", stage="new")
    answer = api.post("/api/workflows/copy-to-stage", as_="editor", json={
        "workflow_ids": [first["id"], second["id"]], "object": "deal", "pipeline": "sales", "stage": "won"})
    assert answer.status_code == 200, answer.get_json()
    copies = answer.get_json()["workflows"]
    assert [(c["name"], c["status"], c["version"]) for c in copies] == [("Copy of One", "draft", None),
                                                                        ("Copy of Two", "draft", None)]
    assert copies[0]["graph"]["nodes"][0]["config"]["stage"] == "won"
    assert [c["id"] for c in board(api)["won"]] == [c["id"] for c in copies]
    assert [c["id"] for c in board(api)["new"]] == [first["id"], second["id"]]


def test_move_re_targets_and_re_publishes_an_active_rule_to_another_pipeline(api):
    api.post("/api/objects/deal/pipelines", json={"label": "Partners", "stages": ["Intro", "Signed"]})
    rule = make_rule(api, "Welcome partner", stage="qualified")
    answer = api.post("/api/workflows/move-to-stage", as_="editor", json={
        "workflow_ids": [rule["id"]], "object": "deal", "pipeline": "partners", "stage": "signed"})
    assert answer.status_code == 200, answer.get_json()
    moved = answer.get_json()["workflows"][0]
    assert (moved["status"], moved["version"]) == ("active", 2)
    published = api.get(f"/api/workflows/{rule['id']}/versions/2", as_="viewer").get_json()
    assert published["graph"]["nodes"][0]["config"] == {**published["graph"]["nodes"][0]["config"],
                                                         "object": "deal", "pipeline": "partners", "stage": "signed"}
    assert board(api)["qualified"] == []
    assert [c["id"] for c in board(api, pipeline="partners")["signed"]] == [rule["id"]]


def test_a_move_that_would_break_a_rule_is_refused_with_its_problems_and_changes_nothing(api):
    good = make_rule(api, "Fine anywhere", stage="new")
    bad = make_rule(api, "Needs amount", stage="new", amount=5)  # orders have an amount, deals do too
    worse = make_rule(api, "Needs close date", stage="new", close_date="2026-12-20")  # orders have none
    before = {w["id"]: (w["graph"], w["version"]) for w in (good, bad, worse)}
    answer = api.post("/api/workflows/move-to-stage", as_="editor", json={
        "workflow_ids": [good["id"], bad["id"], worse["id"]], "object": "order", "pipeline": "orders",
        "stage": "paid"})
    assert answer.status_code == 422
    problems = answer.get_json()["error"]["details"]["problems"]
    assert {p["workflow_id"] for p in problems} == {worse["id"]}
    assert any("close_date" in p["message"] and p["node_id"] == "tag" for p in problems), problems
    db.session.expire_all()
    for workflow_id, (graph, version) in before.items():
        workflow = db.session.get(Workflow, workflow_id)
        assert (workflow.graph, workflow.version, workflow.status) == (graph, version, "active")


@pytest.mark.parametrize("body, field", [
    ({"object": "deal", "pipeline": "sales", "stage": "nowhere"}, "stage"),
    ({"object": "deal", "pipeline": "orders", "stage": "paid"}, "pipeline"),
    ({"object": "ghost", "pipeline": "sales", "stage": "new"}, "object"),
    ({"object": "deal", "pipeline": "sales", "stage": "won", "workflow_ids": [999]}, "workflow_ids"),
])
def test_a_bad_target_is_refused_naming_the_field(api, body, field):
    rule = make_rule(api, "R", stage="new")
    answer = api.post("/api/workflows/move-to-stage", as_="editor", json={"workflow_ids": [rule["id"]], **body})
    assert answer.status_code == 422 and field in answer.get_json()["error"]["details"], answer.get_json()


def test_a_workflow_that_is_not_a_stage_rule_is_refused(api):
    other = api.post("/api/workflows", as_="editor", json={"name": "Manual", "graph": {"nodes": [
        {"id": "m", "kind": "trigger", "type": "manual", "config": {"object": "deal"}}], "edges": []}}).get_json()
    answer = api.post("/api/workflows/copy-to-stage", as_="editor", json={
        "workflow_ids": [other["id"]], "object": "deal", "pipeline": "sales", "stage": "won"})
    assert answer.status_code == 422
    assert "does not start when a stage" in answer.get_json()["error"]["details"]["workflow_ids"]


@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403)])
def test_viewers_cannot_copy_or_move(api, role, status):
    rule = make_rule(api, "R", stage="new")
    for path in ("/api/workflows/copy-to-stage", "/api/workflows/move-to-stage"):
        answer = api.post(path, as_=role, json={"workflow_ids": [rule["id"]], "object": "deal",
                                                "pipeline": "sales", "stage": "won"})
        assert answer.status_code == status
    assert len(api.get("/api/workflows", as_="viewer").get_json()) == 1
