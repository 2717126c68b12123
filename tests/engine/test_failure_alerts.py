"""When a run fails: who is told (each failure, or a daily digest) through a real SMTP server, and the error
workflow started with the failed run's data. Time moves on the injected clock."""
from datetime import timedelta

from store import versions
from store.db import db
from crm.models import Notification, ObjectType
from crm.people import find_user
from engine import alert_digest, lifecycle, worker
from engine.models import AlertDigest, FailureAlert
from tests.web.live import at_once
from tests.engine.flows import (break_run, clock, create, drain, node, only_run, publish, runs_of,  # noqa: F401
                                trigger)

FAILING = (trigger(), node("edit", "update_record", fields={"amount": "{{ record.fields.name }}"}))


def failing_workflow(name="Scorer", **on_failure):
    """A published workflow whose runs fail at step `edit` (a name is not an amount)."""
    return with_alerts(publish(*FAILING, chain=True, name=name), **on_failure)


def with_alerts(workflow, **on_failure):
    """Publish `workflow` again with these "when a run fails" settings."""
    workflow.settings = {**workflow.settings, "on_failure": on_failure}
    version, problems = versions.publish(workflow, {k.name: k.spec() for k in db.session.scalars(
        db.select(ObjectType))}, "eddie")
    assert version is not None, problems
    db.session.commit()
    return workflow


def notes_of(username: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Notification.message).where(
        Notification.user_id == find_user(username).id).order_by(Notification.id)))


def test_each_failure_is_told_once_to_the_people_named(app, clock, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url)
    failing_workflow(owner=False, users=["vic"], roles=["admin"], mode="each")
    create(fields={"name": "Acme"})
    create(fields={"name": "Globex"})
    drain(clock)
    mails = smtp_server.wait_for(4)
    assert sorted(m["To"] for m in mails) == ["ada@example.com"] * 2 + ["vic@example.com"] * 2
    assert all(m["Subject"] == "Flowdesk: workflow 'Scorer' failed" for m in mails)
    assert "Scorer' failed in run" in mails[0].get_content() and "expected a number" in mails[0].get_content()
    assert len(notes_of("vic")) == 2 and len(notes_of("ada")) == 2 and notes_of("eddie") == []
    drain(clock)
    assert len(smtp_server.messages) == 4  # delivered once each, however often the engine passes


def test_a_workflow_that_never_set_alerts_tells_its_owner_in_the_app(app, clock):
    workflow = publish(*FAILING, chain=True, name="Plain")
    create(fields={"name": "Acme"})
    drain(clock)
    assert notes_of("eddie") == [f"Workflow 'Plain' failed in run {only_run(workflow).id}: "
                                 f"{only_run(workflow).reason}"]


def test_the_daily_digest_tells_each_failure_once_at_the_hour(app, clock, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, ALERT_DIGEST_AT="17:00")  # the clock starts at 09:00 UTC
    workflow = failing_workflow(mode="digest", roles=["admin"], in_app=False)
    drain(clock)  # yesterday's digest, with nothing in it
    create(fields={"name": "Acme"})
    drain(clock)
    clock.advance(timedelta(hours=1))
    create(fields={"name": "Globex"})
    drain(clock)
    clock.advance(timedelta(hours=6, minutes=59))  # 16:59
    drain(clock)
    assert smtp_server.messages == [] and notes_of("ada") == []

    clock.advance(timedelta(minutes=1))
    drain(clock)
    mails = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["ada@example.com", "eddie@example.com"]
    body = mails[0].get_content()
    first, second = runs_of(workflow)
    assert body.startswith("2 workflow runs failed since the last digest:")
    assert f"run {first.id}:" in body and f"run {second.id}:" in body
    assert notes_of("ada") == []  # in_app is off: email only

    db.session.remove()  # a restart: the digest is a row, not a memory
    assert alert_digest.send_due(clock) == 0
    drain(clock)
    assert len(smtp_server.messages) == 2

    clock.advance(timedelta(hours=1))
    create(fields={"name": "Initech"})
    drain(clock)
    clock.advance(timedelta(days=1))
    drain(clock)
    later = smtp_server.wait_for(4)[2:]
    assert all(m.get_content().startswith("1 workflow run failed") for m in later)
    digests = db.session.scalars(db.select(AlertDigest).order_by(AlertDigest.due_at)).all()
    assert [d.failures for d in digests] == [0, 2, 1]
    assert sorted(a.digest_id for a in db.session.scalars(db.select(FailureAlert))) == \
        [digests[1].id, digests[1].id, digests[2].id]


