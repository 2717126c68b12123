"""A person manages workflows from the list: rename, duplicate, export, import and delete."""
import json

import pytest
from playwright.sync_api import expect

from store.db import db
from store.models import Workflow
from engine import worker
from engine.models import Run
from tests.browser.editor_steps import TRIGGER
from tests.engine.flows import create, node, publish, trigger

pytestmark = pytest.mark.browser


@pytest.fixture
def quiet_editor(page):
    """These tests end where the editor begins (it has its own tests), so its script is not loaded."""
    page.route("**/static/js/editor/**", lambda route: route.fulfill(content_type="text/javascript", body=""))
    return page


@pytest.fixture
def welcome(api):
    return api.post("/api/workflows", as_="editor", json={"name": "Welcome", "description": "says hi",
                                                          "graph": {"nodes": [TRIGGER], "edges": []}}).get_json()


def row(page, workflow_id):
    return page.locator(f'tr[data-workflow-id="{workflow_id}"]')


def names():
    db.session.expire_all()
    return sorted(db.session.scalars(db.select(Workflow.name)))


def test_rename_with_the_keyboard(quiet_editor, sign_in, welcome):
    page = quiet_editor
    sign_in()
    page.get_by_role("button", name="Rename Welcome").click()
    box = row(page, welcome["id"]).get_by_role("textbox", name="Name")
    box.press("Control+a")
    box.press_sequentially("Welcome new deals")
    box.press("Enter")
    expect(row(page, welcome["id"]).get_by_role("link", name="Welcome new deals")).to_be_visible()
    assert names() == ["Welcome new deals"]
    page.reload()
    expect(row(page, welcome["id"]).get_by_role("link", name="Welcome new deals")).to_be_visible()


def test_duplicate_twice_gives_numbered_copies(quiet_editor, sign_in, welcome):
    page = quiet_editor
    sign_in()
    for expected in ("Copy of Welcome", "Copy of Welcome (2)"):
        page.get_by_role("button", name="Duplicate Welcome", exact=True).click()
        expect(page.get_by_role("link", name=expected, exact=True)).to_be_visible()
    assert names() == ["Copy of Welcome", "Copy of Welcome (2)", "Welcome"]


def test_export_then_import_the_file(quiet_editor, sign_in, welcome, tmp_path):
    page = quiet_editor
    sign_in()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export Welcome").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    doc = json.loads(path.read_text())
    assert (path.name, doc["name"], doc["graph"]["nodes"][0]["id"]) == ("welcome.flowdesk.json", "Welcome", "start")
    page.get_by_label("Import from file").set_input_files(str(path))
    page.wait_for_url("**/workflows/*/edit")
    assert names() == ["Welcome", "Welcome (2)"]
    page.goto("/")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**doc, "format": "other/9"}))
    page.get_by_label("Import from file").set_input_files(str(broken))
    expect(page.get_by_role("status")).to_contain_text("Not imported from broken.json")
    expect(page.get_by_role("status")).to_contain_text("format")
    assert names() == ["Welcome", "Welcome (2)"]


def test_delete_asks_and_keeps_live_runs_unless_told_to_cancel_them(quiet_editor, sign_in, app):
    page = quiet_editor
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="P1D"), chain=True)
    create("deal", fields={"name": "Live"})
    worker.drain()
    sign_in()
    name = db.session.get(Workflow, workflow.id).name
    page.get_by_role("button", name=f"Delete {name}").click()
    dialog = page.get_by_role("dialog", name="Delete workflow")
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog).to_have_count(0)
    page.get_by_role("button", name=f"Delete {name}").click()
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(dialog).to_contain_text("1 run(s) still going")
    assert names() == [name]
    dialog.get_by_role("button", name="Cancel runs and delete").click()
    expect(row(page, workflow.id)).to_have_count(0)
    assert names() == []
    assert db.session.scalar(db.select(db.func.count(Run.id))) == 0


def test_a_viewer_sees_no_management_buttons(quiet_editor, sign_in, welcome):
    page = quiet_editor
    sign_in("vic")
    expect(row(page, welcome["id"]).get_by_role("link", name="Welcome")).to_be_visible()
    expect(page.get_by_role("button", name="Delete Welcome")).to_have_count(0)
    expect(page.get_by_label("Import from file")).to_have_count(0)
