"""Hostile templates end to end: the payloads of tests/builder/test_ssti_payloads.py written straight into a
published version in the database (past validation, as a tampered row or an older, laxer Flowdesk would leave
them), then run by the engine in an email, a webhook and an update_record step.

Each such step fails with a readable message (the run takes the step's error port when it has one, else the run
fails with that message), or renders something harmless and bounded; never an internal error, a Python object
in a message, a hang or a crash. The engine goes on: a healthy workflow enrolled on the same record completes
every time, and a clean run of the very same workflow afterwards does what it should.
"""
import copy
import time

import pytest
from sqlalchemy import update

from store import versions
from store.db import db
from store.models import WorkflowVersion
from engine.overruns import setting
from tests.builder.test_ssti_payloads import HARMLESS_AT_RUN_TIME, PYTHON_INTERNALS, REFUSED_AT_VALIDATION
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import (create, drain, edge, messages_of, node, only_run, publish, refusals_of, republish,
                                runs_of, steps_of, trigger)

# Beyond the sandbox battery: output just under and just over the cap, and text no database column takes
# (PostgreSQL refuses NUL, SQLite's UTF-8 a lone surrogate): payload -> the step's error (None: it renders, and
# the action decides).
UNSTORABLE = ("The template output contains a NUL character or half of a surrogate pair, "
              "which cannot be stored or sent.")
END_TO_END = {"{{ 'x' * 99999 }}": None,
              "{{ 'x' * 100001 }}": "The template output is longer than 100000 characters.",
              "{{ '\\x00' }}": UNSTORABLE, "{{ '\\ud800' }}": UNSTORABLE, "{{ '\\ud83d\\ude00' }}": UNSTORABLE,
              # Plain text (no template at all) written straight into a version is held to the same rule.
              "plain text with a NUL \x00 in it": UNSTORABLE}
PAYLOADS = REFUSED_AT_VALIDATION + HARMLESS_AT_RUN_TIME + list(END_TO_END)
# Every payload goes through an email step; webhook and update_record steps get a spread of them (the sandbox
# refuses them all in one place, render(); what differs per action is what happens after), with every payload
# that renders, so that each outcome of each action is exercised.
SAMPLE = list(dict.fromkeys(REFUSED_AT_VALIDATION[::5] + HARMLESS_AT_RUN_TIME[::3] + HARMLESS_AT_RUN_TIME[-4:]
                            + list(END_TO_END)))
MAX_OUTPUT = 100_000  # builder.templating.render's default cap, which the engine uses
# A run that renders hostile text may use the render deadline (2 s of CPU) once per template; anything near this
# bound means a loop escaped the deadline. The engine runs in the test's thread (drain), so its CPU time is the
# thread's: measured so, a busy machine does not count against it.
SECONDS_PER_RUN = 4.0
SAFE = "Hello {{ record.fields.name }}"


def poison(workflow, node_id: str, **config) -> None:
    """Write `config` into a node of the workflow's latest published version, straight into its row."""
    version = versions.latest_version(workflow)
    graph = copy.deepcopy(version.graph)
    [target] = [n for n in graph["nodes"] if n["id"] == node_id]
    target["config"].update(config)
    db.session.execute(update(WorkflowVersion).where(WorkflowVersion.id == version.id).values(graph=graph))
    db.session.commit()
    db.session.expire_all()


def internals(text: str, payload: str) -> list:
    # A message may quote the payload's own words back ("uses '_TemplateReference__context'").
    return [found for found in PYTHON_INTERNALS.findall(text or "") if found not in payload]


@pytest.fixture
def canary(app):
    """A healthy workflow on the same trigger: every record must get its tag, whatever else runs beside it."""
    return publish(trigger(node_id="go"), node("tag", "update_record", add_tags=["canary"]), chain=True,
                   name="Canary")


def run_hostile(workflow, graph, node_id, field, payload, clock, api, **record):
    """Publish `graph` again, poison `field` of `node_id` with `payload`, create a record: the run and its step."""
    republish(workflow, graph)
    poison(workflow, node_id, **{field: payload})
    before = {run.id for run in runs_of(workflow)}
    started = time.thread_time()
    deal = create(fields={"name": "Ada", **record})
    drain(clock)
    # A payload that burns the step's whole render limit also spends the advance's CPU budget: the run parks
    # at that step boundary and goes on after OVERRUN_PAUSE_SECONDS, as any heavy run does.
    clock.advance(setting("OVERRUN_PAUSE_SECONDS"))
    drain(clock)
    took = time.thread_time() - started
    found = [run for run in runs_of(workflow) if run.id not in before]
    assert len(found) == 1, (payload, [r.reason for r in refusals_of(workflow)])
    run = found[0]
    answer = api.get(f"/api/runs/{run.id}", as_="viewer")
    assert answer.status_code == 200, answer.get_json()
    shown = answer.get_json()
    return deal, run, shown, steps_of(run)[node_id], took


