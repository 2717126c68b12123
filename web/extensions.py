"""Unbound extensions, bound to the app in create_app()."""
import marshmallow as ma
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_wtf import CSRFProtect

from builder.db import db


class ErrorDetail(ma.Schema):
    code = ma.fields.String(metadata={"description": "A stable machine-readable code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for people"})
    details = ma.fields.Dict(metadata={"description": "The offending fields or node ids and what is wrong"})


class ErrorBody(ma.Schema):
    error = ma.fields.Nested(ErrorDetail)


class Api(SmorestApi):
    """flask-smorest with the contract's error body; web.errors registers the handlers."""

    ERROR_SCHEMA = ErrorBody

    def _register_error_handlers(self):
        pass


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
api = Api()

__all__ = ["api", "csrf", "db", "login_manager", "migrate"]
