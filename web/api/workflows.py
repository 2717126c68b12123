"""Workflows: drafts with revisions, validation, publishing, versions, layout, import/export."""
import marshmallow as ma
from flask import request
from flask_smorest import abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields, validate

from builder.alert_settings import MODES
from builder.credentials import mask_graph
from builder.validate import problems as find_problems
from engine import workflow_list, workflows
from engine.context import current_clock
from store.db import MAX_ID
from store.models import Workflow
from crm.models import ROLES
from store import error_workflows
from web.api.blueprint import Blueprint
from web.api.schemas import Id
from web.auth import requires

blp = Blueprint("workflows", __name__, url_prefix="/api/workflows", description="Workflow definitions")
EXPORT_FORMAT = "flowdesk-workflow/1"


class OnFailure(ma.Schema):
    owner = fields.Boolean(load_default=True, metadata={"description": "tell the workflow's owner"})
    users = fields.List(fields.String(validate=validate.Length(min=1, max=80)), load_default=list,
                        validate=validate.Length(max=50), metadata={"description": "usernames to tell"})
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list,
                        metadata={"description": "tell every active user of these roles"})
    in_app = fields.Boolean(load_default=True, metadata={"description": "an in-app notification"})
    email = fields.Boolean(load_default=True, metadata={"description": "an email, when an SMTP server is set"})
    mode = fields.String(load_default="each", validate=validate.OneOf(MODES),
                         metadata={"description": "each: one message per failure; digest: one a day, at "
                                                  "ALERT_DIGEST_AT"})
    error_workflow = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                                    metadata={"description": "a workflow with a manual trigger, started with "
                                                             "{workflow, run_id, failed_node, error} as its payload"})


class Settings(ma.Schema):
    reenroll = fields.Boolean(load_default=False)
    exit_when = fields.Dict(allow_none=True, load_default=None,
                            metadata={"description": "a condition group; runs end when it becomes true"})
    business_hours = fields.Dict(allow_none=True, metadata={"description": (
        '{"days": {"mon": [["09:00", "17:00"]], ...}, "holidays": ["2026-12-25"]} in the workflow\'s time zone; '
        "steps may wait for them (docs/NODES.md)")})
    on_failure = fields.Nested(OnFailure, allow_none=True, metadata={"description": "who is told when a run fails"})


class WorkflowUpdate(ma.Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    folder = Id(allow_none=True, metadata={"description": "the folder it is in (GET /api/folders), or null for the "
                                                          "root; moving alone leaves the draft revision as it is"})
    description = fields.String(validate=validate.Length(max=5000))
    timezone = fields.String(validate=validate.Length(min=1, max=64))
    settings = fields.Nested(Settings)
    graph = fields.Dict(metadata={"description": "{nodes, edges, notes}; see the contract"})
    revision = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                              metadata={"description": "the revision this edit is based on (or send If-Match)"})


class WorkflowCreate(WorkflowUpdate):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    template = fields.String(metadata={"description": "start from this template id instead of a graph"})


class ListArgs(ma.Schema):
    folder = fields.String(validate=validate.Regexp(r"^(root|[1-9][0-9]{0,9})$", error="a folder id or 'root'"),
                           metadata={"description": "only the workflows in this folder, or `root` for those in none"})
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "words to find in the name, description, trigger type or any node's text (all must match)"})
    error_workflows = fields.Boolean(load_default=False, metadata={
        "description": "only the workflows that can be an error workflow (they start with a manual trigger)"})


class LastRun(ma.Schema):
    id = fields.Integer()
    status = fields.String()
    started_at = fields.DateTime()


