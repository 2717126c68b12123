"""The outbox sender: leases, retries with exponential backoff, the error port, one id per message."""
from datetime import timedelta

import pytest

from store.db import db
from engine import outbox
from crm.models import Record
from engine.models import Message
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import create, drain, edge, node, notifications_for, only_run, publish, steps_of, trigger


@pytest.fixture
def provider(app, http_endpoint):
    app.config.update(SMS_PROVIDER_URL=http_endpoint.url, OUTBOX_MAX_ATTEMPTS=3, OUTBOX_BACKOFF_SECONDS=10)
    return http_endpoint


def sms_workflow(*, error_port=False):
    sms = node("sms", "send_sms", to="+62 811", body="hi")
    nodes = [trigger(), sms, node("sent", "update_record", add_tags=["sent"]),
             node("oops", "update_record", add_tags=["undelivered"])]
    edges = [edge("start", "sms"), edge("sms", "sent")] + ([edge("sms", "oops", "error")] if error_port else [])
    return publish(*nodes[:4 if error_port else 3], edges=edges)


def the_message() -> Message:
    db.session.expire_all()
    return db.session.scalars(db.select(Message)).one()


def mail_of(node_id: str) -> Message:
    db.session.expire_all()
    return db.session.scalars(db.select(Message).where(Message.node_id == node_id)).one()


def test_failed_deliveries_are_retried_with_exponential_backoff(app, clock, provider):
    provider.queue(503, 503)
    workflow = sms_workflow()
    create(fields={"name": "x"})
    drain(clock)
    message = the_message()
    assert (message.status, message.attempts, message.next_attempt_at) == ("queued", 1, clock.now() + timedelta(seconds=10))
    assert "answered 503" in message.error and only_run(workflow).status == "waiting"
    clock.advance(9)
    drain(clock)
    assert the_message().attempts == 1
    clock.advance(1)
    drain(clock)
    assert the_message().next_attempt_at == clock.now() + timedelta(seconds=20)
    clock.advance(20)
    drain(clock)
    message = the_message()
    assert (message.status, message.attempts, message.error) == ("sent", 3, None)
    assert [r.headers["Idempotency-Key"] for r in provider.requests] == [message.id] * 3
    run = only_run(workflow)
    assert run.status == "completed" and steps_of(run)["sms"].status == "done"


def test_after_the_last_attempt_the_error_port_is_taken(app, clock, provider):
    provider.status = 503
    workflow = sms_workflow(error_port=True)
    record = create(fields={"name": "x"})
    for seconds in (0, 10, 20):
        clock.advance(seconds)
        drain(clock)
    assert (the_message().status, the_message().attempts) == ("failed", 3)
    run = only_run(workflow)
    assert run.status == "completed"
    assert run.nodes["sms"]["status"] == "failed" and "answered 503" in run.nodes["sms"]["error"]
    assert steps_of(run)["sms"].status == "failed"
    assert db.session.get(Record, record.id).tags == ["undelivered"]


def test_without_an_error_port_the_run_fails_and_its_owner_hears_of_it(app, clock, provider, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    provider.status = 400  # a refusal no retry can fix
    workflow = sms_workflow()
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "failed" and len(provider.requests) == 1
    assert run.reason.startswith("Send SMS: ") and "answered 400" in run.reason
    [note] = notifications_for("eddie")
    assert note.run_id == run.id and "answered 400" in note.message
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "eddie@example.com" and mail["Subject"] == "Flowdesk: workflow 'Test workflow' failed"


def test_a_leased_message_waits_for_its_lease_to_expire(app, clock, provider):
    app.config["OUTBOX_LEASE_SECONDS"] = 60
    workflow = sms_workflow()
    create(fields={"name": "x"})
    from engine import enrollment
    enrollment.enroll_pending(clock=clock)
    message = the_message()
    # A sender claimed it and died before delivering.
    message.lease_until, message.attempts = clock.now() + timedelta(seconds=60), 1
    db.session.commit()
    drain(clock)
    assert provider.requests == []
    clock.advance(61)
    drain(clock)
    assert len(provider.requests) == 1 and the_message().status == "sent"
    assert only_run(workflow).status == "completed"


def test_an_email_whose_sender_died_after_handing_it_over_is_unknown_and_never_sent_again(app, clock, smtp_server,
                                                                                          monkeypatch):
    """SMTP cannot be asked whether it took a message: once the data went out, a crash leaves the outcome unknown."""
    app.config.update(SMTP_URL=smtp_server.url, OUTBOX_LEASE_SECONDS=30, SMTP_DATA_TIMEOUT_SECONDS=60)
    workflow = publish(trigger(), node("mail", "send_email", to="a@example.com", subject="s"), chain=True)
    create(fields={"name": "x"})
    real_settle = outbox._settle
    monkeypatch.setattr(outbox, "_settle", lambda *a, **k: None)  # the process dies before recording the delivery
    drain(clock)
    monkeypatch.setattr(outbox, "_settle", real_settle)
    assert mail_of("mail").status == "sending" and len(smtp_server.wait_for(1)) == 1
    clock.advance(89)  # the lease covers the server's final answer (DATA timeout) and a margin
    drain(clock)
    assert mail_of("mail").status == "sending"
    clock.advance(2)
    drain(clock)
    message = mail_of("mail")
    assert (message.status, message.attempts) == ("unknown", 1) and "not sent again" in message.error
    assert [m["Subject"] for m in smtp_server.messages].count("s") == 1
    run = only_run(workflow)
    assert run.status == "failed" and "may have been delivered" in run.reason


def test_a_provider_call_whose_sender_died_is_sent_again_with_the_same_key(app, clock, provider, monkeypatch):
    """HTTP providers get an Idempotency-Key, so sending again after a crash is safe for them."""
    app.config["OUTBOX_LEASE_SECONDS"] = 30
    workflow = sms_workflow()
    create(fields={"name": "x"})
    real_settle = outbox._settle
    monkeypatch.setattr(outbox, "_settle", lambda *a, **k: None)
    drain(clock)
    monkeypatch.setattr(outbox, "_settle", real_settle)
    clock.advance(31)
    drain(clock)
    keys = [r.headers["Idempotency-Key"] for r in provider.requests]
    assert keys == [the_message().id] * 2
    assert the_message().status == "sent" and only_run(workflow).status == "completed"


def test_deliver_claims_a_message_once(app, clock, provider):
    sms_workflow()
    create(fields={"name": "x"})
    from engine import enrollment
    enrollment.enroll_pending(clock=clock)
    message_id = the_message().id
    assert outbox.deliver(message_id, clock) is True
    assert outbox.deliver(message_id, clock) is False
    assert len(provider.requests) == 1
