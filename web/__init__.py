"""The Flask application factory."""
import os
from datetime import date, datetime

import re

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from store.db import MAX_ID
from web import config as settings
from web import extensions


class JSONProvider(DefaultJSONProvider):
    """ISO 8601 times with offset (CONTRACT.md §2) instead of Flask's RFC 822 default."""

    @staticmethod
    def default(o):
        if isinstance(o, (datetime, date)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


class TextResponse(Response):
    """Pages encode as UTF-8; half of a surrogate pair (stored before the input rule refused it) cannot be,
    so it shows as U+FFFD instead of failing the whole page."""

    def set_data(self, value):
        if isinstance(value, str):
            try:
                value = value.encode()
            except UnicodeEncodeError:
                value = re.sub("[\ud800-\udfff]", "\ufffd", value).encode()
        super().set_data(value)


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL: a number past the largest id is a 404, never an overflow in the database driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("FLOWDESK_INSTANCE") or None,
                instance_relative_config=True, static_folder="../static", static_url_path="/static")
    app.json = JSONProvider(app)
    app.response_class = TextResponse
    app.url_map.converters["int"] = IdConverter
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config or {})
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from web.auth import protect_cookie_writes
    from web.security import LoginThrottle, security_headers

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    extensions.login_manager.init_app(app)
    extensions.login_manager.login_view = "pages.login"
    extensions.csrf.init_app(app)
    app.before_request(protect_cookie_writes)
    app.after_request(security_headers)
    app.extensions["login_throttle"] = LoginThrottle()
    extensions.api.init_app(app)


def register_blueprints(app: Flask) -> None:
    from web.api import register as register_api
    from web.hooks import bp as hooks
    from web.pages import register as register_pages

    register_api(extensions.api)
    register_pages(app)
    app.register_blueprint(hooks)


def register_errorhandlers(app: Flask) -> None:
    from web.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from web.cli import register

    register(app)
