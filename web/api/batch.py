"""Batch doors: where a door takes one JSON object it also takes a list of up to MAX_ITEMS of them.

Each item goes through the door's own single-item code in a savepoint of its own and is answered, in order,
with the status and body it would get alone; a refused item stores nothing and leaves the others be. The whole
list is answered 207 Multi-Status in one commit.
"""
from functools import wraps

import marshmallow as ma
from flask import jsonify, request
from flask_smorest import abort
from marshmallow import fields as mf

from store.db import begin_writing, db
from web.errors import error_body, flatten, refusal
from web.extensions import ErrorDetail

MAX_ITEMS = 500
BATCH_STATUS = 207


def accepts_batches(schema: type[ma.Schema], answer, prepare=None):
    """Decorate a view between its authorization and its ``@blp.arguments(schema)``.

    A list body is answered here: each item is loaded by `schema` and handed to ``answer(data, **url_args)``,
    which returns the item's answer ({"status": ..., ...the single answer's body}) without committing.
    `prepare(**url_args)` runs once first (e.g. to refuse an unknown object type in the URL). An object body
    goes to the view exactly as before; any other JSON value is refused.
    """
    def decorator(view):
        @wraps(view)
        def wrapped(self, **url_args):
            body = request.get_json(silent=True) if request.is_json else None
            if isinstance(body, list):
                if prepare is not None:
                    prepare(**url_args)
                return _answer_all(schema(), body, answer, url_args)
            if body is not None and not isinstance(body, dict):
                abort(422, message="Send one item as an object or a list of them.",
                      details={"body": f"must be an object or a list of at most {MAX_ITEMS} objects"})
            return view(self, **url_args)

        return wrapped

    return decorator


def _answer_all(schema: ma.Schema, items: list, answer, url_args: dict):
    if len(items) > MAX_ITEMS:
        abort(422, message=f"A batch holds at most {MAX_ITEMS} items.",
              details={"body": f"{len(items)} items; at most {MAX_ITEMS}"})
    begin_writing()  # one transaction around the items' savepoints: a batch failing on our side stores none
    results = [_answer_one(schema, item, answer, url_args) for item in items]
    db.session.commit()
    return jsonify({"results": results}), BATCH_STATUS


def _answer_one(schema: ma.Schema, item, answer, url_args: dict) -> dict:
    try:
        data = schema.load(item)
    except ma.ValidationError as error:
        return {"status": 422, **error_body(422, "Some fields are not valid.", flatten(error.messages))}
    try:
        with db.session.begin_nested():
            return answer(data, **url_args)
    except Exception as error:  # a refusal answers this item; anything else (a bug, a busy database) the batch
        refused = refusal(error)
        if refused is None:
            raise
        return {"status": refused[0], **error_body(*refused)}


def request_body(schema: type[ma.Schema]) -> dict:
    """The OpenAPI request body of a door that takes one `schema` item or a list of them (``@blp.doc``)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
        schema, {"type": "array", "items": schema, "maxItems": MAX_ITEMS,
                 "description": f"a batch: up to {MAX_ITEMS} items, answered {BATCH_STATUS} item by item"}]}}}}}


def batch_answer(name: str, answer_fields: dict) -> type[ma.Schema]:
    """The 207 body of a batch: one answer per item, in order, each with its status and what it alone gets."""
    item = ma.Schema.from_dict({
        "status": mf.Integer(metadata={"description": "what this item alone would be answered with"}),
        **answer_fields,
        "error": mf.Nested(ErrorDetail, metadata={"description": "why this item was refused (nothing stored)"}),
    }, name=f"{name}Answer")
    return ma.Schema.from_dict({"results": mf.List(mf.Nested(item))}, name=f"{name}Batch")
