"""Workflow versions, auto-arrange, duplicates and the portable export format (routes on the workflows blueprint)."""
import marshmallow as ma
from flask_smorest import abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields, validate

from builder import versions
from builder.db import db, utcnow
from builder.graph import read_graph
from builder.layout import arrange
from builder.models import Workflow
from builder.names import MAX_NAME, free_name
from web.api.workflows import (EXPORT_FORMAT, ExportDoc, LayoutIn, LayoutOut, WorkflowOut, apply_changes, blp,
                               get_workflow, with_etag)
from web.auth import requires


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


def get_version(workflow: Workflow, number: int):
    version = versions.get_version(workflow, number)
    if version is None:
        abort(404, description=f"Workflow {workflow.id} has no version {number}.")
    return version


@blp.route("/<int:workflow_id>/versions")
class Versions(MethodView):
    @requires("viewer")
    @blp.response(200, VersionOut(many=True))
    def get(self, workflow_id):
        return list(reversed(get_workflow(workflow_id).versions))


@blp.route("/<int:workflow_id>/versions/<int:number>")
class VersionOne(MethodView):
    @requires("viewer")
    @blp.response(200, VersionOut)
    def get(self, workflow_id, number):
        return get_version(get_workflow(workflow_id), number)


@blp.route("/<int:workflow_id>/versions/<int:number>/restore")
class Restore(MethodView):
    @requires("editor")
    @blp.response(200, WorkflowOut)
    def post(self, workflow_id, number):
        """Copy a published version into the draft (the version itself never changes)."""
        workflow = get_workflow(workflow_id)
        versions.restore(workflow, get_version(workflow, number))
        db.session.commit()
        return with_etag(workflow)


@blp.route("/<int:workflow_id>/layout")
class Layout(MethodView):
    @requires("viewer")
    @blp.arguments(LayoutIn)
    @blp.response(200, LayoutOut)
    def post(self, data, workflow_id):
        """Auto-arrange: the graph with new positions; `{"save": true}` also stores it in the draft."""
        workflow = get_workflow(workflow_id)
        graph = arrange(read_graph(data["graph"]) if "graph" in data else workflow.graph)
        if data["save"]:
            if not current_user.has_role("editor"):
                abort(403, description="Saving a layout needs the 'editor' role.")
            workflow.graph = graph
            workflow.revision += 1
            workflow.updated_at = utcnow()
            db.session.commit()
        return {"graph": graph}


@blp.route("/<int:workflow_id>/export")
class Export(MethodView):
    @requires("viewer")
    @blp.response(200, ExportDoc)
    def get(self, workflow_id):
        workflow = get_workflow(workflow_id)
        return {"format": EXPORT_FORMAT, "name": workflow.name, "description": workflow.description,
                "timezone": workflow.timezone, "settings": workflow.settings, "graph": workflow.graph}


@blp.route("/import")
class Import(MethodView):
    @requires("editor")
    @blp.arguments(ExportDoc)
    @blp.response(201, WorkflowOut)
    def post(self, doc):
        """Create a draft from an exported document."""
        workflow = Workflow(owner_id=current_user.id, name=free_name(doc["name"]))
        apply_changes(workflow, {k: doc[k] for k in ("description", "timezone", "settings", "graph")})
        db.session.add(workflow)
        db.session.commit()
        return with_etag(workflow, 201)


@blp.route("/<int:workflow_id>/duplicate")
class Duplicate(MethodView):
    @requires("editor")
    @blp.arguments(DuplicateIn)
    @blp.response(201, WorkflowOut)
    def post(self, data, workflow_id):
        """A new draft with the same graph, description, time zone and settings (not its versions or runs)."""
        source = get_workflow(workflow_id)
        copy = Workflow(name=free_name(data.get("name") or f"Copy of {source.name}"[:MAX_NAME]),
                        owner_id=current_user.id, description=source.description, timezone=source.timezone,
                        settings=dict(source.settings or {}), graph=source.graph, template_id=source.template_id)
        db.session.add(copy)
        db.session.commit()
        return with_etag(copy, 201)
