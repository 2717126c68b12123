"""Every ready-made template, used as the gallery's Use button makes it, runs end to end on its intended
records and produces exactly what its description promises: the emails an aiosmtpd server receives, the SMS,
WhatsApp and webhook requests an http.server receives, the tasks, field changes and notifications. Only the
clock is fake (START = Wednesday 2026-11-25 09:00 UTC).
"""
import copy
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from store import versions
from store.db import db
from store.models import Workflow
from engine import tasks
from crm.demo import DEMO_USERS
from crm.models import ObjectType, Record
from engine.models import HumanTask
from crm.people import create_user, find_user
from templates_library import get_template, list_templates, start_draft
from tests.engine.flows import (START, change, clock, create, drain, notifications_for, only_run,  # noqa: F401
                                runs_of)
from tests.engine.test_time_triggers import armed

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def peers(app, clock, smtp_server, http_endpoint):
    """Real SMTP and HTTP peers configured as an admin would, and the demo users the templates name."""
    app.config.update(SMTP_URL=smtp_server.url, SMS_PROVIDER_URL=f"{http_endpoint.url}/sms",
                      WHATSAPP_PROVIDER_URL=f"{http_endpoint.url}/whatsapp", WEBHOOK_ALLOW_PRIVATE=True)
    for username, role, email, name in DEMO_USERS:
        create_user(username, role, None, email, name)
    db.session.commit()
    return SimpleNamespace(smtp=smtp_server, http=http_endpoint)


def use_template(template_id: str, configure: dict | None = None) -> Workflow:
    """Create a workflow from the template, fill in `configure` ({node id: config values}, what a user types
    into the inspector), and publish it: the draft must have no problem at all, not even a warning."""
    workflow = Workflow(name=get_template(template_id)["name"], owner_id=find_user("eddie").id)
    start_draft(workflow, get_template(template_id))
    if configure:
        graph = copy.deepcopy(workflow.graph)
        for node in graph["nodes"]:
            node["config"].update(configure.get(node["id"], {}))
        workflow.graph = graph
    db.session.add(workflow)
    db.session.flush()
    objects = {kind.name: kind.spec() for kind in db.session.scalars(db.select(ObjectType))}
    version, problems = versions.publish(workflow, objects, "eddie")
    assert (version is not None, problems) == (True, [])
    db.session.commit()
    return workflow


def after(clock, delta: timedelta) -> None:
    """Let the engine do what is due now, let `delta` pass, and let it do what is due by then."""
    drain(clock)
    clock.advance(delta)
    drain(clock)


def mail(peers) -> list:
    """(To, Subject) of every email the SMTP server received, in order."""
    return [(message["To"], message["Subject"]) for message in peers.smtp.messages]


def body_of(peers, index: int = -1) -> str:
    return peers.smtp.messages[index].get_content().replace("\r\n", "\n").strip()


def posts(peers) -> list:
    """(path, JSON body) of every request the HTTP server received, in order."""
    return [(request.path, request.json) for request in peers.http.requests]


def notes(username: str) -> list:
    return [n.message for n in notifications_for(username)]


def task_records() -> list:
    """Every task record as the Tasks page shows it: title, owner and the fields a template sets."""
    found = db.session.scalars(db.select(Record).where(Record.object == "task").order_by(Record.id)).all()
    return [{"title": t.fields["title"], "owner": t.owner.username if t.owner else None,
             **{k: t.fields.get(k) for k in ("type", "category", "priority", "status", "due_at")}} for t in found]


def fresh(record: Record) -> Record:
    db.session.expire_all()
    return db.session.get(Record, record.id)


def human_task(workflow: Workflow, record: Record) -> HumanTask:
    run = [r for r in runs_of(workflow) if r.record_id == record.id][0]
    return db.session.scalars(db.select(HumanTask).where(HumanTask.run_id == run.id)).one()


def everything_seen(peers) -> tuple:
    db.session.expire_all()
    return (mail(peers), posts(peers), task_records(),
            {u: notes(u) for u in ("ada", "eddie", "maria", "sam")})


def nothing_more_happens(clock, peers, later: timedelta = timedelta(days=40)) -> None:
    """Exactly once: with everything done, weeks more of engine time deliver and create nothing new."""
    before = everything_seen(peers)
    drain(clock)
    after(clock, later)
    assert everything_seen(peers) == before


def iso(moment) -> str:
    return moment.isoformat()


