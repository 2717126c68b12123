"""The node catalog and the template library, as the editor and gallery read them."""
import marshmallow as ma
from flask_smorest import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from builder.catalog import catalog_json
from templates_library import categories, get_template, list_templates
from web.auth import requires

blp = Blueprint("catalog", __name__, url_prefix="/api", description="Node types and templates")


class NodeTypeOut(ma.Schema):
    type = fields.String()
    kind = fields.String()
    label = fields.String()
    icon = fields.String()
    help = fields.String()
    ports = fields.List(fields.String())
    dynamic_ports = fields.Boolean()
    config_schema = fields.Dict(metadata={"description": "JSON Schema of the node's config"})
    defaults = fields.Dict()


class TemplateOut(ma.Schema):
    id = fields.String()
    name = fields.String()
    category = fields.String()
    description = fields.String()
    tags = fields.List(fields.String())
    settings = fields.Dict(metadata={"description": "workflow settings a draft from this template starts with"})
    graph = fields.Dict()


class TemplateFilter(ma.Schema):
    category = fields.String(metadata={"description": "only this category (any case)"})
    q = fields.String(metadata={"description": "words that must all appear in the name, description, tags or steps"})


class CategoryOut(ma.Schema):
    name = fields.String()
    count = fields.Integer()


@blp.route("/node-types")
class NodeTypes(MethodView):
    @requires("viewer")
    @blp.response(200, NodeTypeOut(many=True))
    def get(self):
        return catalog_json()


@blp.route("/templates")
class Templates(MethodView):
    @requires("viewer")
    @blp.arguments(TemplateFilter, location="query")
    @blp.response(200, TemplateOut(many=True))
    def get(self, args):
        return list_templates(category=args.get("category"), query=args.get("q"))


@blp.route("/templates/categories")
class TemplateCategories(MethodView):
    @requires("viewer")
    @blp.response(200, CategoryOut(many=True))
    def get(self):
        """The template categories with how many templates each holds."""
        return categories()


@blp.route("/templates/<template_id>")
class TemplateOne(MethodView):
    @requires("viewer")
    @blp.response(200, TemplateOut)
    def get(self, template_id):
        template = get_template(template_id)
        if template is None:
            abort(404, description=f"No template '{template_id}'.")
        return template
