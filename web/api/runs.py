"""Runs: list and read them with each node's status, cancel, retry, start by hand, and dry runs."""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, validate

from store.db import db
from builder.errors import InvalidWorkflow
from engine import dryrun, lifecycle, run_queries
from engine.context import current_clock
from crm.models import Record
from engine.models import Run
from web.api.blueprint import Blueprint
from web.api.schemas import Id, PageArgs, page_of, paginate
from web.api.workflows import get_workflow
from web.auth import requires

blp = Blueprint("runs", __name__, url_prefix="/api", description="Workflow runs")


class RunQuery(PageArgs):
    workflow_id = Id()
    record_id = Id()
    status = fields.String(validate=validate.OneOf(run_queries.STATUSES))


class StepOut(ma.Schema):
    id = fields.Integer()
    node_id = fields.String()
    status = fields.String()
    reason = fields.String(allow_none=True)
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    input = fields.Raw(allow_none=True)
    output = fields.Raw(allow_none=True)
    error = fields.String(allow_none=True)
    attempt = fields.Integer()


class RunOut(ma.Schema):
    id = fields.Integer()
    workflow_id = fields.Integer()
    workflow_name = fields.String()
    version = fields.Integer()
    record_id = fields.Integer(allow_none=True)
    status = fields.String()
    reason = fields.String(allow_none=True)
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    wake_at = fields.DateTime(allow_none=True)
    trigger = fields.Dict()
    payload = fields.Raw(allow_none=True)
    nodes = fields.Dict(metadata={"description": "node id -> {status, reason, until, error, count}, every node"})
    steps = fields.List(fields.Nested(StepOut), metadata={"description": "only when reading one run"})


class StartIn(ma.Schema):
    record_id = Id(allow_none=True, load_default=None)
    payload = fields.Raw(allow_none=True, load_default=None, metadata={"description": "any JSON, as `payload`"})


class PathEntry(ma.Schema):
    node_id = fields.String()
    status = fields.String()
    reason = fields.String(allow_none=True)
    at = fields.DateTime(metadata={"description": "when the step would happen, waits before it fast-forwarded"})
    until = fields.DateTime(allow_none=True, metadata={"description": "for a wait: when it would go on"})


class TestOut(ma.Schema):
    path = fields.List(fields.Nested(PathEntry))


class RefusalQuery(PageArgs):
    workflow_id = Id()
    record_id = Id()


class RefusalOut(ma.Schema):
    id = fields.Integer()
    workflow_id = fields.Integer()
    event_id = fields.Integer(allow_none=True)
    record_id = fields.Integer(allow_none=True)
    kind = fields.String(metadata={"description": "refused (an enrollment rule said no) or filtered (the trigger's "
                                                  "filter left the record out)"})
    reason = fields.String()
    created_at = fields.DateTime()


RunPage = page_of(RunOut, "RunPage")
RefusalPage = page_of(RefusalOut, "RefusalPage")


def get_run(run_id: int) -> Run:
    run = db.session.get(Run, run_id)
    if run is None:
        abort(404, description=f"No run with id {run_id}.")
    return run


def one_run(run_id: int) -> dict:
    return run_queries.run_data(get_run(run_id), run_queries.steps_of(run_id))


def refused(error: lifecycle.RunRefused):
    db.session.commit()  # a refused enrollment is recorded, never dropped
    abort(error.status, message=error.message)


@blp.route("/runs")
class Runs(MethodView):
    @requires("viewer")
    @blp.arguments(RunQuery, location="query")
    @blp.response(200, RunPage)
    def get(self, args):
        """Runs, newest first."""
        which = run_queries.RunFilter(**{name: args.get(name) for name in ("workflow_id", "record_id", "status")})
        page = paginate(run_queries.runs(which), args)
        page["items"] = [run_queries.run_data(run) for run in page["items"]]
        return page


@blp.route("/runs/<int:run_id>")
class RunOne(MethodView):
    @requires("viewer")
    @blp.response(200, RunOut)
    def get(self, run_id):
        """One run with every node's status (`not_reached` included) and its steps."""
        return one_run(run_id)


@blp.route("/runs/<int:run_id>/cancel")
class Cancel(MethodView):
    @requires("editor")
    @blp.response(200, RunOut)
    @blp.alt_response(409, description="The run has already ended")
    def post(self, run_id):
        try:
            lifecycle.cancel_by_id(run_id, f"cancelled by {current_user.username}", current_clock())
        except lifecycle.RunRefused as error:
            refused(error)
        db.session.commit()
        return one_run(run_id)


@blp.route("/runs/<int:run_id>/retry")
class Retry(MethodView):
    @requires("editor")
    @blp.response(200, RunOut)
    @blp.alt_response(409, description="Only a failed run can be retried")
    def post(self, run_id):
        """Retry the failed step of a failed run (a new attempt)."""
        try:
            lifecycle.retry(run_id, current_clock())
        except lifecycle.RunRefused as error:
            refused(error)
        db.session.commit()
        return one_run(run_id)


@blp.route("/workflows/<int:workflow_id>/runs")
class ManualRun(MethodView):
    @requires("editor")
    @blp.arguments(StartIn)
    @blp.response(201, RunOut)
    @blp.alt_response(409, description="The workflow is not published, or paused, or the record already has a run")
    def post(self, data, workflow_id):
        """Start a run of the latest published version by hand: `{"record_id"}` or `{"payload"}`."""
        try:
            run = lifecycle.start_by_hand(get_workflow(workflow_id), record_id=data["record_id"],
                                          payload=data["payload"], clock=current_clock())
        except lifecycle.RunRefused as error:
            refused(error)
        db.session.commit()
        return one_run(run.id)


@blp.route("/workflows/<int:workflow_id>/test")
class DryRun(MethodView):
    @requires("viewer")
    @blp.arguments(StartIn)
    @blp.response(200, TestOut)
    def post(self, data, workflow_id):
        """Walk the draft for a record without side effects; returns the path a run would take."""
        workflow = get_workflow(workflow_id)
        record = None
        if data["record_id"] is not None:
            record = db.session.get(Record, data["record_id"])
            if record is None:
                abort(422, message=f"No record with id {data['record_id']}.",
                      details={"record_id": "no such record"})
        try:
            path = dryrun.walk(workflow, record, payload=data["payload"], clock=current_clock())
        except InvalidWorkflow as error:
            abort(422, message=f"The draft cannot be walked: {error.message}", details=error.details)
        finally:
            db.session.rollback()
        return {"path": path}


@blp.route("/enrollment-refusals")
class Refusals(MethodView):
    @requires("viewer")
    @blp.arguments(RefusalQuery, location="query")
    @blp.response(200, RefusalPage)
    def get(self, args):
        """Enrollments that did not start a run, and why; newest first."""
        page = paginate(run_queries.refusals(args.get("workflow_id"), args.get("record_id")), args)
        page["items"] = [refusal.as_dict() for refusal in page["items"]]
        return page