def check_common(problems, payload, run, shown, step, took, canary, deal, node_id):
    """What holds for every payload and action; returns nothing, appends what went wrong to `problems`."""
    def wrong(what):
        problems.append(f"{payload[:70]!r}: {what}")

    if took > SECONDS_PER_RUN:
        wrong(f"the run took {took:.1f} s")
    api_node = shown["nodes"][node_id]
    if (api_node["status"], api_node["error"]) != (step.status, step.error):
        wrong(f"the API shows {api_node} for step {step.status} {step.error!r}")
    if step.status == "failed":
        if not step.error or "internal error" in step.error or internals(step.error, payload):
            wrong(f"unreadable error {step.error!r}")
        if len(step.error) > 2_000:
            wrong(f"an error of {len(step.error)} characters")
    elif step.status != "done":
        wrong(f"the step is {step.status}")
    if payload in REFUSED_AT_VALIDATION and not (step.status == "failed" and step.error.startswith("The template")):
        wrong(f"the sandbox let it through: {step.status} {step.error!r}")
    if END_TO_END.get(payload) and step.error != END_TO_END[payload]:
        wrong(f"the step's error is {step.error!r}, not {END_TO_END[payload]!r}")
    for value in (step.input or {}).values():
        if isinstance(value, str) and (len(value) > MAX_OUTPUT or "__" in value or internals(value, payload)):
            wrong(f"the step's input holds {value[:120]!r}")
    canary_runs = [r for r in runs_of(canary) if r.record_id == deal.id]
    if [r.status for r in canary_runs] != ["completed"]:
        wrong(f"the canary's run on the same record is {[(r.status, r.reason) for r in canary_runs]}")


def test_the_sandbox_payloads_would_not_have_been_published(app):
    """The premise: these rows could only come from past validation."""
    from tests.builder.factories import OBJECTS, reminder_graph
    from builder.validate import problems

    for payload in REFUSED_AT_VALIDATION:
        assert any(p["severity"] == "error" for p in problems(reminder_graph(body=payload), objects=OBJECTS)), payload


