"""Object types: their fields and pipelines."""
import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields as mf, validate

from builder.db import db
from engine.models import ObjectType
from engine.records import RecordInvalid, object_type
from web.auth import requires

FIELD_TYPES = ("text", "number", "boolean", "date", "datetime", "email", "phone", "choice", "user")

blp = Blueprint("objects", __name__, url_prefix="/api/objects", description="Object types, fields and pipelines")


class ObjectTypeOut(ma.Schema):
    name = mf.String()
    label = mf.String()
    fields = mf.Dict(metadata={"description": "field name -> {type, label, options}"})
    pipelines = mf.Dict(metadata={"description": "pipeline name -> ordered stages"})


class FieldIn(ma.Schema):
    name = mf.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$"))
    type = mf.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    label = mf.String(validate=validate.Length(max=100))
    options = mf.List(mf.String(), metadata={"description": "choices, for type 'choice'"})


@blp.route("")
class ObjectList(MethodView):
    @requires("viewer")
    @blp.response(200, ObjectTypeOut(many=True))
    def get(self):
        return [o.as_dict() for o in db.session.execute(db.select(ObjectType).order_by(ObjectType.name)).scalars()]


@blp.route("/<object_name>")
class ObjectOne(MethodView):
    @requires("viewer")
    @blp.response(200, ObjectTypeOut)
    def get(self, object_name):
        return object_type(object_name).as_dict()


@blp.route("/<object_name>/fields")
class ObjectFields(MethodView):
    @requires("admin")
    @blp.arguments(FieldIn)
    @blp.response(201, ObjectTypeOut)
    def post(self, field, object_name):
        """Add a field to an object type."""
        kind = object_type(object_name)
        if field["name"] in kind.fields:
            raise RecordInvalid({"name": f"{object_name} already has a field '{field['name']}'"})
        if field["type"] == "choice" and not field.get("options"):
            raise RecordInvalid({"options": "a choice field needs options"})
        spec = {"type": field["type"], "label": field.get("label") or field["name"].replace("_", " ").title()}
        if field.get("options"):
            spec["options"] = field["options"]
        kind.fields = {**kind.fields, field["name"]: spec}
        db.session.commit()
        return kind.as_dict()
