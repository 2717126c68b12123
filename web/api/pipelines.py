"""Pipelines and stages of an object type (admins): add, rename, reorder, archive, restore."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields as mf, validate

from store.db import db
from crm import pipelines
from crm.records import object_type
from web.api.blueprint import Blueprint
from web.api.objects import ObjectTypeOut, dump_kind
from web.auth import requires

blp = Blueprint("pipelines", __name__, url_prefix="/api/objects/<object_name>/pipelines",
                description="Pipelines and stages of an object type (admin)")
_LABEL = validate.Length(min=1, max=100)


class PipelineIn(ma.Schema):
    label = mf.String(required=True, validate=_LABEL)
    name = mf.String(metadata={"description": "the stable key; made from the label when left out"})
    stages = mf.List(mf.String(validate=_LABEL), required=True, validate=validate.Length(min=1),
                     metadata={"description": "labels of its stages, in order"})


class PipelinePatch(ma.Schema):
    label = mf.String(validate=_LABEL)
    order = mf.List(mf.String(), metadata={"description": "every live stage name once, in the new order"})


class StageIn(ma.Schema):
    label = mf.String(required=True, validate=_LABEL)
    name = mf.String(metadata={"description": "the stable key; made from the label when left out"})
    position = mf.Integer(metadata={"description": "0-based place among the live stages; default last"})


class StagePatch(ma.Schema):
    label = mf.String(required=True, validate=_LABEL)


class PipelineOut(ma.Schema):
    name = mf.String()
    label = mf.String()
    archived = mf.Boolean()
    stages = mf.List(mf.Dict(), metadata={"description": "{name, label, archived}, live stages first"})


def _done(kind, status=200):
    db.session.commit()
    return dump_kind(kind), status


@blp.route("")
class Pipelines(MethodView):
    @requires("viewer")
    @blp.response(200, PipelineOut(many=True))
    def get(self, object_name):
        return pipelines.pipeline_details(object_type(object_name))

    @requires("admin")
    @blp.arguments(PipelineIn)
    @blp.response(201, ObjectTypeOut)
    def post(self, data, object_name):
        """Add a pipeline with its stages."""
        object_type(object_name)
        return _done(pipelines.add_pipeline(object_name, data["label"], data["stages"], data.get("name")), 201)


@blp.route("/<pipeline>")
class PipelineOne(MethodView):
    @requires("admin")
    @blp.arguments(PipelinePatch)
    @blp.response(200, ObjectTypeOut)
    def patch(self, data, object_name, pipeline):
        """Rename a pipeline (its label) and/or reorder its stages."""
        object_type(object_name)
        return _done(pipelines.update_pipeline(object_name, pipeline, data.get("label"), data.get("order")))


@blp.route("/<pipeline>/archive")
class PipelineArchive(MethodView):
    @requires("admin")
    @blp.response(200, ObjectTypeOut)
    @blp.alt_response(409, description="Records stand in it or active workflows name it")
    def post(self, object_name, pipeline):
        """Archive a pipeline no record stands in and no active workflow names."""
        object_type(object_name)
        return _done(pipelines.archive_pipeline(object_name, pipeline))


@blp.route("/<pipeline>/restore")
class PipelineRestore(MethodView):
    @requires("admin")
    @blp.response(200, ObjectTypeOut)
    def post(self, object_name, pipeline):
        """Bring an archived pipeline back with all its stages live."""
        object_type(object_name)
        return _done(pipelines.restore_pipeline(object_name, pipeline))


@blp.route("/<pipeline>/stages")
class Stages(MethodView):
    @requires("admin")
    @blp.arguments(StageIn)
    @blp.response(201, ObjectTypeOut)
    def post(self, data, object_name, pipeline):
        """Add a stage (last, or at `position`)."""
        object_type(object_name)
        return _done(pipelines.add_stage(object_name, pipeline, data["label"], data.get("name"),
                                         data.get("position")), 201)


@blp.route("/<pipeline>/stages/<stage>")
class StageOne(MethodView):
    @requires("admin")
    @blp.arguments(StagePatch)
    @blp.response(200, ObjectTypeOut)
    def patch(self, data, object_name, pipeline, stage):
        """Rename a stage (its label; records and workflows keep naming it by its key)."""
        object_type(object_name)
        return _done(pipelines.rename_stage(object_name, pipeline, stage, data["label"]))


@blp.route("/<pipeline>/stages/<stage>/archive")
class StageArchive(MethodView):
    @requires("admin")
    @blp.response(200, ObjectTypeOut)
    @blp.alt_response(409, description="Records stand in it or active workflows name it")
    def post(self, object_name, pipeline, stage):
        """Archive a stage no record stands in and no active workflow names."""
        object_type(object_name)
        return _done(pipelines.archive_stage(object_name, pipeline, stage))


@blp.route("/<pipeline>/stages/<stage>/restore")
class StageRestore(MethodView):
    @requires("admin")
    @blp.response(200, ObjectTypeOut)
    def post(self, object_name, pipeline, stage):
        """Bring an archived stage back, as the pipeline's last stage."""
        object_type(object_name)
        return _done(pipelines.restore_stage(object_name, pipeline, stage))
