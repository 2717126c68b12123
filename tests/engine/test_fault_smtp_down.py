"""The SMTP server is down for a while: queued emails wait, are retried with backoff (on the injected clock),
and each is delivered exactly once when the real server comes back on its address; the runs then go on."""
from collections import Counter
from datetime import timedelta

from aiosmtpd.controller import Controller

from store.db import db
from crm.models import Record
from engine.models import Message, Run
from tests.engine.flows import clock  # noqa: F401 (a fixture)
from tests.engine.flows import create, drain, node, publish, runs_of, steps_of, trigger

DEALS = 5
BACKOFF = 30


def bring_back(server) -> None:
    """Start a stopped SmtpServer again on the same address (an aiosmtpd controller cannot be restarted)."""
    server._controller = Controller(server, hostname="127.0.0.1", port=server.port,
                                    authenticator=server._authenticate, auth_require_tls=False)
    server._controller.start()


def queued() -> list:
    db.session.expire_all()
    return db.session.scalars(db.select(Message).order_by(Message.created_at)).all()


def test_emails_queued_while_smtp_is_down_are_retried_and_delivered_once(app, clock, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, OUTBOX_MAX_ATTEMPTS=6, OUTBOX_BACKOFF_SECONDS=BACKOFF)
    workflow = publish(trigger(), node("mail", "send_email", to="sales@example.com", subject="Deal {{ record.id }}"),
                       node("done", "update_record", add_tags=["mailed"]), chain=True)
    smtp_server.stop()
    deals = [create(fields={"name": f"deal {i}"}).id for i in range(DEALS)]
    drain(clock)
    messages = queued()
    assert [(m.status, m.attempts) for m in messages] == [("queued", 1)] * DEALS
    assert all("cannot reach the SMTP server" in m.error for m in messages), messages[0].error
    assert {m.next_attempt_at for m in messages} == {clock.now() + timedelta(seconds=BACKOFF)}
    assert {run.status for run in runs_of(workflow)} == {"waiting"}

    clock.advance(BACKOFF - 1)  # not due yet: nobody knocks
    drain(clock)
    assert {m.attempts for m in queued()} == {1}
    clock.advance(1)
    drain(clock)
    assert {(m.attempts, m.next_attempt_at) for m in queued()} == {(2, clock.now() + timedelta(seconds=2 * BACKOFF))}

    bring_back(smtp_server)  # up again, but not taking mail yet
    smtp_server.reply = "451 4.3.0 Try again later"
    clock.advance(2 * BACKOFF)
    drain(clock)
    assert {(m.status, m.attempts) for m in queued()} == {("queued", 3)} and smtp_server.messages == []
    assert "451" in queued()[0].error

    smtp_server.reply = None
    clock.advance(4 * BACKOFF)
    drain(clock)
    clock.advance(timedelta(days=1))  # long after: nothing is delivered again
    drain(clock)

    messages = queued()
    assert {(m.status, m.attempts, m.error) for m in messages} == {("sent", 4, None)}
    received = Counter(mail["Message-ID"] for mail in smtp_server.messages)
    assert received == Counter({f"<{m.id}@flowdesk>": 1 for m in messages})
    assert sorted(mail["Subject"] for mail in smtp_server.messages) == sorted(f"Deal {d}" for d in deals)
    runs = runs_of(workflow)
    assert [run.status for run in runs] == ["completed"] * DEALS
    assert all(steps_of(run)["done"].status == "done" for run in runs)
    assert [tuple(db.session.get(Record, d).tags) for d in deals] == [("mailed",)] * DEALS
    assert db.session.scalar(db.select(db.func.count(Run.id))) == DEALS
