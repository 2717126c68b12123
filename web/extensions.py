"""Unbound extensions, bound to the app in create_app()."""
from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_wtf import CSRFProtect

from store.db import db


class ErrorDetail(ma.Schema):
    code = ma.fields.String(metadata={"description": "A stable machine-readable code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for people"})
    details = ma.fields.Dict(metadata={"description": "The offending fields or node ids and what is wrong"})


class ErrorBody(ma.Schema):
    error = ma.fields.Nested(ErrorDetail)


class ErrorResponses(BasePlugin):
    """Documents, on every operation, the refusals that web.auth and web.errors give any request of its kind.

    An operation documents its own other answers (a 409, a 422 with problems) with ``@blp.alt_response``.
    Nothing else is documented, so an answer the document does not list is a finding (tests/web/test_api_fuzz.py).
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in self.refusals(path, method):
                responses.setdefault(str(status), HTTPStatus(status).name)

    @staticmethod
    def refusals(path: str, method: str) -> list[int]:
        statuses = [400, 401, 403]  # unreadable (bad JSON, NUL characters, no CSRF token); nobody signed in; role
        if "{" in path:
            statuses.append(404)  # no such object, or an id out of range
        if method in ("post", "put", "patch", "delete"):
            statuses.append(422)  # a refused write
        if method in ("post", "put", "patch"):
            statuses += [413, 415]  # body over MAX_CONTENT_LENGTH; a body that is not JSON
        statuses.append(503)  # the database is busy (web.errors.handle_operational, with Retry-After)
        return statuses


class Api(SmorestApi):
    """flask-smorest with the contract's error body; web.errors registers the handlers."""

    ERROR_SCHEMA = ErrorBody
    DEFAULT_ERROR_RESPONSE_NAME = None  # ErrorResponses lists each error instead of one catch-all

    def _register_error_handlers(self):
        pass


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
api = Api(spec_kwargs={"extra_plugins": [ErrorResponses()]})

__all__ = ["api", "csrf", "db", "login_manager", "migrate"]