def test_every_template_has_an_end_to_end_test_here():
    used = set(re.findall(r'use_template\("([a-z0-9-]+)"', Path(__file__).read_text()))
    assert used == {template["id"] for template in list_templates()}


# -- Onboarding ------------------------------------------------------------------------------------------------

def test_welcome_new_contact_emails_each_new_contact_with_an_address_once(peers, clock):
    use_template("welcome-new-contact")
    create("contact", fields={"name": "Ada Lovelace", "email": "ada.l@example.org"}, owner="maria")
    create("contact", fields={"name": "No Address", "phone": "+62 811 000 002"})
    drain(clock)
    assert mail(peers) == [("ada.l@example.org", "Welcome, Ada Lovelace!")]
    assert body_of(peers) == ("Hi Ada Lovelace,\n\nThanks for getting in touch. We are glad to have you with us and "
                              "will be in touch shortly.\n\nBest regards,\nMaria Sales")
    nothing_more_happens(clock, peers)
    assert posts(peers) == []


def test_ab_test_welcome_sends_each_contact_one_variant_and_tags_it(peers, clock):
    use_template("ab-test-welcome-email")
    contacts = [create("contact", fields={"name": f"Person {n}", "email": f"p{n}@example.org"}) for n in range(8)]
    drain(clock)
    subjects = dict(mail(peers))
    assert sorted(subjects) == sorted(f"p{n}@example.org" for n in range(8))  # one email each
    for contact in contacts:
        variant = fresh(contact).tags
        subject = subjects[contact.fields["email"]]
        if variant == ["welcome-short"]:
            assert subject == f"Welcome, {contact.fields['name']}!"
        else:
            assert (variant, subject) == (["welcome-story"], f"{contact.fields['name']}, here is how we can help")
    assert {tag for contact in contacts for tag in fresh(contact).tags} == {"welcome-short", "welcome-story"}
    nothing_more_happens(clock, peers)


def test_round_robin_gives_new_deals_to_available_editors_in_turn(peers, clock):
    use_template("round-robin-new-deals")
    deals = [create("deal", fields={"name": f"Deal {n}"}) for n in range(4)]
    create("deal", fields={"name": "Owned"}, owner="sam")
    drain(clock)
    assert [fresh(deal).owner.username for deal in deals] == ["eddie", "maria", "sam", "eddie"]
    assert notes("maria") == ["New deal for you: Deal 1"] and notes("sam") == ["New deal for you: Deal 2"]
    for name in ("eddie", "maria", "sam"):
        find_user(name).available = False
    db.session.commit()
    stuck = create("deal", fields={"name": "Late"})
    drain(clock)
    assert fresh(stuck).owner is None
    assert notes("ada") == ["No editor is available for the new deal Late; please assign it."]
    nothing_more_happens(clock, peers)


def test_proposal_chase_cheers_a_deal_won_in_the_week_and_chases_one_that_is_not(peers, clock):
    use_template("proposal-chase")
    won = create("deal", fields={"name": "Quick"}, owner="maria", pipeline="sales", stage="proposal")
    slow = create("deal", fields={"name": "Slow"}, owner="sam", pipeline="sales", stage="proposal")
    after(clock, 3 * DAY)
    change(won, stage="won")
    after(clock, DAY)
    assert notes("maria") == ["Quick was won within a week of the proposal."]
    assert task_records() == []
    after(clock, 3 * DAY)
    assert task_records() == [{"title": "Chase the proposal for Slow", "owner": "sam", "type": "Call",
                               "category": None, "priority": "high", "status": "To Do",
                               "due_at": iso(START + 8 * DAY)}]
    assert notes("sam") == []
    change(slow, stage="won")
    nothing_more_happens(clock, peers)
    assert len(task_records()) == 1 and notes("sam") == []


def test_office_hours_welcome_waits_for_the_office_and_counts_working_days(peers, clock):
    use_template("office-hours-welcome-call")
    create("contact", fields={"name": "Ada Lovelace", "email": "ada@example.org"}, owner="maria")
    drain(clock)
    assert mail(peers) == [("ada@example.org", "Thanks for reaching out, Ada Lovelace")]
    clock.set(START + 2 * DAY + 9 * HOUR)  # Friday 18:00
    create("contact", fields={"name": "Late Larry", "email": "larry@example.org"}, owner="sam")
    drain(clock)
    assert len(mail(peers)) == 1 and [t["title"] for t in task_records()] == ["Call Ada Lovelace"]
    clock.set(START + 5 * DAY - MINUTE)  # Monday 08:59
    drain(clock)
    assert len(mail(peers)) == 1
    after(clock, MINUTE)
    assert mail(peers)[-1] == ("larry@example.org", "Thanks for reaching out, Late Larry")
    after(clock, 2 * DAY)
    assert [(t["title"], t["owner"]) for t in task_records()] == [("Call Ada Lovelace", "maria"),
                                                                  ("Call Late Larry", "sam")]
    nothing_more_happens(clock, peers)


