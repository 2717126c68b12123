"""Human tasks: the signed-in user's inbox, claiming and completing with an outcome."""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, validate

from store.db import db
from crm import related
from engine import task_records, tasks
from engine.context import current_clock
from crm.people import find_user
from web.api.blueprint import Blueprint
from web.api.schemas import RelatedOut
from web.auth import cause, requires

blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="Human tasks (approvals, calls, reviews)")


class TaskQuery(ma.Schema):
    assignee = fields.String(load_default="me", metadata={"description": "me, or a username (admins)"})
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "done", "cancelled", "all")))


class TaskOut(ma.Schema):
    kind = fields.String(metadata={"description": "human_task (a run waits for its outcome; complete with "
                                                  "POST /api/tasks/<id>/complete) or task_record (made by a "
                                                  "Create task step or by hand; id is the task record's id, done "
                                                  "with POST /api/tasks/records/<id>/complete)"})
    id = fields.Integer()
    record_id = fields.Integer(allow_none=True, metadata={"description": "the task record"})
    related = fields.Nested(RelatedOut, allow_none=True,
                            metadata={"description": "the record the task is about (the deal being approved)"})
    run_id = fields.Integer(allow_none=True)
    node_id = fields.String(allow_none=True)
    title = fields.String()
    details = fields.String(allow_none=True, metadata={"description": "the description, from the task record"})
    assignee = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    priority = fields.String()
    outcomes = fields.List(fields.String())
    status = fields.String(metadata={"description": "open, done or cancelled"})
    task_status = fields.String(allow_none=True, metadata={"description": "task records: the record's status field"})
    outcome = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)


class CompleteIn(ma.Schema):
    outcome = fields.String(metadata={"description": "one of the task's outcomes; default the first"})


def refused(error: tasks.TaskRefused):
    db.session.rollback()
    abort(error.status, message=error.message, details=error.details)


@blp.route("")
class Inbox(MethodView):
    @requires("viewer")
    @blp.arguments(TaskQuery, location="query")
    @blp.response(200, TaskOut(many=True))
    def get(self, args):
        user = current_user
        if args["assignee"] != "me" and args["assignee"] != current_user.username:
            if not current_user.has_role("admin"):
                abort(403, message="Only admins can read another user's tasks.")
            user = find_user(args["assignee"]) or abort(422, message=f"No user named '{args['assignee']}'.",
                                                        details={"assignee": "no such user"})
        return tasks.inbox(user, args["status"], current_clock())


@blp.route("/<int:task_id>/complete")
class Complete(MethodView):
    @requires("editor")
    @blp.arguments(CompleteIn)
    @blp.response(200, TaskOut)
    @blp.alt_response(409, description="The task is already completed or cancelled")
    def post(self, data, task_id):
        try:
            task = tasks.complete(task_id, data.get("outcome"), current_user, current_clock())
        except tasks.TaskRefused as error:
            refused(error)
        db.session.commit()
        return task.as_dict(current_clock().now())


@blp.route("/records/<int:record_id>/complete")
class CompleteRecord(MethodView):
    @requires("editor")
    @blp.response(200, TaskOut)
    @blp.alt_response(409, description="The task record is already Done")
    def post(self, record_id):
        """Mark a created task (a task record) Done: the same change as PATCH /api/records/task/<id>."""
        try:
            record, changed = task_records.mark_done(record_id, cause())
        except task_records.NotATask:
            abort(404, message=f"No task record with id {record_id}.")
        if not changed:
            db.session.rollback()
            abort(409, message="This task is already Done.")
        db.session.commit()
        row = task_records.as_inbox_row(record, current_clock().now())
        row["related"] = related.describe([row.pop("related_id")]).get(record.related_id)
        return row


class ReassignIn(ma.Schema):
    user = fields.String(required=True, metadata={"description": "the username who takes the task over"})


@blp.route("/<int:task_id>/reassign")
class Reassign(MethodView):
    @requires("editor")
    @blp.arguments(ReassignIn)
    @blp.response(200, TaskOut)
    @blp.alt_response(409, description="The task is no longer open")
    def post(self, data, task_id):
        try:
            task = tasks.reassign(task_id, data["user"], current_user)
        except tasks.TaskRefused as error:
            refused(error)
        db.session.commit()
        return task.as_dict(current_clock().now())


@blp.route("/<int:task_id>/claim")
class Claim(MethodView):
    @requires("editor")
    @blp.response(200, TaskOut)
    @blp.alt_response(409, description="The task is no longer open")
    def post(self, task_id):
        try:
            task = tasks.claim(task_id, current_user)
        except tasks.TaskRefused as error:
            refused(error)
        db.session.commit()
        return task.as_dict(current_clock().now())
