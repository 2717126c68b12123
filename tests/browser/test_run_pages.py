"""The run page follows a live run by itself, and shows each node's steps on click."""
import pytest

from engine import worker
from engine.worker import Engine
from tests.engine.flows import create, node, only_run, publish, trigger

pytestmark = pytest.mark.browser


def test_a_waiting_run_updates_itself_to_done(page, sign_in, app):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT3S"),
                       node("tag", "update_record", add_tags=["woke"]), chain=True)
    create("deal", fields={"name": "Live"})
    worker.drain()
    run = only_run(workflow)
    sign_in()
    page.goto(f"/runs/{run.id}")
    assert page.locator('svg [data-node-id="wait"]').get_attribute("data-status") == "waiting"
    engine = Engine(app).start()
    try:
        page.locator('svg [data-node-id="tag"][data-status="done"]').wait_for(timeout=10_000)
    finally:
        engine.stop()
    assert page.locator('svg [data-node-id="wait"]').get_attribute("data-status") == "done"
    page.locator('svg [data-node-id="tag"]').click()
    assert page.locator("#node-tag").get_attribute("open") is not None


def test_each_status_is_marked_in_the_browser(page, sign_in, app):
    from tests.engine.flows import edge

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
