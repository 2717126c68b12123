"""Pipelines and stages per object type: admins add, rename, reorder and archive them; what is in use stays."""
import pytest

from tests.builder.factories import chain, node
from tests.web.stage_rule_graphs import make_rule

BASE = "/api/objects/deal/pipelines"


def details(api, object_name="deal"):
    return {p["name"]: p for p in api.get(f"/api/objects/{object_name}", as_="viewer").get_json()["pipeline_details"]}


def test_objects_keep_their_shape_and_add_pipeline_details(api):
    kinds = {k["name"]: k for k in api.get("/api/objects", as_="viewer").get_json()}
    assert kinds["deal"]["pipelines"] == {"sales": ["new", "unassigned", "qualified", "proposal", "won", "lost"]}
    assert kinds["order"]["pipelines"] == {"orders": ["created", "paid", "delivered", "received"]}
    assert kinds["deal"]["pipeline_details"][0]["stages"][0] == {"name": "new", "label": "new", "archived": False}


def test_an_admin_adds_a_second_pipeline_and_records_can_use_it(api, make_record):
    made = api.post(BASE, json={"label": "Partner deals", "stages": ["Intro", "Signed"]})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["pipelines"]["partner_deals"] == ["intro", "signed"]
    assert made.get_json()["pipelines"]["sales"][0] == "new"
    record = make_record("deal", fields={"name": "P"}, pipeline="partner_deals")
    assert (record["pipeline"], record["stage"]) == ("partner_deals", "intro")
    assert details(api)["partner_deals"]["stages"][1]["label"] == "Signed"


def test_add_rename_reorder_stages(api, make_record):
    added = api.post(f"{BASE}/sales/stages", json={"label": "Negotiation", "position": 4})
    assert added.status_code == 201
    assert added.get_json()["pipelines"]["sales"] == ["new", "unassigned", "qualified", "proposal", "negotiation",
                                                     "won", "lost"]
    assert make_record("deal", fields={"name": "N"}, stage="negotiation")["stage"] == "negotiation"
    renamed = api.patch(f"{BASE}/sales/stages/negotiation", json={"label": "Haggling"})
    assert renamed.status_code == 200
    assert [s["label"] for s in details(api)["sales"]["stages"]][4] == "Haggling"
    order = ["unassigned", "new", "qualified", "proposal", "negotiation", "won", "lost"]
    reordered = api.patch(f"{BASE}/sales", json={"order": order, "label": "Sales team"})
    assert reordered.get_json()["pipelines"]["sales"] == order
    assert details(api)["sales"]["label"] == "Sales team"


def test_bad_input_is_refused_naming_the_field_and_stores_nothing(api):
    before = details(api)
    cases = [(f"{BASE}/sales/stages", {"label": "New"}, "name"),           # the key 'new' exists
             (f"{BASE}/sales/stages", {"label": "x", "name": "Bad Name"}, "name"),
             (f"{BASE}/nope/stages", {"label": "x"}, "pipeline"),
             (BASE, {"label": "Empty", "stages": []}, "stages"),
             (BASE, {"label": "Sales", "stages": ["a"]}, "name")]
    for path, body, field in cases:
        answer = api.post(path, json=body)
        assert answer.status_code == 422, (path, body, answer.get_json())
        assert field in str(answer.get_json()["error"]["details"]), answer.get_json()
    answer = api.patch(f"{BASE}/sales", json={"order": ["new", "won"]})
    assert answer.status_code == 422 and "order" in answer.get_json()["error"]["details"]
    assert details(api) == before


@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403), ("editor", 403)])
def test_only_admins_change_pipelines(api, role, status):
    assert api.post(f"{BASE}/sales/stages", as_=role, json={"label": "X"}).status_code == status
    assert api.post(f"{BASE}/sales/stages/lost/archive", as_=role).status_code == status
    assert "x" not in details(api)["sales"]


def test_a_stage_with_records_is_not_archived_and_the_message_says_why(api, make_record):
    make_record("deal", fields={"name": "Stuck"}, stage="proposal")
    refused = api.post(f"{BASE}/sales/stages/proposal/archive")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert "1 deal record is in it" in error["message"] and "stage" in error["details"]
    assert "proposal" in details(api)["sales"]["stages"][3]["name"]


def test_a_stage_named_by_an_active_workflow_is_not_archived(api):
    rule = make_rule(api, "Qualified follow-up", stage="qualified")
    refused = api.post(f"{BASE}/sales/stages/qualified/archive")
    assert refused.status_code == 409
    assert f"'Qualified follow-up' (#{rule['id']})" in refused.get_json()["error"]["message"]
    api.post(f"/api/workflows/{rule['id']}/pause", as_="editor")
    assert api.post(f"{BASE}/sales/stages/qualified/archive").status_code == 200


def test_archive_and_restore_a_free_stage(api, make_record):
    archived = api.post(f"{BASE}/sales/stages/lost/archive")
    assert archived.status_code == 200
    assert "lost" not in archived.get_json()["pipelines"]["sales"]
    assert details(api)["sales"]["stages"][-1] == {"name": "lost", "label": "lost", "archived": True}
    refused = api.post("/api/records/deal", as_="editor", json={"fields": {"name": "L"}, "stage": "lost"})
    assert refused.status_code == 422 and "stage" in refused.get_json()["error"]["details"]
    assert api.post(f"{BASE}/sales/stages/lost/restore").get_json()["pipelines"]["sales"][-1] == "lost"


def test_archive_a_pipeline_only_when_nothing_uses_it(api, make_record):
    api.post(BASE, json={"label": "Renewals", "stages": ["Due", "Renewed"]})
    record = make_record("deal", fields={"name": "R"}, pipeline="renewals")
    assert api.post(f"{BASE}/renewals/archive").status_code == 409
    api.delete(f"/api/records/deal/{record['id']}", as_="editor")
    archived = api.post(f"{BASE}/renewals/archive")
    assert archived.status_code == 200 and "renewals" not in archived.get_json()["pipelines"]
    assert details(api)["renewals"]["archived"] is True
    refused = api.post("/api/records/deal", as_="editor", json={"fields": {"name": "R"}, "pipeline": "renewals"})
    assert refused.status_code == 422
    restored = api.post(f"{BASE}/renewals/restore")
    assert restored.status_code == 200 and restored.get_json()["pipelines"]["renewals"] == ["due", "renewed"]


def test_the_endpoints_are_in_openapi(api):
    paths = api.get("/api/openapi.json", as_=None).get_json()["paths"]
    assert "/api/objects/{object_name}/pipelines/{pipeline}/stages/{stage}/archive" in paths
    assert "/api/workflows/move-to-stage" in paths and "/api/pipelines/{object_name}/{pipeline}/rules" in paths


def test_a_stage_named_by_an_active_workflows_condition_is_not_archived(api):
    graph = chain(node("start", "record_updated", object="deal"),
                  node("won", "condition", match="all", rules=[{"field": "stage", "op": "eq", "value": "won"}]))
    made = api.post("/api/workflows", as_="editor", json={"name": "Won check", "graph": graph}).get_json()
    assert api.post(f"/api/workflows/{made['id']}/publish", as_="editor").status_code == 200
    refused = api.post(f"{BASE}/sales/stages/won/archive")
    assert refused.status_code == 409 and "'Won check'" in refused.get_json()["error"]["message"]
    assert api.post(f"{BASE}/sales/stages/lost/archive").status_code == 200