def test_vip_onboarding_call_done_in_time_tags_the_contact(peers, clock):
    workflow = use_template("vip-onboarding-call")
    vip = create("contact", fields={"name": "Grace Hopper", "phone": "+62 811 000 003"}, owner="maria", tags=["vip"])
    create("contact", fields={"name": "Regular Joe"}, owner="maria")
    drain(clock)
    assert task_records() == [{"title": "Onboarding call with Grace Hopper", "owner": "maria", "type": "Other",
                               "category": None, "priority": "high", "status": "To Do",
                               "due_at": iso(START + 2 * DAY)}]
    assert notes("maria") == ["New task: Onboarding call with Grace Hopper"]
    assert mail(peers) == [("maria@example.com", "New task: Onboarding call with Grace Hopper")]
    after(clock, DAY)
    tasks.complete(human_task(workflow, vip).id, None, find_user("maria"), clock)
    db.session.commit()
    drain(clock)
    assert fresh(vip).tags == ["onboarded", "vip"]
    assert only_run(workflow).status == "completed"
    assert task_records()[0]["status"] == "Done"
    nothing_more_happens(clock, peers)
    assert notes("sam") == [] and len(task_records()) == 1 and len(mail(peers)) == 1


def test_vip_onboarding_call_overdue_alerts_the_supervisor_with_an_urgent_call(peers, clock):
    workflow = use_template("vip-onboarding-call")
    vip = create("contact", fields={"name": "Grace Hopper", "phone": "+62 811 000 003"}, owner="maria", tags=["vip"])
    after(clock, 2 * DAY - MINUTE)
    assert notes("sam") == [] and len(task_records()) == 1
    after(clock, MINUTE)
    assert notes("sam") == ["The onboarding call with VIP Grace Hopper is overdue."]
    assert task_records()[1] == {"title": "Call VIP Grace Hopper (overdue onboarding)", "owner": "sam",
                                 "type": "Call", "category": "Onboarding", "priority": "urgent", "status": "To Do",
                                 "due_at": iso(START + 2 * DAY + 4 * HOUR)}
    assert "onboarded" not in fresh(vip).tags
    assert only_run(workflow).status == "completed"
    nothing_more_happens(clock, peers)
    assert len(task_records()) == 2 and mail(peers) == [("maria@example.com",
                                                         "New task: Onboarding call with Grace Hopper")]


# -- Tasks -----------------------------------------------------------------------------------------------------

def test_task_follow_up_reminds_the_owner_and_later_gives_the_manager_a_review_for_meetings(peers, clock):
    use_template("task-follow-up")
    due = iso(START + DAY)
    create("task", fields={"title": "Demo for Acme", "status": "To Do", "type": "Meeting", "priority": "high",
                           "due_at": due}, owner="maria")
    create("task", fields={"title": "Call Bob", "status": "To Do", "type": "Call"}, owner="eddie")
    create("task", fields={"title": "Old meeting", "status": "In Progress", "type": "Meeting"}, owner="maria")
    drain(clock)
    assert mail(peers) == [("maria@example.com", "Reminder: Demo for Acme"), ("eddie@example.com", "Reminder: Call Bob")]
    assert body_of(peers, 0) == (f"Hi Maria Sales,\n\nA new task is waiting for you: Demo for Acme (high priority).\n"
                                 f"It is due {due}.")
    after(clock, 10 * MINUTE - timedelta(seconds=1))
    assert len(task_records()) == 3
    after(clock, timedelta(seconds=1))
    assert task_records()[3:] == [{"title": "Review: Demo for Acme", "owner": "sam", "type": "Other",
                                   "category": "Review", "priority": "normal", "status": "To Do",
                                   "due_at": iso(START + 10 * MINUTE + DAY)}]
    nothing_more_happens(clock, peers)  # the review task is the workflow's own: it starts no new run
    assert len(mail(peers)) == 2 and len(task_records()) == 4


