"""Every action of the contract, against real peers: aiosmtpd and http.server on 127.0.0.1."""
from datetime import timedelta

from store.db import db
from crm.models import Event, Record
from engine.models import Message
from crm.people import create_user
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import (START, create, drain, messages_of, node, notifications_for, only_run, publish,
                                runs_of, steps_of, trigger)


def test_send_email_goes_over_smtp_with_the_message_id_of_its_step(app, clock, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    workflow = publish(trigger(), node("mail", "send_email", to="{{ record.owner.email }}", cc="boss@example.com",
                                       subject="Deal {{ record.fields.name }}", body="Hi {{ record.owner.name }}"),
                       chain=True)
    create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    [received] = smtp_server.wait_for(1)
    run = only_run(workflow)
    [message] = messages_of(run)
    assert received["Message-ID"] == f"<{message.id}@flowdesk>"
    assert (received["To"], received["Cc"], received["Subject"]) == ("eddie@example.com", "boss@example.com",
                                                                    "Deal Acme")
    assert received.get_content().strip() == "Hi eddie"
    assert (message.status, message.transport, message.attempts) == ("sent", "email", 1)
    assert run.status == "completed"
    step = steps_of(run)["mail"]
    assert (step.status, step.output) == ("done", {"message_id": message.id})
    assert step.input["to"] == "eddie@example.com"


def test_without_smtp_url_the_email_stays_in_the_built_in_mailbox(app, clock):
    workflow = publish(trigger(), node("mail", "send_email", to="a@example.com", subject="s", body="b"), chain=True)
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    [message] = messages_of(run)
    assert (message.status, message.transport, message.sent_at) == ("sent", "mailbox", START)
    assert run.status == "completed"


def test_a_missing_recipient_skips_the_step_with_the_reason(app, clock):
    workflow = publish(trigger(), node("mail", "send_email", to="{{ record.owner.email }}", subject="s"),
                       node("sms", "send_sms", to="{{ record.fields.phone }}", body="b"), chain=True)
    create(fields={"name": "no owner, no phone"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed"
    for node_id in ("mail", "sms"):
        assert run.nodes[node_id]["status"] == "skipped"
        assert run.nodes[node_id]["reason"] == "no recipient: 'To' is empty for this record"
    assert messages_of(run) == []


def test_sms_and_whatsapp_post_to_and_body_to_their_providers(app, clock, make_http_endpoint):
    sms, whatsapp = make_http_endpoint(), make_http_endpoint()
    app.config.update(SMS_PROVIDER_URL=sms.url + "/sms", WHATSAPP_PROVIDER_URL=whatsapp.url + "/wa")
    workflow = publish(trigger(), node("sms", "send_sms", to="{{ record.fields.phone }}", body="Hi {{ record.fields.name }}"),
                       node("wa", "send_whatsapp", to="{{ record.fields.phone }}", body="Order {{ record.id }}"),
                       chain=True)
    record = create(fields={"name": "Ada", "phone": "+62 811 000 001"})
    drain(clock)
    [text], [chat] = sms.wait_for(1), whatsapp.wait_for(1)
    assert (text.method, text.path, text.json) == ("POST", "/sms", {"to": "+62 811 000 001", "body": "Hi Ada"})
    assert chat.json == {"to": "+62 811 000 001", "body": f"Order {record.id}"}
    run = only_run(workflow)
    ids = {m.channel: m.id for m in messages_of(run)}
    assert text.headers["Idempotency-Key"] == ids["sms"] and chat.headers["Idempotency-Key"] == ids["whatsapp"]
    assert run.status == "completed" and steps_of(run)["sms"].output["status"] == 200


def test_webhook_sends_method_headers_and_templated_json(app, clock, http_endpoint):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    http_endpoint.body = '{"accepted": true}'
    workflow = publish(trigger(), node("hook", "webhook", "action", url=http_endpoint.url + "/deals/{{ record.id }}",
                                       method="PUT", headers={"Authorization": "Bearer s3cret", "X-Deal": "{{ record.id }}"},
                                       body='{"name": {{ record.fields.name | tojson }}, "amount": {{ record.fields.amount }}}'),
                       chain=True)
    record = create(fields={"name": 'Quote "this"', "amount": 12})
    drain(clock)
    [request] = http_endpoint.wait_for(1)
    assert (request.method, request.path) == ("PUT", f"/deals/{record.id}")
    assert request.json == {"name": 'Quote "this"', "amount": 12}
    assert request.headers["Authorization"] == "Bearer s3cret" and request.headers["X-Deal"] == str(record.id)
    step = steps_of(only_run(workflow))["hook"]
    assert step.output["status"] == 200 and step.output["body"] == '{"accepted": true}'
    assert step.input["headers"]["Authorization"] == "••••"


def test_webhook_refuses_private_targets_unless_allowed(app, clock, http_endpoint):
    workflow = publish(trigger(), node("hook", "webhook", "action", url=http_endpoint.url), chain=True)
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    assert http_endpoint.requests == []
    assert run.status == "failed"
    assert "127.0.0.1, a loopback address" in run.nodes["hook"]["error"]
    [message] = messages_of(run)
    assert (message.status, message.attempts) == ("failed", 1)


def test_create_task_for_the_record_owner_or_a_user_with_a_due_date(app, clock):
    create_user("tina", "editor", email="tina@example.com")
    db.session.commit()
    workflow = publish(trigger(), node("mine", "create_task", title="Call {{ record.fields.name }}", type="Call",
                                       priority="high", due="P2D", owner="record_owner", details="About {{ record.id }}"),
                       node("hers", "create_task", title="Review", owner="tina", due=""),
                       node("nobody", "create_task", title="Triage"), chain=True)
    create(fields={"name": "Acme"}, owner="eddie")
    create(fields={"name": "Orphan"})
    drain(clock)
    tasks = db.session.scalars(db.select(Record).where(Record.object == "task").order_by(Record.id)).all()
    by_title = {(t.fields["title"], t.owner.username if t.owner else None): t for t in tasks}
    call = by_title[("Call Acme", "eddie")]
    assert call.fields["due_at"] == (START + timedelta(days=2)).isoformat()
    assert (call.fields["type"], call.fields["priority"], call.fields["status"]) == ("Call", "high", "To Do")
    assert ("Review", "tina") in by_title and ("Triage", "eddie") in by_title and ("Triage", None) in by_title
    assert "due_at" not in by_title[("Review", "tina")].fields
    orphan_run = [run for run in runs_of(workflow) if run.nodes["mine"]["reason"]][0]
    assert orphan_run.nodes["mine"]["reason"] == "the record has no owner, so the task is unassigned"
    created = db.session.scalars(db.select(Event).where(Event.object == "task")).all()
    assert {e.origin_workflow_id for e in created} == {workflow.id} and {e.depth for e in created} == {1}


def test_update_record_changes_fields_stage_owner_and_tags_and_emits_events(app, clock):
    workflow = publish(trigger(), node("edit", "update_record", fields={"amount": "{{ record.fields.amount * 2 }}",
                                                                        "name": "Big {{ record.fields.name }}"},
                                       stage="qualified", owner="ada", add_tags=["vip", "{{ record.fields.name }}"],
                                       remove_tags=["cold"]), chain=True)
    record = create(fields={"name": "Acme", "amount": 21}, tags=["cold", "old"], stage="new")
    drain(clock)
    record = db.session.get(Record, record.id)
    assert record.fields == {"name": "Big Acme", "amount": 42}
    assert (record.stage, record.owner.username, record.tags) == ("qualified", "ada", ["Acme", "old", "vip"])
    events = db.session.scalars(db.select(Event).where(Event.origin_workflow_id == workflow.id)).all()
    assert sorted(e.event for e in events) == ["stage_changed", "updated"]
    assert only_run(workflow).status == "completed"


def test_update_record_owner_record_owner_keeps_the_records_owner_instead_of_failing(app, clock):
    workflow = publish(trigger(), node("edit", "update_record", stage="qualified", owner="record_owner"), chain=True)
    owned, unowned = create(fields={"name": "Acme"}, owner="eddie"), create(fields={"name": "Nobody's"})
    drain(clock)
    owned, unowned = db.session.get(Record, owned.id), db.session.get(Record, unowned.id)
    assert (owned.stage, owned.owner.username) == ("qualified", "eddie")
    assert (unowned.stage, unowned.owner) == ("qualified", None)
    assert [r.status for r in runs_of(workflow)] == ["completed", "completed"]


def test_update_record_with_a_value_of_the_wrong_type_fails_readably(app, clock):
    workflow = publish(trigger(), node("edit", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                       chain=True)
    create(fields={"name": "not a number"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "failed"
    assert run.nodes["edit"]["error"] == "the record cannot be changed: fields.amount: expected a number"


def test_notify_user_by_name_role_and_owner(app, clock):
    workflow = publish(trigger(), node("tell", "notify_user", user="vic", role="admin", owner=True,
                                       message="{{ record.fields.name }} needs you"),
                       node("nobody", "notify_user", user="ghost", message="hello"), chain=True)
    record = create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    for username in ("vic", "ada", "eddie"):
        [note] = notifications_for(username)
        assert note.message == "Acme needs you" and note.link == f"/records/deal/{record.id}"
    run = only_run(workflow)
    assert run.nodes["nobody"] == {"status": "skipped", "reason": "no one to notify: no active user 'ghost'",
                                   "until": None, "error": None, "count": 1}
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