def test_email_steps_with_hostile_templates_take_their_error_port_or_send_harmless_text(app, clock, api, canary,
                                                                                         smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    workflow = publish(trigger(), node("mail", "send_email", label="Mail", to="{{ record.fields.email }}",
                                       subject="Hi {{ record.fields.name }}", body=SAFE),
                       node("fallback", "update_record", add_tags=["mail failed"]),
                       edges=[edge("start", "mail"), edge("mail", "fallback", "error")], name="Hostile mail")
    graph = versions.latest_version(workflow).graph
    problems, failed, sent = [], 0, 0
    for index, payload in enumerate(PAYLOADS):
        deal, run, shown, step, took = run_hostile(workflow, graph, "mail", "body", payload, clock, api,
                                                   email=f"buyer{index}@example.com")
        check_common(problems, payload, run, shown, step, took, canary, deal, "mail")
        db.session.refresh(deal)
        if step.status == "failed":
            failed += 1
            # The error port was taken: the run went on to its fallback and completed.
            if run.status != "completed" or run.nodes.get("fallback", {}).get("status") != "done" \
                    or "mail failed" not in deal.tags:
                problems.append(f"{payload[:70]!r}: after the failed email the run is {run.status} {run.nodes}")
            if messages_of(run):
                problems.append(f"{payload[:70]!r}: a failed render still queued a message")
        else:
            sent += 1
            [message] = messages_of(run)
            body = message.body
            if message.status != "sent" or len(body) > MAX_OUTPUT or "__" in body or internals(body, payload):
                problems.append(f"{payload[:70]!r}: sent {message.status} {body[:120]!r}")
            if run.status != "completed" or "mail failed" in deal.tags:
                problems.append(f"{payload[:70]!r}: after the sent email the run is {run.status} {run.nodes}")
    assert problems == []
    assert failed >= len(REFUSED_AT_VALIDATION) and sent >= 2  # both outcomes were exercised
    assert len(smtp_server.wait_for(sent)) == sent

    # The same workflow, healed, runs normally: the engine kept nothing of the hostile runs.
    republish(workflow, graph)
    deal = create(fields={"name": "Grace", "email": "grace@example.com"})
    drain(clock)
    run = runs_of(workflow)[-1]
    assert (run.record_id, run.status, "fallback" in run.nodes) == (deal.id, "completed", False)
    received = smtp_server.wait_for(sent + 1)[-1]
    assert (received["To"], received["Subject"]) == ("grace@example.com", "Hi Grace")
    assert received.get_content().strip() == "Hello Grace"


def test_webhook_steps_with_hostile_templates_fail_the_run_with_the_message(app, clock, api, canary,
                                                                              http_endpoint):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    workflow = publish(trigger(), node("hook", "webhook", "action", label="Call", url=http_endpoint.url + "/hook",
                                       headers={"X-Note": "{{ record.fields.name }}"},
                                       body='{"name": {{ record.fields.name | tojson }}}'),
                       chain=True, name="Hostile hook")
    graph = versions.latest_version(workflow).graph
    problems, failed, called = [], 0, 0
    for payload in SAMPLE:
        deal, run, shown, step, took = run_hostile(workflow, graph, "hook", "body", payload, clock, api)
        check_common(problems, payload, run, shown, step, took, canary, deal, "hook")
        if step.status == "failed":
            failed += 1
            # No error port: the run fails, and says which step failed and why.
            if (run.status, run.reason, shown["reason"]) != ("failed", f"Call: {step.error}", run.reason):
                problems.append(f"{payload[:70]!r}: the run is {run.status} {run.reason!r}")
        else:
            called += 1
            request = http_endpoint.wait_for(called)[-1]
            sent = request.body.decode()
            if run.status != "completed" or len(sent) > MAX_OUTPUT or "__" in sent or internals(sent, payload):
                problems.append(f"{payload[:70]!r}: the run is {run.status}, the endpoint got {sent[:120]!r}")
    assert problems == []
    assert failed >= len(REFUSED_AT_VALIDATION[::5]) and called >= 2
    assert len(http_endpoint.requests) == called  # a failed render never reached the network

    republish(workflow, graph)
    create(fields={"name": "Grace"})
    drain(clock)
    assert runs_of(workflow)[-1].status == "completed"
    request = http_endpoint.wait_for(called + 1)[-1]
    assert (request.json, request.headers["X-Note"]) == ({"name": "Grace"}, "Grace")


def test_update_record_steps_with_hostile_templates_fail_and_leave_the_record_as_it_was(app, clock, api, canary):
    workflow = publish(trigger(), node("set", "update_record", label="Set",
                                       fields={"name": "{{ record.fields.name }}!"},
                                       add_tags=["{{ record.fields.name }}"]),
                       chain=True, name="Hostile update")
    graph = versions.latest_version(workflow).graph
    problems, failed, changed = [], 0, 0
    for payload in SAMPLE:
        deal, run, shown, step, took = run_hostile(workflow, graph, "set", "fields", {"name": payload}, clock, api)
        check_common(problems, payload, run, shown, step, took, canary, deal, "set")
        db.session.refresh(deal)
        if step.status == "failed":
            failed += 1
            # Nothing of the failed step was written; the canary's tag (its own run) is there.
            if run.status != "failed" or run.reason != f"Set: {step.error}" or deal.fields["name"] != "Ada" \
                    or sorted(deal.tags) != ["canary"]:
                problems.append(f"{payload[:70]!r}: the run is {run.status}, the record {deal.fields} {deal.tags}")
        else:
            changed += 1
            values = [deal.fields.get("name") or "", *deal.tags]
            if run.status != "completed" or any(len(v) > MAX_OUTPUT or "__" in v or internals(v, payload)
                                                for v in values):
                problems.append(f"{payload[:70]!r}: the run is {run.status}, the record holds {values}")
    assert problems == []
    assert failed >= len(REFUSED_AT_VALIDATION[::5]) and changed >= 2

    republish(workflow, graph)
    deal = create(fields={"name": "Grace"})
    drain(clock)
    db.session.refresh(deal)
    assert runs_of(workflow)[-1].status == "completed"
    assert (deal.fields["name"], sorted(deal.tags)) == ("Grace!", ["Grace", "canary"])


@pytest.mark.parametrize("payload, outcome", [
    ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
     "The template took too long to render."),
    ("{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}",
     "The template output is longer than 100000 characters."),
    ("{{ 9**9**9 }}", None),  # Jinja reads it as (9**9)**9: 78 digits
    ("{{ 9**(9**9) }}", "The template is not allowed to do this: the number would be too large"),
], ids=["silent nested loop", "printing nested loop", "9**9**9", "9**(9**9)"])
def test_a_huge_loop_or_number_ends_fast_and_the_next_run_is_not_held_up(app, clock, api, canary, payload, outcome):
    workflow = publish(trigger(), node("mail", "send_email", label="Mail", to="a@example.com", subject="s",
                                       body=SAFE), chain=True, name="Slow mail")
    healthy = versions.latest_version(workflow).graph
    poison(workflow, "mail", body=payload)
    create(fields={"name": "Ada"})
    started = time.thread_time()
    drain(clock)
    assert time.thread_time() - started < SECONDS_PER_RUN
    hostile = only_run(workflow)
    shown = api.get(f"/api/runs/{hostile.id}", as_="viewer").get_json()
    if outcome is None:
        [message] = messages_of(hostile)
        assert hostile.status == "completed" and message.body.isdigit() and len(message.body) <= MAX_OUTPUT
    else:
        assert (shown["status"], shown["reason"]) == ("failed", f"Mail: {outcome}")
        assert shown["nodes"]["mail"] == {**shown["nodes"]["mail"], "status": "failed", "error": outcome}
        assert [s["error"] for s in shown["steps"] if s["node_id"] == "mail"] == [outcome]

    # The next record is handled at once, by the canary and by a healed version of the same workflow.
    republish(workflow, healthy)
    deal = create(fields={"name": "Grace"})
    started = time.thread_time()
    drain(clock)
    assert time.thread_time() - started < 2.0  # less than one render deadline: nothing hostile is run again
    run = runs_of(workflow)[-1]
    assert (run.record_id, run.status) == (deal.id, "completed")
    assert messages_of(run)[0].body == "Hello Grace"
    assert [r.status for r in runs_of(canary)] == ["completed", "completed"]
