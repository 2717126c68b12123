"""A webhook target that hangs (a real HTTP server on 127.0.0.1 that answers later than the timeout): the call
gives up at the timeout, is retried with backoff on the injected clock, and after the last attempt the node's
error port is taken, or, with no error edge, the run fails with the timeout. Every attempt carries the same
Idempotency-Key, so the target can tell it is one call; the run's own effects happen once.

A target that answers a byte at a time (each byte sooner than a socket timeout) is cut off at the timeout too:
before its status line, the attempt failed; after it, the call counts as answered (the target acted on it)."""
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from store.db import db
from crm.models import Record
from engine.models import Message
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


class Trickle(BaseHTTPRequestHandler):
    """Answers 200 one byte every 0.1 s: the whole answer, or (``server.head_first``) the body only."""
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.keys.append(self.headers["Idempotency-Key"])
        body = b'{"ok": true, "padding": "' + b"x" * 100 + b'"}'
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        slow = body
        if self.server.head_first:
            self.wfile.write(head)
            self.wfile.flush()
        else:
            slow = head + body
        try:
            for byte in slow:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass  # the caller gave up

    def log_message(self, format, *args):
        pass


@pytest.fixture
def trickle(app):
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_TIMEOUT_SECONDS=TIMEOUT, OUTBOX_MAX_ATTEMPTS=3,
                      OUTBOX_BACKOFF_SECONDS=BACKOFF)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads, server.block_on_close, server.keys, server.head_first = True, False, [], False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_a_target_that_trickles_its_status_line_is_cut_off_at_the_timeout(app, clock, trickle):
    workflow = hook_workflow(trickle.url)
    create(fields={"name": "x"})
    assert timed_drain(clock) < HANG - 0.5, "a byte-at-a-time answer held the sender past the timeout"
    message = the_message()
    assert (message.status, message.attempts) == ("queued", 1) and "timed out" in message.error
    assert only_run(workflow).status == "waiting" and trickle.keys == [message.id]


def test_a_target_that_trickles_only_its_body_has_answered(app, clock, trickle):
    trickle.head_first = True
    workflow = hook_workflow(trickle.url)
    deal = create(fields={"name": "x"})
    assert timed_drain(clock) < HANG - 0.5
    clock.advance(timedelta(days=1))
    drain(clock)
    message = the_message()
    assert (message.status, message.attempts, message.result["status"]) == ("sent", 1, 200)
    assert trickle.keys == [message.id]
    run = only_run(workflow)
    assert run.status == "completed" and set(steps_of(run)) == {"start", "hook", "called"}
    assert db.session.get(Record, deal.id).tags == ["called"]
