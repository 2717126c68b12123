"""What people do with human tasks: see their inbox, claim, and complete with an outcome."""
from sqlalchemy import or_, update

from store import audit
from store.db import db
from crm import records, related
from engine import task_records
from engine.clock import SYSTEM_CLOCK
from crm.models import Notification, Record, User
from engine.models import HumanTask, Run
from engine.models.tasks import PRIORITY_ORDER
from engine.task_rights import TaskRefused, may_act


def visible_to(user: User):
    """Tasks assigned to the user, or to their role and not claimed by someone else."""
    return or_(HumanTask.assignee_user == user.username,
               (HumanTask.assignee_role == user.role) & or_(HumanTask.claimed_by.is_(None),
                                                            HumanTask.claimed_by == user.username))


def inbox(user: User, status: str = "open", clock=SYSTEM_CLOCK) -> list[dict]:
    """Every task for the user: human tasks and task records assigned to them (engine.task_records), soonest
    due and most urgent first, each with the record it is about as `related`."""
    query = db.select(HumanTask).where(visible_to(user))
    if status in ("open", "done", "cancelled"):
        query = query.where(HumanTask.status == status)
    found = db.session.scalars(query).all()
    now = clock.now()
    # The description lives in the task record's `details`, where people can also edit it.
    details = dict(db.session.execute(db.select(Record.id, Record.fields).where(
        Record.id.in_({t.record_id for t in found if t.record_id}))).all()) if found else {}
    # A human task is about its run's record (the deal being approved), not its own task record.
    about = dict(db.session.execute(db.select(Run.id, Run.record_id).where(
        Run.id.in_({t.run_id for t in found}))).all()) if found else {}
    rows = [{**t.as_dict(now), "kind": "human_task", "details": (details.get(t.record_id) or {}).get("details"),
             "related_id": about.get(t.run_id)} for t in found]
    rows += [task_records.as_inbox_row(record, now) for record in task_records.assigned_to(user, status)]
    linked = related.describe(row["related_id"] for row in rows)
    for row in rows:
        row["related"] = linked.get(row.pop("related_id"))
    far = now.replace(year=9999)
    rows.sort(key=lambda r: (r["due_at"] or far, PRIORITY_ORDER.get(r["priority"], 9), r["kind"], r["id"]))
    return rows


def belongs_to_human_task(record_id: int | None) -> bool:
    """Is this task record the one a human task keeps for itself (its bookkeeping, not a task someone made)?"""
    return record_id is not None and db.session.execute(
        db.select(HumanTask.id).where(HumanTask.record_id == record_id).limit(1)).first() is not None


def _task(task_id: int) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise TaskRefused(f"No task with id {task_id}.", 404)
    return task


def claim(task_id: int, user: User) -> HumanTask:
    task = _task(task_id)
    if task.status != "open":
        raise TaskRefused(f"This task is already {task.status}.", 409)
    may_act(task, user)
    task.claimed_by = user.username
    return task


def reassign(task_id: int, username: str, by: User) -> HumanTask:
    """Hand an open task to another user (the assignee, the claimer or an admin may)."""
    task = _task(task_id)
    if task.status != "open":
        raise TaskRefused(f"This task is already {task.status}.", 409)
    may_act(task, by)
    target = db.session.scalars(db.select(User).filter_by(username=username, active=True)).first()
    if target is None:
        raise TaskRefused(f"No active user named '{username}'.", 422, {"user": "no such user"})
    record = db.session.get(Record, task.record_id) if task.record_id else None
    if record is not None:  # while the task still names `by` as one who may decide it
        records.update(record, {"fields": {"assignee": target.username}, "owner": target.username},
                       records.Cause(actor=by.username, user=by))
    before = task.assignee_user or (f"role {task.assignee_role}" if task.assignee_role else None)
    task.assignee_user, task.assignee_role, task.claimed_by = target.username, None, None
    audit.record("task.reassigned", "task", task.id, f"task '{task.title}' passed from {before} to {target.username}",
                 task.title, before={"assignee": before}, after={"assignee": target.username})
    db.session.add(Notification(user_id=target.id, message=f"{by.username} passed you a task: {task.title}",
                                link="/tasks", run_id=task.run_id))
    return task


def complete(task_id: int, outcome: str | None, user: User, clock=SYSTEM_CLOCK) -> HumanTask:
    """Record the decision and make the waiting run go on along that outcome (in the caller's transaction)."""
    task = _task(task_id)
    if task.status != "open":
        raise TaskRefused(f"This task is already {task.status}"
                          f"{f' ({task.outcome} by {task.completed_by})' if task.outcome else ''}.", 409)
    may_act(task, user)
    outcome = outcome or task.outcomes[0]
    if outcome not in task.outcomes:
        raise TaskRefused(f"'{outcome}' is not an outcome of this task.", 422,
                          {"outcome": f"choose one of: {', '.join(task.outcomes)}"})
    _finish(task, outcome, user.username, clock)
    audit.record("task.completed", "task", task.id, f"task '{task.title}' completed: {outcome}", task.title,
                 before={"status": "open"}, after={"status": "done", "outcome": outcome})
    record = db.session.get(Record, task.record_id) if task.record_id else None
    if record is not None and (record.fields or {}).get("status") != "Done":
        records.update(record, {"fields": {"status": "Done"}}, records.Cause(actor=user.username, user=user))
    return task


def _finish(task: HumanTask, outcome: str, by: str, clock) -> None:
    task.status, task.outcome, task.completed_by, task.completed_at = "done", outcome, by, clock.now()
    # The engine takes the run up at once: its waiting token sees the decision and moves on.
    db.session.execute(update(Run).where(Run.id == task.run_id).values(ready=True)
                       .execution_options(synchronize_session=False))


def complete_from_record(event, clock=SYSTEM_CLOCK) -> None:
    """A task record set to Done (records API, record page) completes its task with the first outcome."""
    change = (event.changes or {}).get("status") or {}
    if event.object != "task" or change.get("new") != "Done" or event.record_id is None:
        return
    task = db.session.scalars(db.select(HumanTask).where(HumanTask.record_id == event.record_id,
                                                        HumanTask.status == "open")).first()
    if task is not None:
        _finish(task, task.outcomes[0], event.actor or "someone", clock)


def expire(task_id: int, clock=SYSTEM_CLOCK) -> None:
    """The run went on along `timeout`: the task leaves the inbox, marked as timed out (in the caller's
    transaction), so nobody decides what no longer counts."""
    db.session.execute(update(HumanTask).where(HumanTask.id == task_id, HumanTask.status == "open")
                       .values(status="cancelled", outcome="timeout", completed_by="the deadline",
                               completed_at=clock.now()).execution_options(synchronize_session=False))


def cancel_for_run(run_id: int, reason: str) -> None:
    db.session.execute(update(HumanTask).where(HumanTask.run_id == run_id, HumanTask.status == "open")
                       .values(status="cancelled", outcome=None).execution_options(synchronize_session=False))
