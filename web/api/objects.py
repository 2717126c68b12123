"""Object types: their fields and pipelines."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields as mf, validate

from store.db import db
from builder.objects import FIELD_TYPES
from crm.models import ObjectType, Record
from crm.objects_admin import add_field
from crm.pipelines import pipeline_details
from crm.records import object_type
from web.api.blueprint import Blueprint
from web.auth import requires

blp = Blueprint("objects", __name__, url_prefix="/api/objects", description="Object types, fields and pipelines")


class ObjectTypeOut(ma.Schema):
    name = mf.String()
    label = mf.String()
    fields = mf.Dict(metadata={"description": "field name -> {type, label, options}"})
    pipelines = mf.Dict(metadata={"description": "pipeline name -> ordered stages"})
    pipeline_details = mf.List(mf.Dict(), metadata={
        "description": "each pipeline with its label and stages ({name, label, archived}), archived ones too"})


class TagsOut(ma.Schema):
    tags = mf.List(mf.String(), metadata={"description": "every tag on a record of this type, once each, sorted"})


class FieldIn(ma.Schema):
    name = mf.String(required=True)
    type = mf.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    label = mf.String(validate=validate.Length(max=100))
    options = mf.List(mf.String(), metadata={"description": "choices, for type 'choice'"})


def dump_kind(kind) -> dict:
    return {**kind.as_dict(), "pipeline_details": pipeline_details(kind)}


@blp.route("")
class ObjectList(MethodView):
    @requires("viewer")
    @blp.response(200, ObjectTypeOut(many=True))
    def get(self):
        return [dump_kind(o) for o in db.session.execute(db.select(ObjectType).order_by(ObjectType.name)).scalars()]


@blp.route("/<object_name>")
class ObjectOne(MethodView):
    @requires("viewer")
    @blp.response(200, ObjectTypeOut)
    def get(self, object_name):
        return dump_kind(object_type(object_name))


@blp.route("/<object_name>/tags")
class ObjectTags(MethodView):
    @requires("viewer")
    @blp.response(200, TagsOut)
    def get(self, object_name):
        """The distinct tags on records of this type, for pickers that suggest them."""
        object_type(object_name)
        found = set()
        for tags in db.session.execute(db.select(Record.tags).filter_by(object=object_name)).scalars():
            found.update(t for t in tags or [] if isinstance(t, str))
        return {"tags": sorted(found)}


@blp.route("/<object_name>/fields")
class ObjectFields(MethodView):
    @requires("admin")
    @blp.arguments(FieldIn)
    @blp.response(201, ObjectTypeOut)
    def post(self, field, object_name):
        """Add a field to an object type."""
        object_type(object_name)  # 404 for an unknown type, before validating the body
        kind = add_field(object_name, field["name"], field["type"], field.get("label"), field.get("options"))
        db.session.commit()
        return dump_kind(kind)
