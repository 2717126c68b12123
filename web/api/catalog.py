"""The node catalog and the template library, as the editor and gallery read them."""
import marshmallow as ma
from flask_smorest import abort
from flask.views import MethodView
from marshmallow import fields

from builder.catalog import catalog_json, editor_catalog
from crm.models import ROLES
from templates_library import categories, get_template, list_templates
from web.api.blueprint import Blueprint
from web.auth import requires

blp = Blueprint("catalog", __name__, url_prefix="/api", description="Node types and templates")


class NodeTypeOut(ma.Schema):
    type = fields.String()
    kind = fields.String()
    label = fields.String()
    icon = fields.String()
    help = fields.String()
    event = fields.String(allow_none=True, metadata={"description": "triggers: the event or source they listen to"})
    ports = fields.List(fields.String(), metadata={"description": "the ports of a node with the default config"})
    dynamic_ports = fields.Boolean()
    ports_from = fields.Dict(allow_none=True, metadata={"description": (
        "when the config names the ports: {field, item, default, then, noun}: one port per named entry of the "
        "list config[field] (entry[item] for objects), default when it names none, then the fixed ports 'then'")})
    summary = fields.List(fields.String(), metadata={"description": (
        "templates of the line under the node's label (docs/NODE_TYPES.md); the first with all its values is used")})
    auto_label = fields.List(fields.String(), metadata={"description": (
        "templates of the label a new node takes from its config (and follows until renamed); empty: its type label")})
    needs_record = fields.Boolean(metadata={"description": "the step acts on the run's record"})
    record = fields.Raw(allow_none=True, metadata={"description": (
        "triggers: whether their runs carry a record: true, false or \"object\" (when an object is chosen)")})
    channel = fields.String(allow_none=True, metadata={"description": "actions: the outbox channel they send on"})
    config_schema = fields.Dict(metadata={"description": "JSON Schema of the node's config"})
    defaults = fields.Dict()


class KindOut(ma.Schema):
    name = fields.String()
    title = fields.String()
    colour = fields.String(metadata={"description": "accent colour of its nodes"})
    tint = fields.String(metadata={"description": "fill colour of its nodes in diagrams"})
    waits = fields.Boolean(metadata={"description": "runs may rest at nodes of this kind"})


class OperatorOut(ma.Schema):
    op = fields.String()
    words = fields.String(metadata={"description": "how a rule with it reads: 'amount is at least 10'"})
    valueless = fields.Boolean()


class NodeSizeOut(ma.Schema):
    w = fields.Integer()
    h = fields.Integer()


class CatalogOut(ma.Schema):
    types = fields.List(fields.Nested(NodeTypeOut))
    kinds = fields.List(fields.Nested(KindOut))
    operators = fields.List(fields.Nested(OperatorOut))
    roles = fields.List(fields.String())
    node_size = fields.Nested(NodeSizeOut)


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


@blp.route("/node-types/catalog")
class NodeTypeCatalog(MethodView):
    @requires("viewer")
    @blp.response(200, CatalogOut)
    def get(self):
        """Everything the editor and run diagrams draw from: node types, kinds, operators, roles and node size."""
        return editor_catalog(ROLES)


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