# -- Sales -----------------------------------------------------------------------------------------------------

def test_new_deal_owner_task_gives_the_owner_a_first_call_due_tomorrow(peers, clock):
    use_template("new-deal-owner-task")
    create("deal", fields={"name": "Acme 10 seats", "email": "buyer@acme.example"}, owner="maria", stage="new")
    create("deal", fields={"name": "Later stage"}, owner="maria", stage="qualified")
    drain(clock)
    assert task_records() == [{"title": "First call: Acme 10 seats", "owner": "maria", "type": "Call",
                               "category": "Sales", "priority": "normal", "status": "To Do",
                               "due_at": iso(START + DAY)}]
    assert notes("maria") == ["New deal Acme 10 seats: a first-call task is waiting in your inbox."]
    nothing_more_happens(clock, peers)
    assert mail(peers) == [] and posts(peers) == []


def test_proposal_handover_gives_the_deal_to_maria_with_a_proposal_task(peers, clock):
    workflow = use_template("deal-proposal-handover")
    deal = create("deal", fields={"name": "Globex rollout", "amount": 25000}, owner="eddie", stage="qualified")
    change(deal, stage="proposal")
    drain(clock)
    assert fresh(deal).owner.username == "maria" and fresh(deal).stage == "proposal"
    assert task_records() == [{"title": "Proposal document: Globex rollout", "owner": "maria", "type": "Other",
                               "category": "Document", "priority": "high", "status": "To Do",
                               "due_at": iso(START + 2 * DAY)}]
    assert db.session.scalars(db.select(Record).where(Record.object == "task")).one().fields["details"] == \
        "Write and send the proposal for Globex rollout (25000)."
    assert notes("maria") == ["Globex rollout moved to Proposal and is now yours; the proposal document task is "
                              "in your inbox."]
    assert only_run(workflow).status == "completed"
    nothing_more_happens(clock, peers)
    assert notes("eddie") == [] and mail(peers) == [] and posts(peers) == []


def test_stale_deal_escalation_tells_the_supervisor_once_per_idle_open_deal(peers, clock):
    workflow = armed(use_template("stale-deal-escalation"), START - DAY)
    quiet = create("deal", fields={"name": "Quiet deal"}, owner="maria", stage="qualified")
    orphan = create("deal", fields={"name": "Orphan lead"}, stage="new")
    create("deal", fields={"name": "Closed deal"}, owner="maria", stage="won")
    idle_from = max(r.updated_at for r in db.session.scalars(db.select(Record)))
    clock.set(idle_from + 3 * DAY - MINUTE)
    drain(clock)
    assert notes("sam") == []
    after(clock, 2 * MINUTE)
    assert notes("sam") == [
        "Quiet deal has had no activity for 3 days (stage qualified, owner Maria Sales).",
        "Orphan lead has had no activity for 3 days (stage new, owner nobody)."]
    nothing_more_happens(clock, peers)
    assert sorted(run.record_id for run in runs_of(workflow)) == [quiet.id, orphan.id] and mail(peers) == []


def test_unassigned_lead_chaser_emails_twice_then_texts_the_lead(peers, clock):
    workflow = use_template("unassigned-lead-chaser")
    lead = create("deal", fields={"name": "Inbound: Initech", "email": "peter@initech.example",
                                  "phone": "+62 811 000 004"}, stage="new")
    change(lead, stage="unassigned")
    after(clock, 5 * MINUTE - timedelta(seconds=1))
    assert mail(peers) == []
    after(clock, timedelta(seconds=1))
    assert mail(peers) == [("peter@initech.example", "We received your request")]
    assert "Thank you for your interest in Inbound: Initech." in body_of(peers)
    after(clock, 2 * HOUR)
    assert mail(peers)[1:] == [("peter@initech.example", "Are you still interested?")]
    after(clock, 6 * HOUR - MINUTE)
    assert posts(peers) == []
    after(clock, MINUTE)
    assert posts(peers) == [("/sms", {"to": "+62 811 000 004",
                                      "body": "Hi! We'd love to help with Inbound: Initech. Reply or call us back "
                                              "any time."})]
    assert only_run(workflow).status == "completed"
    nothing_more_happens(clock, peers)
    assert len(mail(peers)) == 2 and len(posts(peers)) == 1


