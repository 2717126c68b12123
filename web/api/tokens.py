"""API tokens (admin): the plain token is returned once, at creation."""
import marshmallow as ma
from flask_smorest import abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields

from store.db import db
from crm.models import ApiToken
from crm.people import issue_token, revoke_token
from web.api.blueprint import Blueprint
from web.auth import requires

blp = Blueprint("tokens", __name__, url_prefix="/api/tokens", description="API tokens")


class TokenIn(ma.Schema):
    name = fields.String(required=True)
    user = fields.String(metadata={"description": "whose token it is; default: you"})


class TokenOut(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    user = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    token = fields.String(metadata={"description": "only in the answer to a create"})


@blp.route("")
class Tokens(MethodView):
    @requires("admin")
    @blp.response(200, TokenOut(many=True))
    def get(self):
        return [t.as_dict() for t in db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars()]

    @requires("admin")
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data):
        token, plain = issue_token(data.get("user") or current_user.username, data["name"])
        db.session.commit()
        return {**token.as_dict(), "token": plain}


@blp.route("/<int:token_id>")
class TokenOne(MethodView):
    @requires("admin")
    @blp.response(204)
    def delete(self, token_id):
        token = db.session.get(ApiToken, token_id)
        if token is None:
            abort(404, description=f"No token with id {token_id}.")
        revoke_token(token)
        db.session.commit()
