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


def check_record_change(record_id: int, object_name: str, changed: set, user: User | None) -> None:
    """Refuse a change to a task record's bound fields while its human task is open, unless `user` may
    decide the task. Changes made by a workflow run are the run's own (the caller skips them)."""
    if object_name != "task":
        return
    bound = sorted(changed.intersection(BOUND_FIELDS))
    if not bound:
        return
    task = db.session.scalars(db.select(HumanTask).where(HumanTask.record_id == record_id,
                                                        HumanTask.status == "open")).first()
    if task is None:
        return
    try:
        may_act(task, user)
    except TaskRefused as refused:
        refused.details = {f"fields.{name}": "only whoever may complete the task changes this" for name in bound}
        raise


records.CHANGE_GUARDS.append(check_record_change)
