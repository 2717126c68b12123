"""Who may decide a human task: the one rule every door asks (tasks API, records API, record page, events).

Lives apart from engine/tasks.py so the record writes can ask it (it joins crm.records.CHANGE_GUARDS when the
engine is imported) without importing the task actions.
"""
from crm import records
from crm.models import User
from store.db import db
from engine.models import HumanTask

# The fields of a task record that speak for the decision: setting `status` to Done completes the task
# (engine.tasks.complete_from_record) and `assignee` says whose decision it is.
BOUND_FIELDS = ("status", "assignee")


class TaskRefused(Exception):
    """A refused action on a task; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int, details: dict | None = None):
        super().__init__(message)
        self.message, self.status, self.details = message, status, details or {}


def may_act(task: HumanTask, user: User | None) -> None:
    """The assignee, a member of the task's role (unless someone else claimed it) or an admin; else 403."""
    if user is not None:
        if user.role == "admin" or task.assignee_user == user.username:
            return
        if task.assignee_role and user.has_role(task.assignee_role) and task.claimed_by in (None, user.username):
            return
    owner = task.assignee_user or task.claimed_by or f"the role '{task.assignee_role}'"
    raise TaskRefused(f"This task is assigned to {owner}, not to you.", 403)


def check_record_change(record_id: int, object_name: str, changed: set, cause: records.Cause) -> None:
    """Refuse a change to a task record's bound fields while its human task is open, unless the person behind
    `cause` may decide the task. A workflow run never may: the decision is a person's."""
    if object_name != "task":
        return
    bound = sorted(changed.intersection(BOUND_FIELDS))
    if not bound:
        return
    task = _open_task_of(record_id)
    if task is None:
        return
    details = {f"fields.{name}": "only whoever may complete the task changes this" for name in bound}
    if cause.run_id is not None:
        raise TaskRefused(f"A workflow cannot change the {' or '.join(bound)} of task '{task.title}': a person "
                          "decides it.", 403, details)
    try:
        may_act(task, cause.user)
    except TaskRefused as refused:
        refused.details = details
        raise


def check_record_delete(record, cause: records.Cause) -> None:
    """A task record an open human task waits on is not deleted: its run would wait for a decision nobody could
    find. Deciding the task, or cancelling its run, frees the record."""
    if record.object != "task":
        return
    task = _open_task_of(record.id)
    if task is not None:
        raise TaskRefused(f"This task record belongs to the open task '{task.title}' of run {task.run_id}, which "
                          "waits for its decision: complete the task or cancel the run first.", 409,
                          {"record": f"human task {task.id} is open"})


def _open_task_of(record_id: int) -> HumanTask | None:
    return db.session.scalars(db.select(HumanTask).where(HumanTask.record_id == record_id,
                                                        HumanTask.status == "open")).first()


records.CHANGE_GUARDS.append(check_record_change)
records.DELETE_GUARDS.append(check_record_delete)
