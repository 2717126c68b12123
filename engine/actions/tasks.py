"""create_task: a `task` record, owned by the record's owner or a named user, due after a duration."""
from datetime import timezone

from builder.durations import parse_duration
from crm import records
from engine.node_executors import executes
from engine.outcomes import Advance, Fail


@executes("action", "create_task")
def execute(node, ctx):
    config = node["config"]
    title = ctx.render(config.get("title")).strip()
    if not title:
        return Fail("the task title is empty for this record")
    owner, note = _owner(ctx.render(config.get("owner")).strip() or "record_owner", ctx)
    due = (config.get("due") or "").strip()
    try:
        due_at = parse_duration(due).add_to(ctx.now().astimezone(ctx.zone)).astimezone(timezone.utc) if due else None
    except ValueError as exc:
        return Fail(f"the due duration '{due}' is not valid: {exc}")
    fields = {"title": title, "status": "To Do", "type": config.get("type") or "Other",
              "priority": config.get("priority") or "normal", "category": ctx.render(config.get("category")),
              "details": ctx.render(config.get("details")), "due_at": due_at.isoformat() if due_at else None,
              "assignee": owner}
    fields = {name: value for name, value in fields.items() if value not in (None, "")}
    if ctx.dry:
        return Advance(reason=f"would create the task '{title}' for {owner or 'nobody'}", input=fields)
    try:
        task = records.create("task", {"fields": fields, "owner": owner, "related_id": record_about(ctx)}, ctx.cause)
    except records.UnknownObject:
        return Fail("there is no 'task' object type to create tasks in", input=fields)
    except records.RecordInvalid as exc:
        return Fail("the task cannot be created: " + "; ".join(f"{k}: {v}" for k, v in exc.details.items()),
                    input=fields)
    return Advance(reason=note, input=fields, output={"task_id": task.id})


def record_about(ctx) -> int | None:
    """The run's record, which the task is about (None for a record-less run or a deleted record)."""
    return ctx.record.id if ctx.record is not None else None


def _owner(name: str, ctx) -> tuple:
    """The username the task is for, and a note when it ends up unassigned."""
    if name != "record_owner":
        return name, None
    owner = (ctx.view or {}).get("owner")
    if owner:
        return owner["username"], None
    return None, "the record has no owner, so the task is unassigned"
