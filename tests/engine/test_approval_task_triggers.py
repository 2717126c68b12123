"""An approval's own task record does not set off "task created" rules unless a rule opts in."""
import pytest

from tests.engine.flows import clock, create, drain, edge, node, publish, refusals_of, runs_of, trigger  # noqa: F401


def three_approvals_for_ada():
    publish(trigger(), *[node(f"ask{i}", "human_task", title=f"Approval {i} for {{{{ record.fields.name }}}}",
                              assignee={"user": "ada"}) for i in range(3)],
            edges=[edge("start", f"ask{i}") for i in range(3)], name="Three approvals")


def email_the_assignee(**config):
    return publish(trigger(object_="task", **config),
                   node("mail", "send_email", to="{{ record.owner.email }}", subject="Task: {{ record.fields.title }}",
                        body="You have a task."), chain=True, name="Task created: email the assignee")


@pytest.fixture
def smtp(app, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


def subjects(smtp, count):
    return sorted(m["Subject"] for m in smtp.wait_for(count))


def test_three_approvals_send_three_emails_not_six(app, clock, smtp):
    three_approvals_for_ada()
    rule = email_the_assignee()
    create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    # Before: each approval's task record also started the rule, 3 notices + 3 rule emails = 6.
    expected = 3
    assert subjects(smtp, expected) == [f"New task: Approval {i} for Acme" for i in range(3)]
    drain(clock)
    assert len(smtp.messages) == expected
    assert runs_of(rule) == []
    reasons = {r.reason for r in refusals_of(rule)}
    assert [r.kind for r in refusals_of(rule)] == ["filtered"] * 3
    assert reasons == {"the task belongs to an approval (human task); this trigger does not include those"}


def test_a_rule_that_opts_in_still_hears_them(app, clock, smtp):
    three_approvals_for_ada()
    rule = email_the_assignee(include_workflow_tasks=True)
    create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    assert len(subjects(smtp, 6)) == 6
    assert len(runs_of(rule)) == 3


def test_a_task_made_by_a_create_task_step_still_starts_the_rule(app, clock, smtp):
    publish(trigger(), node("todo", "create_task", title="Call {{ record.fields.name }}", owner="ada"), chain=True)
    rule = email_the_assignee()
    create(fields={"name": "Acme"}, owner="eddie")
    drain(clock)
    assert subjects(smtp, 1) == ["Task: Call Acme"]
    assert len(runs_of(rule)) == 1


def test_a_filtered_out_enrollment_is_recorded_with_the_rule_that_failed(app, clock):
    rule = publish(trigger(filter={"match": "all", "rules": [{"field": "stage", "op": "eq", "value": "qualified"}]}),
                   node("tag", "update_record", add_tags=["seen"]), chain=True)
    deal = create(fields={"name": "Acme"}, stage="new")
    drain(clock)
    assert runs_of(rule) == []
    [refusal] = refusals_of(rule)
    assert (refusal.kind, refusal.record_id) == ("filtered", deal.id)
    assert refusal.reason == "filter not met: stage is 'new', not 'qualified'"
