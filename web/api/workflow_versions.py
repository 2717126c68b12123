"""Workflow versions, auto-arrange, duplicates and the portable export format (routes on the workflows blueprint)."""
import marshmallow as ma
from flask import current_app
from flask_smorest import abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields, validate

from builder.credentials import keep_masked, mask_graph, restore_masked
from builder.layout import arrange_within
from engine import workflows
from store.names import MAX_NAME
from web.api.workflows import (EXPORT_FORMAT, ExportDoc, LayoutIn, LayoutOut, WorkflowOut, blp, expected_revision,
                               get_workflow, with_etag)
from web.auth import requires
from web.call_limit import limiter, refuse


class VersionOut(ma.Schema):
    number = fields.Integer()
    name = fields.String()
    timezone = fields.String()
    published_at = fields.DateTime()
    published_by = fields.String(allow_none=True)
    settings = fields.Dict()
    graph = fields.Dict()


class DuplicateIn(ma.Schema):
    name = fields.String(validate=validate.Length(min=1, max=MAX_NAME),
                         metadata={"description": "the copy's name; default 'Copy of <name>', numbered if taken"})


def dump_version(version) -> dict:
    data = {name: getattr(version, name) for name in ("number", "name", "timezone", "published_at", "published_by",
                                                       "settings")}
    return {**data, "graph": mask_graph(version.graph)}


@blp.route("/<int:workflow_id>/versions")
class Versions(MethodView):
    @requires("viewer")
    @blp.response(200, VersionOut(many=True))
    def get(self, workflow_id):
        return [dump_version(v) for v in reversed(get_workflow(workflow_id).versions)]


@blp.route("/<int:workflow_id>/versions/<int:number>")
class VersionOne(MethodView):
    @requires("viewer")
    @blp.response(200, VersionOut)
    def get(self, workflow_id, number):
        return dump_version(workflows.get_version(get_workflow(workflow_id), number))


@blp.route("/<int:workflow_id>/versions/<int:number>/restore")
class Restore(MethodView):
    @requires("editor")
    @blp.response(200, WorkflowOut)
    def post(self, workflow_id, number):
        """Copy a published version into the draft (the version itself never changes)."""
        return with_etag(workflows.restore(workflow_id, number))


@blp.route("/<int:workflow_id>/layout")
class Layout(MethodView):
    @requires("viewer")
    @blp.arguments(LayoutIn)
    @blp.response(200, LayoutOut)
    @blp.alt_response(429, description="Too many auto-arrange calls by this user (see Retry-After)")
    @blp.alt_response(409, description="With `save`: someone saved a newer revision first")
    def post(self, data, workflow_id):
        """Auto-arrange: the graph with new positions; `{"save": true}` also stores it in the draft, as PUT does:
        a stale `If-Match` (or `revision`) is refused with 409.

        Each call gets LAYOUT_SECONDS of CPU time (default 2); past it, `complete` is false and the graph holds the
        best layout so far (or a grid). Each user may have LAYOUT_CONCURRENT_CALLS calls running (default 1) and
        start LAYOUT_CALLS_PER_MINUTE a minute (default 20); more are refused with 429 and Retry-After."""
        if data["save"] and not current_user.has_role("editor"):
            abort(403, description="Saving a layout needs the 'editor' role.")
        config = current_app.config
        calls = limiter("layout", config.get("LAYOUT_CONCURRENT_CALLS", 1), config.get("LAYOUT_CALLS_PER_MINUTE", 20))
        wait = calls.acquire(current_user.id)
        if wait:
            refuse(wait, "auto-arrange")
        try:
            workflow = get_workflow(workflow_id)
            restore = restore_masked if data["save"] else keep_masked  # a preview may hold a pasted step's mask
            graph = restore(data["graph"], workflow.graph) if "graph" in data else workflow.graph
            graph, complete = arrange_within(graph, config.get("LAYOUT_SECONDS", 2.0))
        finally:
            calls.release(current_user.id)
        answer = {"graph": mask_graph(graph), "complete": complete}
        if not data["save"]:
            return answer
        workflow = workflows.save_draft(workflow.id, {"graph": graph}, expected_revision(data))
        return answer, 200, {"ETag": f'"{workflow.revision}"'}


@blp.route("/<int:workflow_id>/export")
class Export(MethodView):
    @requires("viewer")
    @blp.response(200, ExportDoc)
    def get(self, workflow_id):
        workflow = get_workflow(workflow_id)
        return {"format": EXPORT_FORMAT, "name": workflow.name, "description": workflow.description,
                "timezone": workflow.timezone, "settings": workflow.settings, "graph": mask_graph(workflow.graph)}


@blp.route("/import")
class Import(MethodView):
    @requires("editor")
    @blp.arguments(ExportDoc)
    @blp.response(201, WorkflowOut)
    def post(self, doc):
        """Create a draft from an exported document."""
        return with_etag(workflows.create(current_user, doc["name"], doc), 201)


@blp.route("/<int:workflow_id>/duplicate")
class Duplicate(MethodView):
    @requires("editor")
    @blp.arguments(DuplicateIn)
    @blp.response(201, WorkflowOut)
    def post(self, data, workflow_id):
        """A new draft with the same graph, description, time zone and settings (not its versions or runs)."""
        return with_etag(workflows.duplicate(current_user, workflow_id, data.get("name")), 201)
