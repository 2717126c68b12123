"""The editor's dock: restoring a published version, and a test run that lights up the path with its times."""
import pytest

from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph

pytestmark = pytest.mark.browser

BIG = {"id": "big", "kind": "condition", "type": "condition", "label": "Big deal?", "position": {"x": 0, "y": 140},
       "config": {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}}
WAIT = {"id": "wait", "kind": "wait", "type": "delay", "label": "A day later", "config": {"duration": "P1D"},
        "position": {"x": -200, "y": 280}}
TAG = {"id": "tag", "kind": "action", "type": "update_record", "label": "Tag it", "config": {"add_tags": ["big"]},
       "position": {"x": -200, "y": 420}}
SMALL = {"id": "small", "kind": "action", "type": "update_record", "label": "Tag small", "config": {"add_tags": ["small"]},
         "position": {"x": 200, "y": 280}}
EDGES = [{"id": "e1", "source": "start", "target": "big", "port": "next"},
         {"id": "e2", "source": "big", "target": "wait", "port": "true"},
         {"id": "e3", "source": "wait", "target": "tag", "port": "next"},
         {"id": "e4", "source": "big", "target": "small", "port": "false"}]


def test_restoring_a_published_version_brings_it_back_into_the_draft(page, sign_in, api):
    workflow = create_workflow(api, [TRIGGER, BIG, SMALL], EDGES[:1] + EDGES[3:])
    assert api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor").status_code == 200
    changed = {"nodes": [TRIGGER, BIG, WAIT], "edges": EDGES[:2]}
    assert api.put(f"/api/workflows/{workflow['id']}", as_="editor", json={"graph": changed}).status_code == 200
    page = open_editor(page, sign_in, workflow)
    assert page.locator('[data-node-id="wait"]').count() == 1
    versions = page.get_by_role("region", name="Version history")
    versions.get_by_text("Version 1").wait_for()
    versions.get_by_role("button", name="Restore version 1").click()
    page.get_by_text("Version 1 restored into the draft.").wait_for()
    page.locator('[data-node-id="small"]').wait_for()
    assert page.locator('[data-node-id="wait"]').count() == 0
    assert {n["id"] for n in saved_graph(workflow["id"])["nodes"]} == {"start", "big", "small"}
    page.keyboard.press("Control+z")  # what was there before the restore is one undo away
    assert page.locator('[data-node-id="wait"]').count() == 1 and page.locator('[data-node-id="small"]').count() == 0


def test_a_test_run_lights_up_the_path_and_says_when_each_step_would_happen(page, sign_in, api, make_record):
    workflow = create_workflow(api, [TRIGGER, BIG, WAIT, TAG, SMALL], EDGES)
    record = make_record(fields={"name": "Acme", "amount": 5000})
    page = open_editor(page, sign_in, workflow)
    panel = page.get_by_role("region", name="Test run")
    panel.get_by_label("Record").select_option(str(record["id"]))
    panel.get_by_role("button", name="Run test").click()
    page.get_by_text("Test run: 4 step(s) reached").wait_for()
    status = {node_id: page.locator(f'[data-node-id="{node_id}"]').get_attribute("data-status")
              for node_id in ("start", "big", "wait", "tag", "small")}
    assert status == {"start": "done", "big": "done", "wait": "waiting", "tag": "done", "small": "not_reached"}
    assert page.locator('[data-node-id="big"] .when').text_content().startswith("now")
    assert page.locator('[data-node-id="tag"] .when').text_content().startswith("+1 d ·")
    assert page.locator("path.edge.on-path").count() == 3
    assert panel.locator("[data-node-step]").count() == 4 and "until" in panel.locator('[data-node-step="wait"]').text_content()
    panel.get_by_role("button", name="Clear").click()
    assert page.locator('[data-node-id="small"]').get_attribute("data-status") is None
    assert page.locator("path.edge.on-path").count() == 0
