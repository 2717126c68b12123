"""A person organizes the workflows list: makes a folder, moves a workflow into it, finds workflows by typing,
reads each one's last run and failures of the last 7 days, renames and deletes the folder."""
import pytest
from playwright.sync_api import expect

from store.db import db
from store.models import Folder, Workflow
from engine import worker
from tests.engine.flows import create, node, publish, trigger

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app):
    """A workflow whose runs fail and one that sends an invoice email, both run once."""
    failing = publish(trigger(), node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                      chain=True, name="Break amounts")
    mailer = publish(trigger(), node("mail", "send_email", to="a@example.com", subject="Your quarterly invoice",
                                     body="Attached."), chain=True, name="Greeter")
    create(fields={"name": "Acme"})
    worker.drain()
    return failing, mailer


def folder_name(workflow):
    db.session.expire_all()
    folder = db.session.get(Workflow, workflow.id).folder_id
    return None if folder is None else db.session.get(Folder, folder).name


def row(page, workflow):
    return page.locator(f'tr[data-workflow-id="{workflow.id}"]')


def test_folder_move_search_and_run_columns(page, sign_in, world):
    failing, mailer = world
    sign_in()
    expect(page.get_by_role("columnheader", name="Last run")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Failures (7 days)")).to_be_visible()
    expect(row(page, failing).locator(".wf-failures")).to_have_text("1 failed")
    expect(row(page, failing).locator(".wf-last-run")).to_contain_text("failed")
    expect(row(page, mailer).locator(".wf-failures")).to_have_text("0")
    expect(row(page, mailer).locator(".wf-last-run")).to_contain_text("completed")

    page.get_by_label("New folder").click()
    page.keyboard.type("Billing")
    page.get_by_role("button", name="Add folder").click()
    page.wait_for_url("**/?folder=*")
    expect(page.get_by_text("No workflows here.")).to_be_visible()
    folders = page.get_by_role("complementary", name="Folders")
    folders.get_by_role("link", name="All workflows").click()
    row(page, mailer).get_by_label("Folder of Greeter").select_option(label="Billing")
    expect(page.get_by_role("status")).to_have_text("Moved “Greeter” to “Billing”.")
    expect(row(page, mailer).locator(".wf-folder")).to_have_text("Billing")
    assert folder_name(mailer) == "Billing"

    folders.get_by_role("link", name="Billing").click()
    expect(page.locator("tr[data-workflow-id]")).to_have_count(1)
    expect(row(page, mailer)).to_be_visible()
    folders.get_by_role("link", name="All workflows").click()

    search = page.get_by_role("searchbox", name="Search")
    search.click()
    page.keyboard.type("quarterly invoice")
    expect(row(page, mailer)).to_be_visible()
    expect(row(page, failing)).to_be_hidden()
    search.press("Control+a")
    page.keyboard.type("record created")  # the trigger type finds both
    expect(row(page, failing)).to_be_visible()
    expect(row(page, mailer)).to_be_visible()
    search.press("Control+a")
    page.keyboard.type("no such words")
    expect(page.get_by_text("No workflows match “no such words”.")).to_be_visible()
    search.press("Enter")  # the server searches the same text
    page.wait_for_url("**q=no+such+words*")
    expect(page.locator("tr[data-workflow-id]")).to_have_count(0)


def test_rename_then_delete_a_folder_moving_its_workflows_to_the_root(page, sign_in, world, api):
    _, mailer = world
    billing = api.post("/api/folders", as_="editor", json={"name": "Billing"}).get_json()
    api.put(f"/api/workflows/{mailer.id}/folder", as_="editor", json={"folder": billing["id"]})
    sign_in()
    page.get_by_role("button", name="Rename folder Billing").click()
    box = page.get_by_role("textbox", name="Folder name")
    box.press("Control+a")
    box.press_sequentially("Invoices")
    box.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Folder renamed to “Invoices”.")
    page.get_by_role("button", name="Delete folder Invoices").click()
    dialog = page.get_by_role("dialog", name="Delete folder")
    dialog.get_by_role("button", name="Delete folder").click()
    expect(dialog).to_contain_text("holds 1 workflow(s)")
    assert [f.name for f in db.session.scalars(db.select(Folder))] == ["Invoices"]
    dialog.get_by_role("button", name="Move them and delete").click()
    expect(page.get_by_role("complementary", name="Folders").get_by_role("link", name="Invoices")).to_have_count(0)
    assert folder_name(mailer) is None
    assert db.session.scalars(db.select(Folder)).all() == []


def test_a_viewer_sees_folders_but_cannot_change_them(page, sign_in, world, api):
    api.post("/api/folders", as_="editor", json={"name": "Billing"})
    sign_in("vic")
    expect(page.get_by_role("complementary", name="Folders").get_by_role("link", name="Billing")).to_be_visible()
    expect(page.get_by_label("New folder")).to_have_count(0)
    expect(page.get_by_role("button", name="Rename folder Billing")).to_have_count(0)
    expect(page.get_by_label("Folder of Greeter")).to_have_count(0)
