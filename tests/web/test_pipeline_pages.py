"""The settings' pipeline forms and the board's form refuse bad input with a message, never a 5xx."""
from store.db import db
from store.models import Workflow
from crm.models import ObjectType
from tests.web.stage_rule_graphs import make_rule


def test_settings_reorder_a_stage_and_refuse_an_unknown_one(client, auth):
    auth.login("ada")
    token = auth.csrf_token("/settings")
    form = {"csrf_token": token, "action": "move_down", "object": "deal", "pipeline": "sales", "stage": "new"}
    assert client.post("/settings/pipelines", data=form).status_code == 302
    assert db.session.get(ObjectType, "deal").pipelines["sales"][:2] == ["unassigned", "new"]
    refused = client.post("/settings/pipelines", data={**form, "stage": "ghost"}, follow_redirects=True)
    assert "no live stage &#39;ghost&#39;" in refused.get_data(as_text=True)
    refused = client.post("/settings/pipelines", data={**form, "object": "ghost"}, follow_redirects=True)
    assert refused.status_code == 200 and "no object type &#39;ghost&#39;" in refused.get_data(as_text=True)


def test_the_board_refuses_a_malformed_target_naming_it(client, auth, api):
    rule = make_rule(api, "R", stage="new")
    auth.login()
    url = "/pipelines/deal/sales/rules"
    answer = client.post(url, data={"csrf_token": auth.csrf_token(url), "workflow_ids": [str(rule["id"])],
                                    "target": "deal", "mode": "move"})
    assert answer.status_code == 422
    assert "data-problem" in answer.get_data(as_text=True) and "<code>pipeline</code>" in answer.get_data(as_text=True)
    assert db.session.get(Workflow, rule["id"]).version == 1


def test_the_board_of_an_unknown_pipeline_is_a_404(client, auth):
    auth.login("vic")
    assert client.get("/pipelines/deal/ghost/rules").status_code == 404
    assert client.get("/pipelines/ghost/sales/rules").status_code == 404
