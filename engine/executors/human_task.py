"""human_task: create a task record for a person and wait for their outcome (or the deadline)."""
from builder.catalog import get_type
from builder.durations import parse_duration
from store.db import db
from crm import records
from engine import outbox
from engine.actions.notify import recipients
from engine.actions.tasks import record_about
from crm.models import Notification
from engine.models import HumanTask
from engine.node_executors import executes
from engine.outcomes import Fail, Wait


def _assignee(config: dict, ctx) -> tuple[str | None, str | None]:
    """(username, role) the task goes to; a role task is visible to everyone with the role until claimed."""
    who = config.get("assignee") or {"owner": True}
    if who.get("user"):
        return ctx.render(who["user"]).strip() or None, None
    if who.get("role"):
        return None, who["role"]
    owner = (ctx.view or {}).get("owner")
    return (owner["username"] if owner else None), None


@executes("human_task", "human_task")
def execute(node, ctx):
    config = node["config"]
    title = ctx.render(config.get("title")).strip() or node["label"]
    description = ctx.render(config.get("description"))
    user, role = _assignee(config, ctx)
    if user is None and role is None:
        return Fail("no one to assign the task to: the record has no owner")
    outcomes = get_type(node["type"], node["kind"]).ports.named(config)
    due_at = parse_duration(config["due"]).add_to(ctx.now()) if config.get("due") else None
    shown = {"title": title, "assignee": user or f"role {role}", "outcomes": outcomes}
    if ctx.dry:
        return Wait(until=due_at, task_id=0, reason=f"would ask {shown['assignee']}: {title}", input=shown)
    record = records.create("task", {"fields": {"title": title, "details": description, "status": "To Do",
                                                "type": "Other", "priority": config.get("priority") or "normal",
                                                "due_at": due_at.isoformat() if due_at else None, "assignee": user},
                                     "owner": user, "related_id": record_about(ctx)}, ctx.cause)
    task = HumanTask(record_id=record.id, run_id=ctx.run_id, node_id=node["id"], title=title, assignee_user=user,
                     assignee_role=role, priority=config.get("priority") or "normal", outcomes=outcomes,
                     due_at=due_at, created_at=ctx.now())
    db.session.add(task)
    db.session.flush()
    _tell_assignees(config, ctx, task)
    # Without a wired 'timeout' port the task simply stays open (and shows overdue) past its due time.
    timeout_wired = bool(ctx.spec.graph.targets(node["id"], "timeout"))
    until = due_at if due_at and timeout_wired else None
    return Wait(until=until, task_id=task.id, input=shown,
                reason=f"waiting for {shown['assignee']} to decide: {title}")


def _tell_assignees(config: dict, ctx, task: HumanTask) -> None:
    who = config.get("assignee") or {"owner": True}
    users, _ = recipients({"user": task.assignee_user or "", "role": who.get("role") or ""}, ctx)
    text = f"New task: {task.title}"
    for user in users:
        db.session.add(Notification(user_id=user.id, message=text, link="/tasks", run_id=ctx.run_id,
                                    created_at=ctx.now()))
        if user.email and outbox.has_provider("email"):
            outbox.add_message(run_id=ctx.run_id, node_id=None, channel="email", to=user.email, now=ctx.now(),
                               subject=text, body=f"{text}\n\nOpen your Flowdesk inbox: /tasks")