def test_unassigned_lead_chaser_stops_when_the_stage_changes(peers, clock):
    workflow = use_template("unassigned-lead-chaser")
    early, late = (create("deal", fields={"name": name, "email": f"{name}@lead.example", "phone": "+62 811 000 005"},
                          stage="new") for name in ("early", "late"))
    change(early, stage="unassigned")
    change(late, stage="unassigned")
    after(clock, 2 * MINUTE)
    change(early, stage="qualified")  # picked up before the first email
    after(clock, 3 * MINUTE)
    assert mail(peers) == [("late@lead.example", "We received your request")]
    after(clock, HOUR)
    change(late, owner="maria", stage="qualified")  # picked up after the first email
    drain(clock)
    runs = {run.record_id: run for run in runs_of(workflow)}
    assert runs[early.id].status == runs[late.id].status == "cancelled"
    assert runs[late.id].reason == "stage changed from 'unassigned' to 'qualified' while waiting at 'Wait 2 hours'"
    nothing_more_happens(clock, peers)
    assert len(mail(peers)) == 1 and posts(peers) == []


def _qualify(name: str, amount: int, owner="maria") -> Record:
    deal = create("deal", fields={"name": name, "amount": amount}, owner=owner, stage="new")
    change(deal, stage="qualified")
    return deal


def test_large_deal_approval_each_decision_takes_its_branch(peers, clock):
    workflow = use_template("large-deal-approval")
    approved, rejected = _qualify("Approve me", 20000), _qualify("Reject me", 15000)
    small = _qualify("Small deal", 9999)
    drain(clock)
    assert [t["title"] for t in task_records()] == ["Approve Approve me", "Approve Reject me"]
    assert {t["owner"] for t in task_records()} == {"sam"} and task_records()[0]["priority"] == "high"
    assert mail(peers) == [("sam@example.com", "New task: Approve Approve me"),
                           ("sam@example.com", "New task: Approve Reject me")]
    after(clock, 2 * HOUR)
    tasks.complete(human_task(workflow, approved).id, "approve", find_user("sam"), clock)
    tasks.complete(human_task(workflow, rejected).id, "reject", find_user("sam"), clock)
    db.session.commit()
    drain(clock)
    assert (fresh(approved).stage, fresh(approved).tags) == ("proposal", ["approved"])
    assert (fresh(rejected).stage, fresh(rejected).tags) == ("qualified", [])
    assert notes("maria") == ["Approve me was approved and moved to Proposal.",
                              "Reject me was not approved; please review the terms."]
    assert fresh(small).stage == "qualified" and len(runs_of(workflow)) == 2
    nothing_more_happens(clock, peers)
    assert notes("ada") == [] and len(mail(peers)) == 2 and posts(peers) == []


def test_large_deal_approval_unanswered_for_a_day_is_escalated_and_a_new_amount_cancels_it(peers, clock):
    workflow = use_template("large-deal-approval")
    forgotten, repriced = _qualify("Forgotten", 30000), _qualify("Repriced", 12000)
    drain(clock)
    after(clock, HOUR)
    change(repriced, fields={"amount": 11000})
    after(clock, DAY - HOUR - MINUTE)
    assert notes("ada") == []
    after(clock, MINUTE)
    assert notes("ada") == ["The approval of Forgotten (30000) is overdue."]
    runs = {run.record_id: run for run in runs_of(workflow)}
    assert runs[forgotten.id].status == "completed" and runs[repriced.id].status == "cancelled"
    assert human_task(workflow, repriced).status == "cancelled"
    assert (fresh(forgotten).stage, fresh(repriced).stage) == ("qualified", "qualified")
    nothing_more_happens(clock, peers)
    assert notes("maria") == [] and len(mail(peers)) == 2


