"""/tasks: the signed-in user's inbox: human tasks with one button per outcome, created tasks with Done."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.db import db
from crm import records
from engine import task_records, tasks
from engine.context import current_clock
from crm.models import User
from engine.task_rights import TaskRefused
from web.auth import cause, requires
from web.pages import bp


@bp.route("/tasks")
@requires("viewer")
def tasks_inbox():
    status = request.args.get("status", "open")
    users = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.username)).all()
    return render_template("tasks.html", tasks=tasks.inbox(current_user, status, current_clock()), status=status,
                           users=users)


@bp.route("/tasks/<int:task_id>/<action>", methods=["POST"])
@requires("editor")
def task_action(task_id, action):
    if action not in ("claim", "complete", "reassign"):
        abort(404)
    try:
        if action == "claim":
            tasks.claim(task_id, current_user)
            message = "Claimed: the task is yours now."
        elif action == "reassign":
            task = tasks.reassign(task_id, request.form.get("user", ""), current_user)
            message = f"Passed to {task.assignee_user}."
        else:
            outcome = request.form.get("outcome")
            task = tasks.complete(task_id, outcome, current_user, current_clock())
            message = f"Done: '{task.title}' — {task.outcome}."
        db.session.commit()
        flash(message, "info")
    except tasks.TaskRefused as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("pages.tasks_inbox"))


@bp.route("/tasks/records/<int:record_id>/done", methods=["POST"])
@requires("editor")
def task_record_done(record_id):
    """The Done button of a created task: the same record write (and role) as the record page's Save."""
    try:
        record, changed = task_records.mark_done(record_id, cause())
    except task_records.NotATask:
        abort(404)
    except (records.RecordInvalid, TaskRefused) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("pages.tasks_inbox"))
    db.session.commit()
    flash(f"Done: '{record.fields.get('title')}'." if changed else "This task was already Done.", "info")
    return redirect(url_for("pages.tasks_inbox"))