def test_the_error_workflow_starts_with_the_failed_runs_data(app, clock):
    handler = publish(trigger("manual", "deal"),
                      node("tell", "notify_user", user="vic",
                           message="{{ payload.workflow.name }} run {{ payload.run_id }} failed at "
                                   "{{ payload.failed_node }}: {{ payload.error }}"), chain=True, name="On error")
    workflow = failing_workflow(owner=True, in_app=True, email=False, error_workflow=handler.id)
    deal = create(fields={"name": "Acme"})
    drain(clock)
    failed, started = only_run(workflow), only_run(handler)
    assert started.status == "completed" and started.record_id == deal.id
    assert started.payload == {"workflow": {"id": workflow.id, "name": "Scorer", "version": 2},
                               "run_id": failed.id, "failed_node": "edit", "error": failed.reason,
                               "record_id": deal.id}
    assert notes_of("vic") == [f"Scorer run {failed.id} failed at edit: {failed.reason}"]
    assert notes_of("eddie")[0].endswith(f"(error workflow 'On error' started as run {started.id})")


def test_the_error_workflows_history_shows_the_run_it_enrolled(app, clock, api):
    handler = publish(trigger("manual", "deal"), node("tell", "notify_user", user="vic", message="failed"),
                      chain=True, name="On error")
    workflow = failing_workflow(error_workflow=handler.id)
    deal = create(fields={"name": "Acme"})
    drain(clock)
    history = api.get(f"/api/workflows/{handler.id}/enrollments", as_="viewer").get_json()
    assert history["counts"] == {"enrolled": 1, "filtered": 0, "refused": 0}
    row = history["items"][0]
    assert row["run_id"] == only_run(handler).id and row["record_id"] == deal.id
    assert row["reason"] == f"started as the error workflow of run {only_run(workflow).id}"


def test_a_run_whose_advance_keeps_raising_is_told_and_starts_the_error_workflow(app, clock, smtp_server,
                                                                                  monkeypatch):
    app.config.update(SMTP_URL=smtp_server.url)
    handler = publish(trigger("manual", "deal"), node("tell", "notify_user", user="eddie",
                                                      message="run {{ payload.run_id }}: {{ payload.error }}"),
                      chain=True, name="On error")
    workflow = with_alerts(publish(trigger(), node("wait", "delay", duration="PT1M"),
                                   node("tag", "update_record", add_tags=["woke"]), chain=True, name="Waiter"),
                           owner=False, users=["vic"], in_app=True, email=True, mode="each",
                           error_workflow=handler.id)
    deal = create(fields={"name": "Acme"})
    drain(clock)
    broken = only_run(workflow)
    break_run(monkeypatch, broken.id)
    clock.advance(timedelta(minutes=2))
    worker.timers_pass(clock)
    drain(clock)
    failed, started = only_run(workflow), only_run(handler)
    assert (failed.status, failed.reason) == ("failed", "internal error: ZeroDivisionError: division by zero")
    told = f"Workflow 'Waiter' failed in run {broken.id}: {failed.reason}"
    assert notes_of("vic") == [f"{told} (error workflow 'On error' started as run {started.id})"]
    mail = smtp_server.wait_for(1)[0]
    assert mail["To"] == "vic@example.com" and told in mail.get_content()
    assert started.status == "completed" and started.record_id == deal.id
    assert started.payload["failed_node"] is None and started.payload["run_id"] == broken.id
    assert notes_of("eddie") == [f"run {broken.id}: {failed.reason}"]


def test_error_workflows_never_start_each_other_in_a_loop(app, clock):
    first = publish(trigger("manual", "deal"), *FAILING[1:], chain=True, name="First handler")
    second = with_alerts(publish(trigger("manual", "deal"), *FAILING[1:], chain=True, name="Second handler"),
                         error_workflow=first.id)
    with_alerts(first, error_workflow=second.id)
    deal = create(fields={"name": "Acme"})
    lifecycle.start_by_hand(first, record_id=deal.id, clock=clock)
    db.session.commit()
    drain(clock)
    # The first failed and started the second, which failed too: a run started by a failure starts no other.
    assert only_run(first).status == "failed" and only_run(second).status == "failed"
    assert "itself started by a failure" in notes_of("eddie")[-1]


def test_two_workers_reaching_the_hour_together_send_one_digest(app, clock, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, ALERT_DIGEST_AT="17:00")
    failing_workflow(mode="digest", in_app=False)
    drain(clock)
    for name in ("Acme", "Globex", "Initech"):
        create(fields={"name": name})
    drain(clock)
    clock.advance(timedelta(hours=8))

    def worker():
        with app.app_context():
            try:
                return alert_digest.send_due(clock)
            finally:
                db.session.remove()

    told = at_once(worker, worker)
    assert sorted(told) == [0, 3]
    drain(clock)
    [mail] = smtp_server.wait_for(1)
    assert mail.get_content().startswith("3 workflow runs failed since the last digest")
    assert len(smtp_server.messages) == 1