def test_deal_won_webhook_posts_the_deal_once_and_tells_admins_when_it_keeps_failing(app, peers, clock):
    url = f"{peers.http.url}/hooks/flowdesk/deal-won"
    workflow = use_template("deal-won-webhook", {"post": {"url": url}})
    won = create("deal", fields={"name": "Umbrella", "amount": 50000, "email": "ceo@umbrella.example"},
                 owner="maria", stage="proposal")
    change(won, stage="won")
    drain(clock)
    assert posts(peers) == [("/hooks/flowdesk/deal-won", {"event": "deal.won", "deal": {
        "id": won.id, "name": "Umbrella", "amount": 50000, "email": "ceo@umbrella.example", "owner": "maria"}})]
    assert notes("ada") == []

    peers.http.status = 503
    unlucky = create("deal", fields={"name": "Stark"}, stage="proposal")
    change(unlucky, stage="won")
    drain(clock)
    for _ in range(app.config.get("OUTBOX_MAX_ATTEMPTS", 5)):
        after(clock, 10 * MINUTE)
    failed_posts = peers.http.requests[1:]
    assert len(failed_posts) == 5 and len({r.headers["Idempotency-Key"] for r in failed_posts}) == 1
    assert failed_posts[0].json["deal"] == {"id": unlucky.id, "name": "Stark", "amount": None, "email": None,
                                            "owner": None}
    assert notes("ada") == ["Stark could not be sent to the ERP; open the run to retry."]
    assert {run.record_id: run.status for run in runs_of(workflow)} == {won.id: "completed",
                                                                          unlucky.id: "completed"}
    nothing_more_happens(clock, peers)
    assert len(posts(peers)) == 6 and mail(peers) == []


# -- Orders ----------------------------------------------------------------------------------------------------

def _order(number="SO-1001", **fields) -> Record:
    return create("order", fields={"number": number, "email": "buyer@shop.example", "phone": "+62 811 000 006",
                                   "amount": 350, "estimated_delivery": "2026-11-28", "usage_days": 14, **fields})


def test_order_created_whatsapp_confirms_every_new_order(peers, clock):
    workflow = use_template("order-created-whatsapp")
    _order()
    no_phone = _order("SO-1002", phone=None)
    drain(clock)
    assert posts(peers) == [("/whatsapp", {"to": "+62 811 000 006", "body": "Thank you! We received your order "
                                           "SO-1001. We will let you know when it is on its way."})]
    skipped = [run for run in runs_of(workflow) if run.record_id == no_phone.id][0].nodes["confirm"]
    assert skipped == {**skipped, "status": "skipped", "reason": "no recipient: 'To' is empty for this record"}
    nothing_more_happens(clock, peers)
    assert mail(peers) == []


def test_order_paid_thank_you_emails_the_customer_when_paid(peers, clock):
    use_template("order-paid-thank-you")
    order = _order()
    drain(clock)
    assert mail(peers) == []
    change(order, stage="paid")
    drain(clock)
    assert mail(peers) == [("buyer@shop.example", "Thank you for your payment (SO-1001)")]
    assert "We received your payment of 350 for order SO-1001." in body_of(peers)
    change(order, stage="delivered")
    nothing_more_happens(clock, peers)
    assert posts(peers) == []


def test_order_delivered_whatsapp_tells_the_customer(peers, clock):
    use_template("order-delivered-whatsapp")
    order = _order()
    change(order, stage="paid")
    drain(clock)
    assert posts(peers) == []
    change(order, stage="delivered")
    drain(clock)
    assert posts(peers) == [("/whatsapp", {"to": "+62 811 000 006",
                                           "body": "Good news: your order SO-1001 has been delivered. Enjoy!"})]
    change(order, stage="received")
    nothing_more_happens(clock, peers)
    assert mail(peers) == []


def test_delivery_eve_whatsapp_reminds_at_nine_the_day_before_for_undelivered_orders(peers, clock):
    armed(use_template("delivery-eve-whatsapp"), START)
    _order()
    delivered = _order("SO-1002")
    change(delivered, stage="delivered")
    clock.set(START.replace(day=27, hour=8, minute=59))
    drain(clock)
    assert posts(peers) == []
    after(clock, MINUTE)
    assert posts(peers) == [("/whatsapp", {"to": "+62 811 000 006", "body": "Your order SO-1001 is due to arrive "
                                           "tomorrow (2026-11-28). Please make sure someone can receive it."})]
    nothing_more_happens(clock, peers)
    assert mail(peers) == []


def test_repurchase_nudge_waits_the_orders_usage_days_after_receipt(peers, clock):
    workflow = use_template("repurchase-nudge")
    order = _order()
    change(order, stage="received")
    after(clock, 14 * DAY - MINUTE)
    assert posts(peers) == []
    after(clock, MINUTE)
    assert posts(peers) == [("/whatsapp", {"to": "+62 811 000 006", "body": "Hi! Your order SO-1001 should be "
                                           "running low by now. Reply REORDER and we will send the same again."})]
    assert only_run(workflow).status == "completed"
    nothing_more_happens(clock, peers)
    assert mail(peers) == []
