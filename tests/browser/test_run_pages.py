"""The run page follows a live run by itself, and shows each node's steps on click."""
import pytest

from engine import worker
from engine.worker import Engine
from tests.engine.flows import change, create, edge, node, only_run, publish, trigger

pytestmark = pytest.mark.browser


def test_a_waiting_run_updates_itself_to_done(page, sign_in, app):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT2S"),
                       node("tag", "update_record", add_tags=["woke"]), chain=True)
    create("deal", fields={"name": "Live"})
    worker.drain()
    run = only_run(workflow)
    sign_in()
    page.goto(f"/runs/{run.id}")
    assert page.locator('svg [data-node-id="wait"]').get_attribute("data-status") == "waiting"
    assert page.locator('[data-run-status]').get_attribute("data-run-status") == "waiting"
    page.evaluate("window.notReloaded = true")
    engine = Engine(app).start()
    try:
        page.locator('svg [data-node-id="tag"][data-status="done"]').wait_for(timeout=10_000)
    finally:
        engine.stop()
    assert page.locator('svg [data-node-id="wait"]').get_attribute("data-status") == "done"
    assert page.locator('[data-run-status]').get_attribute("data-run-status") == "completed"
    assert page.evaluate("window.notReloaded") is True
    assert page.locator(".timeline li").count() == 3
    page.locator('svg [data-node-id="tag"]').click()
    assert page.locator("#node-tag").get_attribute("open") is not None


def test_each_status_is_marked_in_the_browser(page, sign_in, app):
    workflow = publish(trigger("record_created", "deal"),
                       node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
                       node("mail", "send_email", to="{{ record.fields.email }}", subject="Hi", body="x"),
                       node("wait", "delay", duration="PT1H"), node("never", "update_record", add_tags=["x"]),
                       node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                       edges=[edge("start", "big"), edge("big", "mail", "true"), edge("big", "wait", "true"),
                              edge("big", "never", "false"), edge("mail", "bad")])
    create("deal", fields={"name": "Acme", "amount": 500})
    worker.drain()
    run = only_run(workflow)
    sign_in("vic")
    page.goto(f"/runs/{run.id}")
    shown = {node_id: page.locator(f'svg [data-node-id="{node_id}"]').get_attribute("data-status")
             for node_id in ("start", "big", "mail", "wait", "never", "bad")}
    # A failed branch freezes the run until retry; its parallel branch still shows where it waits.
    assert shown == {"start": "done", "big": "done", "mail": "skipped", "wait": "waiting", "never": "not_reached",
                     "bad": "failed"}
    assert page.locator("#node-bad .error").first.is_visible()


def test_retry_a_failed_step_from_the_page(page, sign_in, app):
    workflow = publish(trigger("record_created", "deal"),
                       node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"}, label="Set amount"),
                       chain=True)
    deal = create("deal", fields={"name": "Acme"})
    worker.drain()
    run = only_run(workflow)
    sign_in("eddie")
    page.goto(f"/runs/{run.id}")
    assert page.locator('svg [data-node-id="bad"]').get_attribute("data-status") == "failed"
    assert "expected a number" in page.locator('svg [data-node-id="bad"] > title').text_content()
    assert page.locator('svg [data-node-id="bad"] .node-detail').text_content().startswith("the record cannot")
    change(deal, fields={"name": "42"})
    page.get_by_role("button", name="Retry").click()
    page.get_by_text("Retrying the failed step.").wait_for()
    assert page.locator('svg [data-node-id="bad"]').get_attribute("data-status") == "done"
    assert page.locator('[data-run-status]').get_attribute("data-run-status") == "completed"
    assert page.locator("#node-bad .step").count() == 2
    assert page.get_by_role("button", name="Retry").count() == 0
