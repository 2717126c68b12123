"""Secrets (admin): named credentials for webhooks, written here and never read back; only names are listed."""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields

from store.db import db
from engine import vault
from web.api.blueprint import Blueprint
from web.auth import requires

blp = Blueprint("secrets", __name__, url_prefix="/api/secrets",
                description="Secrets for webhooks: use {{ secrets.NAME }} in a webhook's URL, headers or body")


class SecretIn(ma.Schema):
    name = fields.String(required=True, metadata={"description": "letters, digits and _ (e.g. CRM_TOKEN)"})
    value = fields.String(required=True, load_only=True, metadata={"description": "write-only"})


class SecretOut(ma.Schema):
    name = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


@blp.route("")
class Secrets(MethodView):
    @requires("editor")
    @blp.response(200, SecretOut(many=True))
    def get(self):
        """The names of the secrets (never their values), for editors to reference."""
        return vault.names()

    @requires("admin")
    @blp.arguments(SecretIn)
    @blp.response(201, SecretOut)
    @blp.alt_response(200, schema=SecretOut, description="An existing secret's value was replaced")
    def post(self, data):
        """Create a secret, or replace the value of the one with that name."""
        created = vault.put(data["name"], data["value"], current_user.username)
        db.session.commit()
        return next(s for s in vault.names() if s["name"] == data["name"]), 201 if created else 200


@blp.route("/<name>")
class SecretOne(MethodView):
    @requires("admin")
    @blp.response(204)
    def delete(self, name):
        if not vault.remove(name):
            abort(404, description=f"No secret named {name}.")
        db.session.commit()
