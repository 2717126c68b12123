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
