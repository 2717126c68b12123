"""Users: everyone can list them (assignee pickers); admins create them, change their role, switch them off; a
user (or an admin) marks whether they are available for rotate-owner steps."""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, validate

from store.db import db
from crm.models import ROLES, User
from crm.people import change_user, create_user, find_user, set_available
from web.api.blueprint import Blueprint
from web.auth import requires

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users and roles")


class UserOut(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    role = fields.String()
    active = fields.Boolean()
    available = fields.Boolean(metadata={"description": "rotate-owner steps set to 'only available' skip users "
                                                        "who are not"})


class UserIn(ma.Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    password = fields.String(load_only=True)
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


@blp.route("")
class Users(MethodView):
    @requires("viewer")
    @blp.response(200, UserOut(many=True))
    def get(self):
        return [u.as_dict() for u in db.session.execute(db.select(User).order_by(User.username)).scalars()]

    @requires("admin")
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data):
        user = create_user(data["username"], data["role"], data.get("password"), data.get("email"), data.get("name"))
        db.session.commit()
        return user.as_dict()


class UserPatch(ma.Schema):
    role = fields.String(validate=validate.OneOf(ROLES), metadata={"enum": list(ROLES)})
    active = fields.Boolean(metadata={"description": "false: the user can no longer sign in, nor use their tokens"})


@blp.route("/<username>")
class UserOne(MethodView):
    @requires("admin")
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    @blp.alt_response(409, description="That would leave no active admin")
    def patch(self, data, username):
        """Change a user's role or switch them off (`active: false`) or on again."""
        user = find_user(username)
        if user is None:
            abort(404, description=f"No user named '{username}'.")
        change_user(user, data.get("role"), data.get("active"))
        db.session.commit()
        return user.as_dict()


class AvailabilityIn(ma.Schema):
    available = fields.Boolean(required=True)


@blp.route("/<username>/availability")
class Availability(MethodView):
    @requires("viewer")
    @blp.arguments(AvailabilityIn)
    @blp.response(200, UserOut)
    def put(self, data, username):
        """Mark a user available or away: yourself, or anyone as an admin."""
        user = find_user(username)
        if user is None:
            abort(404, description=f"No user named {username}.")
        if user.id != current_user.id and not current_user.has_role("admin"):
            abort(403, description="Only an admin may change another user's availability.")
        set_available(user, data["available"])
        db.session.commit()
        return user.as_dict()
