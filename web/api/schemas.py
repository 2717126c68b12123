"""Request and response schemas shared by several API blueprints."""
import marshmallow as ma
from marshmallow import fields, validate

from store.db import MAX_ID


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - used like a field class
    """An id in a query or body: out of range is a 422 naming the field, never an overflow in the database driver."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class RelatedOut(ma.Schema):
    """The record another one (a task) is about."""
    id = fields.Integer()
    object = fields.String()
    name = fields.String()
    url = fields.String(metadata={"description": "the record's page"})


class PageArgs(ma.Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID // 200))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A paginated list: {"items", "total", "page", "per_page"}."""
    return ma.Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(), "page": fields.Integer(), "per_page": fields.Integer(),
    }, name=name)


def paginate(query, args) -> dict:
    from store.db import db

    total = db.session.execute(db.select(db.func.count()).select_from(query.order_by(None).subquery())).scalar()
    rows = db.session.execute(query.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"]))
    return {"items": rows.scalars().all(), "total": total, "page": args["page"], "per_page": args["per_page"]}
