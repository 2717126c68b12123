"""An SMTP server slow to answer the end of an email's data (issue 18, point 9).

RFC 5321 gives a server 10 minutes for that answer; a sender that gives up sooner and tries again delivers the
email once per try. A reply 11 s late is waited for (one delivery, `sent`). The timeouts are settings, so the
second test shrinks them: a reply later than the DATA timeout leaves the email `unknown` (it may have been
delivered) and it is never sent again; the run takes the failure path saying so.
"""
from datetime import timedelta

from store.db import db
from engine.models import Message
from tests.engine.flows import clock  # noqa: F401 (a fixture)
from tests.engine.flows import create, drain, node, only_run, publish, trigger


def mail_workflow():
    return publish(trigger(), node("mail", "send_email", to="sales@example.com", subject="Deal {{ record.id }}"),
                   node("done", "update_record", add_tags=["mailed"]), chain=True)


def the_message() -> Message:
    db.session.expire_all()
    return db.session.scalars(db.select(Message).where(Message.node_id == "mail")).one()


def test_a_server_taking_11_seconds_for_its_final_reply_gets_the_email_once(app, clock, smtp_server):
    """The review's server: with the RFC's timeouts (the defaults) its answer is waited for."""
    app.config.update(SMTP_URL=smtp_server.url)
    smtp_server.delay = 11
    workflow = mail_workflow()
    create(fields={"name": "x"})
    drain(clock)
    assert (the_message().status, the_message().attempts) == ("sent", 1)
    assert len(smtp_server.messages) == 1 and only_run(workflow).status == "completed"


def test_no_final_reply_within_the_data_timeout_is_an_unknown_outcome_never_resent(app, clock, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, SMTP_COMMAND_TIMEOUT_SECONDS=5, SMTP_DATA_TIMEOUT_SECONDS=1,
                      OUTBOX_BACKOFF_SECONDS=1)
    smtp_server.delay = 3
    workflow = mail_workflow()
    create(fields={"name": "x"})
    drain(clock)
    message = the_message()
    assert (message.status, message.attempts) == ("unknown", 1)
    assert "did not answer it" in message.error and "not sent again" in message.error
    for _ in range(3):  # long after, and with the server answering at once: nothing is sent again
        smtp_server.delay = 0
        clock.advance(timedelta(hours=1))
        drain(clock)
    deals = [m for m in smtp_server.messages if m["Subject"].startswith("Deal")]
    assert len(deals) == 1 and the_message().status == "unknown"
    run = only_run(workflow)
    assert run.status == "failed" and "may have delivered it" in run.reason