class WorkflowOut(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    status = fields.String()
    timezone = fields.String()
    settings = fields.Dict()
    graph = fields.Dict()
    version = fields.Integer(allow_none=True)
    revision = fields.Integer()
    template_id = fields.String(allow_none=True)
    folder = fields.Integer(allow_none=True, metadata={"description": "the folder it is in, or null (the root)"})
    last_run = fields.Nested(LastRun, allow_none=True, metadata={"description": "listing only: its newest run"})
    failures_7d = fields.Integer(metadata={"description": "listing only: its runs that failed in the last 7 days"})
    webhook_path = fields.String(metadata={"description": "POST here to start a run from a webhook trigger "
                                                          "(editors only: it holds the secret)"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DeleteArgs(ma.Schema):
    cancel_runs = fields.Boolean(load_default=False, metadata={
        "description": "cancel the workflow's running and waiting runs first; without it a workflow with live runs "
                       "is not deleted (409)"})


class ValidateIn(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # the whole workflow document may be posted; only these parts are checked

    graph = fields.Dict(metadata={"description": "check this graph instead of the saved draft (nothing is saved)"})
    timezone = fields.String(validate=validate.Length(min=1, max=64))
    settings = fields.Dict()


class Problems(ma.Schema):
    problems = fields.List(fields.Dict())


class PublishOut(WorkflowOut):
    problems = fields.List(fields.Dict(), metadata={"description": "warnings that did not stop publishing"})
    live_runs_on_older_versions = fields.Integer(
        metadata={"description": "runs still going on earlier versions; they finish on the version they started"})


class LayoutIn(ma.Schema):
    graph = fields.Dict(metadata={"description": "lay out this graph instead of the saved draft"})
    save = fields.Boolean(load_default=False)
    revision = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                              metadata={"description": "with `save`: the revision this layout is based on "
                                                       "(or send If-Match)"})


class LayoutOut(ma.Schema):
    graph = fields.Dict()
    complete = fields.Boolean(metadata={"description": "false when the time limit cut the arrangement short: "
                                                      "the graph holds the best layout so far, or a grid"})


class ExportDoc(ma.Schema):
    format = fields.String(required=True, validate=validate.Equal(EXPORT_FORMAT))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    timezone = fields.String(load_default="UTC")
    settings = fields.Nested(Settings, load_default=dict)
    graph = fields.Dict(required=True)


def get_workflow(workflow_id: int) -> Workflow:
    return workflows.get(workflow_id)


def dump(workflow: Workflow) -> dict:
    data = {c: getattr(workflow, c) for c in ("id", "name", "description", "status", "timezone", "settings",
                                               "graph", "version", "revision", "template_id", "created_at",
                                               "updated_at")}
    data["folder"] = workflow.folder_id
    data["graph"] = mask_graph(workflow.graph)
    # The path carries the secret that starts runs, and starting runs takes an editor.
    if current_user.has_role("editor"):
        data["webhook_path"] = f"/hooks/{workflow.id}/{workflow.webhook_secret}"
    return data


def with_etag(workflow: Workflow, status: int = 200):
    return dump(workflow), status, {"ETag": f'"{workflow.revision}"'}


def expected_revision(data: dict) -> int | None:
    header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if header and header != "*":
        if not header.isdigit() or len(header) > len(str(MAX_ID)) or int(header) > MAX_ID:
            abort(400, message="If-Match must name a revision, e.g. If-Match: \"3\".",
                  details={"If-Match": "not a revision"})
        return int(header)
    return data.get("revision")


@blp.route("")
class Workflows(MethodView):
    @requires("viewer")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, WorkflowOut(many=True))
    def get(self, args):
        """Every workflow (or those of one folder, or matching `q`, or that can be an error workflow), with its last
        run and failures in 7 days."""
        folder = args.get("folder")
        rows = workflow_list.rows(current_clock(), folder=int(folder) if folder and folder.isdigit() else folder,
                                  query=args.get("q", ""))
        if args["error_workflows"]:
            rows = [row for row in rows if error_workflows.starts_by_hand(row["workflow"])]
        return [{**dump(row["workflow"]), "last_run": row["last_run"], "failures_7d": row["failures_7d"]}
                for row in sorted(rows, key=lambda row: row["workflow"].id)]

    @requires("editor")
    @blp.arguments(WorkflowCreate)
    @blp.response(201, WorkflowOut)
    def post(self, data):
        """Create a draft from a graph, or from a template (`{"name", "template"}`)."""
        template = data.get("template") or None
        # The same template used twice gives "Name", "Name (2)"; a name sent with a graph is kept as it is.
        workflow = workflows.create(current_user, data["name"], data, template=template,
                                    unique_name=template is not None)
        return with_etag(workflow, 201)


@blp.route("/<int:workflow_id>")
class WorkflowOne(MethodView):
    @requires("viewer")
    @blp.response(200, WorkflowOut)
    def get(self, workflow_id):
        return with_etag(get_workflow(workflow_id))

    @requires("editor")
    @blp.arguments(WorkflowUpdate)
    @blp.response(200, WorkflowOut)
    @blp.alt_response(409, description="Someone saved a newer revision first")
    def put(self, data, workflow_id):
        """Replace the draft. A stale `If-Match` revision is refused with 409, so no edit is silently lost."""
        return with_etag(workflows.save_draft(workflow_id, data, expected_revision(data)))

    @requires("editor")
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    @blp.alt_response(409, description="Runs are still going and `cancel_runs` was not given")
    def delete(self, args, workflow_id):
        """Delete the workflow, its versions and runs. Refused while runs are live unless `cancel_runs=1`."""
        workflows.delete(workflow_id, cancel_runs=args["cancel_runs"], by=current_user.username,
                         clock=current_clock())


@blp.route("/<int:workflow_id>/validate")
class Validate(MethodView):
    @requires("viewer")
    @blp.arguments(ValidateIn(partial=True))
    @blp.response(200, Problems)
    def post(self, data, workflow_id):
        """The draft's problems: errors stop publishing, warnings do not. A posted `graph` (and `timezone`,
        `settings`) is checked in place of the saved ones without being saved, so an editor can show the
        problems of what is on screen."""
        workflow = get_workflow(workflow_id)
        return {"problems": find_problems(data.get("graph", workflow.graph), objects=workflows.objects(),
                                          timezone=data.get("timezone", workflow.timezone),
                                          settings=data.get("settings", workflow.settings))}


@blp.route("/<int:workflow_id>/publish")
class Publish(MethodView):
    @requires("editor")
    @blp.response(200, PublishOut)
    def post(self, workflow_id):
        workflow, problems, older = workflows.publish(workflow_id, current_user.username)
        return {**dump(workflow), "problems": problems, "live_runs_on_older_versions": older}


def _status_view(status: str):
    @requires("editor")
    @blp.response(200, WorkflowOut)
    def post(self, workflow_id):
        return with_etag(workflows.set_status(workflow_id, status))

    if status == "active":
        post = blp.alt_response(409, description="There is no published version to activate")(post)
    return post


@blp.route("/<int:workflow_id>/pause")
class Pause(MethodView):
    """Stop enrolling new runs; runs in flight go on."""

    post = _status_view("paused")


@blp.route("/<int:workflow_id>/activate")
class Activate(MethodView):
    """Enroll new runs again, on the latest published version."""

    post = _status_view("active")
