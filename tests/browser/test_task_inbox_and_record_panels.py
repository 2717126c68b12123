"""A salesperson works their inbox (created tasks beside approvals, each linking its deal), then reads the deal's
Automation tab and starts a manual workflow from it."""
import pytest

from store.db import db
from store.versions import set_status
from engine import worker
from crm.models import Record
from tests.browser.editor_steps import TRIGGER, create_workflow, open_editor, saved_graph
from tests.engine.flows import create, edge, node, only_run, publish, trigger

pytestmark = pytest.mark.browser


def test_done_on_a_created_task_and_the_link_to_the_deal(page, sign_in, app):
    publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}", priority="high", due="P1D"),
            chain=True, name="First call")
    publish(trigger(), node("ask", "human_task", title="Approve {{ record.fields.name }}", assignee={"owner": True}),
            edges=[edge("start", "ask")], name="Approval")
    deal = create(fields={"name": "Acme"}, owner="eddie")
    worker.drain()
    sign_in("eddie")
    page.get_by_role("link", name="Tasks").click()
    created = page.locator("li[data-task-kind='task_record']")
    created.get_by_text("Call Acme").wait_for()
    created.get_by_role("button", name="Done").click()
    page.get_by_text("Done: 'Call Acme'.").wait_for()
    assert page.locator("li[data-task-kind='task_record']").count() == 0
    task = db.session.scalars(db.select(Record).where(Record.object == "task", Record.related_id == deal.id,
                                                      Record.fields["title"].as_string() == "Call Acme")).one()
    db.session.expire_all()
    assert db.session.get(Record, task.id).fields["status"] == "Done"

    approval = page.locator("li[data-task-kind='human_task']")
    assert "About deal: Acme" in approval.inner_text()
    approval.get_by_role("link", name="Acme").click()
    page.wait_for_url(f"**/records/deal/{deal.id}")
    tasks = page.locator("section.related-tasks li")
    due = task.fields["due_at"][:16].replace("T", " ")
    assert sorted(tasks.all_inner_texts()) == ["Approve Acme To Do for eddie", f"Call Acme Done for eddie · due {due}"]
    page.locator("section.related-tasks").get_by_role("link", name="Call Acme").click()
    page.wait_for_url(f"**/records/task/{task.id}")
    page.locator(".record-about").get_by_role("link", name="Acme").click()
    page.wait_for_url(f"**/records/deal/{deal.id}")


def test_the_automation_tab_in_words_and_start_workflow(page, sign_in, app):
    publish(trigger(filter={"match": "all", "rules": [{"field": "stage", "op": "eq", "value": "qualified"}]}),
            node("tag", "update_record", add_tags=["big"]), chain=True, name="Qualified only")
    publish(trigger(), node("wait", "delay", duration="P2D", label="Give it two days"), chain=True, name="Nurture")
    paused = publish(trigger(), node("tag", "update_record", add_tags=["x"]), chain=True, name="Sleeping")
    set_status(paused, "paused")
    manual = publish(trigger("manual"), node("tag", "update_record", add_tags=["called"]), chain=True,
                     name="Call now")
    deal = create(fields={"name": "Acme"}, stage="new")
    worker.drain()
    sign_in("eddie")
    page.goto(f"/records/deal/{deal.id}")
    page.get_by_role("tab", name="Automation (3)").click()
    tab = page.locator("#automation")
    filtered = tab.locator("article[data-row-kind='filtered']")
    assert "Filtered out" in filtered.inner_text()
    assert "filter not met: stage is 'new', not 'qualified'" in filtered.inner_text()
    waiting = tab.locator("article[data-row-kind='run'][data-status='waiting']")
    assert "until" in waiting.inner_text() and "at 'Give it two days'" in waiting.inner_text()
    assert "Paused" in tab.locator("article[data-row-kind='paused']").inner_text()

    page.get_by_label("Manual workflow").select_option(label="Call now")
    page.get_by_role("button", name="Start workflow").click()
    run = only_run(manual)
    page.get_by_text(f"Started 'Call now': run {run.id}.").wait_for()
    started = page.locator(f"#automation article[data-run-id='{run.id}']")
    assert started.get_attribute("data-status") == "done" and "Done" in started.inner_text()
    started.get_by_role("link").click()
    page.wait_for_url(f"**/runs/{run.id}")
    db.session.expire_all()
    assert db.session.get(Record, deal.id).tags == ["called"]


def test_a_task_created_trigger_opts_in_to_approvals_tasks_in_the_editor(page, sign_in, api):
    workflow = create_workflow(api, [{**TRIGGER, "config": {"object": "task"}}])
    open_editor(page, sign_in, workflow)
    page.locator('[data-node-id="start"]').click()
    page.get_by_label("Include tasks made by approvals").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    assert saved_graph(workflow["id"])["nodes"][0]["config"]["include_workflow_tasks"] is True
