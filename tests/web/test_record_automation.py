"""The record page: its Automation tab in words (runs, refusals, filters, paused workflows, Start workflow) and
the tasks about it."""
import re

from store.db import db
from store.models import Workflow
from store.versions import set_status
from tests.engine.flows import (change, clock, create, drain, node, only_run, publish, runs_of,  # noqa: F401
                                trigger)

BIG_DEALS = {"match": "all", "rules": [{"field": "stage", "op": "eq", "value": "qualified"}]}


def rows(page: str) -> list[tuple]:
    """(kind, status) of each Automation row, in page order."""
    return re.findall(r'<article class="automation-run" data-row-kind="(\w+)" data-status="(\w+)"', page)


def test_each_workflow_says_what_it_did_with_the_record(app, clock, client, auth):
    done = publish(trigger(), node("mail", "send_email", to="{{ record.fields.email }}", subject="Hi", body="x",
                                   label="Welcome mail"), chain=True, name="Welcome")
    failed = publish(trigger(), node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"},
                                     label="Copy amount"), chain=True, name="Broken")
    publish(trigger(filter=BIG_DEALS), node("tag", "update_record", add_tags=["big"]), chain=True, name="Big only")
    paused = publish(trigger(), node("tag", "update_record", add_tags=["x"]), chain=True, name="Sleeping")
    set_status(paused, "paused")
    db.session.commit()
    deal = create(fields={"name": "Acme"}, stage="new")
    drain(clock)
    auth.login("vic")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    assert sorted(rows(page)) == [("filtered", "skipped"), ("paused", "paused"), ("run", "done"), ("run", "failed")]
    assert "skipped &#39;Welcome mail&#39;:" in page
    assert "at &#39;Copy amount&#39;: " in page
    assert "filter not met: stage is &#39;new&#39;, not &#39;qualified&#39;" in page
    assert "this workflow starts no runs until it is activated again" in page
    for workflow in (done, failed):
        assert f'href="/runs/{only_run(workflow).id}"' in page
    assert f'href="/workflows/{paused.id}/runs?record={deal.id}"' in page
    assert '<path class="status-icon"' in page  # the run diagram's icons, not a thumbnail
    assert "preview-node" not in page


def test_a_refused_enrollment_is_listed_with_its_reason(app, clock, client, auth):
    workflow = publish(trigger("record_updated"), node("wait", "delay", duration="P1D"), chain=True, name="Nurture")
    deal = create(fields={"name": "Acme"})
    for amount in (1, 2):  # the second update finds the first run still waiting
        change(deal, fields={"amount": amount})
        drain(clock)
    auth.login("vic")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    assert sorted(rows(page)) == [("refused", "cancelled"), ("run", "waiting")]
    run = only_run(workflow)
    assert f"run {run.id} of this workflow is still live on this record and re-enrollment is off" in page


def test_start_workflow_starts_a_manual_workflow_for_the_record(app, clock, client, auth):
    workflow = publish(trigger("manual"), node("tag", "update_record", add_tags=["called"]), chain=True,
                       name="Call now")
    publish(trigger("manual", object_="contact"), node("tag", "update_record", add_tags=["x"]), chain=True,
            name="Contacts only")
    deal = create(fields={"name": "Acme"})
    auth.login("vic")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    assert "Start workflow" not in page  # viewers read only
    auth.login("eddie")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    assert f'<option value="{workflow.id}">Call now</option>' in page and "Contacts only" not in page
    token = auth.csrf_token(f"/records/deal/{deal.id}")
    answer = client.post(f"/records/deal/{deal.id}/start", data={"csrf_token": token, "workflow_id": workflow.id},
                         follow_redirects=True).get_data(as_text=True)
    run = only_run(workflow)
    assert f"Started &#39;Call now&#39;: run {run.id}." in answer and run.status == "completed"
    assert rows(answer) == [("run", "done")]
    set_status(db.session.get(Workflow, workflow.id), "paused")
    db.session.commit()
    answer = client.post(f"/records/deal/{deal.id}/start", data={"csrf_token": token, "workflow_id": workflow.id},
                         follow_redirects=True).get_data(as_text=True)
    assert "The workflow is paused; activate it to start runs." in answer and len(runs_of(workflow)) == 1


def test_start_workflow_needs_an_editor(app, clock, client, auth):
    workflow = publish(trigger("manual"), node("tag", "update_record", add_tags=["called"]), chain=True)
    deal = create(fields={"name": "Acme"})
    auth.login("vic")
    token = auth.csrf_token(f"/records/deal/{deal.id}")
    answer = client.post(f"/records/deal/{deal.id}/start", data={"csrf_token": token, "workflow_id": workflow.id})
    assert answer.status_code == 403 and runs_of(workflow) == []


def test_the_task_links_its_deal_and_the_deal_lists_its_tasks(app, clock, client, auth):
    publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}", owner="eddie"), chain=True)
    deal = create(fields={"name": "Acme"})
    drain(clock)
    auth.login("vic")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    [task_id] = re.findall(r'<li data-task-record-id="(\d+)" data-status="To Do">', page)
    assert f'<a href="/records/task/{task_id}">Call Acme</a>' in page
    task_page = client.get(f"/records/task/{task_id}").get_data(as_text=True)
    assert f'About deal: <a href="/records/deal/{deal.id}">Acme</a>' in task_page


def test_a_filter_saying_no_to_every_update_is_one_row_with_a_count(app, clock, client, auth):
    publish(trigger("record_updated", filter=BIG_DEALS), node("tag", "update_record", add_tags=["big"]), chain=True)
    deal = create(fields={"name": "Acme"}, stage="new")
    for amount in (1, 2, 3):
        change(deal, fields={"amount": amount})
    drain(clock)
    auth.login("vic")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    assert rows(page) == [("filtered", "skipped")] and "3 times, last" in page
