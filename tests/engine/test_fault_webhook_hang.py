"""A webhook target that hangs (a real HTTP server on 127.0.0.1 that answers later than the timeout): the call
gives up at the timeout, is retried with backoff on the injected clock, and after the last attempt the node's
error port is taken, or, with no error edge, the run fails with the timeout. Every attempt carries the same
Idempotency-Key, so the target can tell it is one call; the run's own effects happen once."""
import time
from datetime import timedelta

import pytest

from builder.db import db
from engine.models import Message, Record
from tests.engine.flows import clock  # noqa: F401 (a fixture)
from tests.engine.flows import (create, drain, edge, node, notifications_for, only_run, publish, steps_of,
                                trigger)

TIMEOUT = 0.5
HANG = 3  # seconds the target takes to answer, well past the timeout
BACKOFF = 10


@pytest.fixture
def hanging(app, http_endpoint):
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_TIMEOUT_SECONDS=TIMEOUT, OUTBOX_MAX_ATTEMPTS=3,
                      OUTBOX_BACKOFF_SECONDS=BACKOFF)
    http_endpoint.delay = HANG
    return http_endpoint


def hook_workflow(url, *, error_edge=True):
    nodes = [trigger(), node("hook", "webhook", "action", url=f"{url}/deals/{{{{ record.id }}}}", body=""),
             node("called", "update_record", add_tags=["called"]),
             node("unreachable", "update_record", add_tags=["unreachable"])]
    edges = [edge("start", "hook"), edge("hook", "called")]
    if error_edge:
        edges.append(edge("hook", "unreachable", "error"))
    return publish(*nodes[:4 if error_edge else 3], edges=edges)


def the_message() -> Message:
    db.session.expire_all()
    return db.session.scalars(db.select(Message)).one()


def timed_drain(clock) -> float:
    started = time.monotonic()
    drain(clock)
    return time.monotonic() - started


def test_a_hanging_target_times_out_is_retried_then_the_error_port_is_taken(app, clock, hanging):
    workflow = hook_workflow(hanging.url)
    deal = create(fields={"name": "x"})
    assert timed_drain(clock) < HANG - 0.5, "the sender waited for the hanging target instead of timing out"
    message = the_message()
    assert (message.status, message.attempts) == ("queued", 1) and "timed out" in message.error
    assert message.next_attempt_at == clock.now() + timedelta(seconds=BACKOFF)
    assert only_run(workflow).status == "waiting"

    clock.advance(BACKOFF)
    assert timed_drain(clock) < HANG - 0.5
    assert the_message().attempts == 2
    clock.advance(2 * BACKOFF)
    drain(clock)
    clock.advance(timedelta(days=1))  # nothing is tried again later
    drain(clock)

    message = the_message()
    assert (message.status, message.attempts) == ("failed", 3) and "timed out" in message.error
    assert [r.path for r in hanging.requests] == [f"/deals/{deal.id}"] * 3
    assert {r.headers["Idempotency-Key"] for r in hanging.requests} == {message.id}
    run = only_run(workflow)
    assert run.status == "completed"
    assert run.nodes["hook"]["status"] == "failed" and "timed out" in run.nodes["hook"]["error"]
    steps = steps_of(run)
    assert set(steps) == {"start", "hook", "unreachable"} and steps["unreachable"].status == "done"
    assert db.session.get(Record, deal.id).tags == ["unreachable"]


def test_without_an_error_edge_the_run_fails_with_the_timeout(app, clock, hanging):
    workflow = hook_workflow(hanging.url, error_edge=False)
    deal = create(fields={"name": "x"})
    for seconds in (0, BACKOFF, 2 * BACKOFF):
        clock.advance(seconds)
        drain(clock)
    run = only_run(workflow)
    assert run.status == "failed" and "timed out" in run.reason, run.reason
    assert len(hanging.requests) == 3 and the_message().status == "failed"
    assert "called" not in steps_of(run) and db.session.get(Record, deal.id).tags == []
    [note] = notifications_for("eddie")
    assert note.run_id == run.id and "timed out" in note.message


def test_a_target_that_hangs_once_then_answers_gets_one_call_and_the_run_goes_on(app, clock, hanging):
    workflow = hook_workflow(hanging.url)
    deal = create(fields={"name": "x"})
    drain(clock)
    assert the_message().attempts == 1 and only_run(workflow).status == "waiting"
    hanging.delay = 0
    clock.advance(BACKOFF)
    drain(clock)
    clock.advance(timedelta(days=1))
    drain(clock)

    message = the_message()
    assert (message.status, message.attempts, message.error) == ("sent", 2, None)
    assert [r.headers["Idempotency-Key"] for r in hanging.requests] == [message.id] * 2
    run = only_run(workflow)
    assert run.status == "completed" and set(steps_of(run)) == {"start", "hook", "called"}
    assert db.session.get(Record, deal.id).tags == ["called"]
