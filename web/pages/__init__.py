"""Server-rendered pages; the editor and run viewer add their ES modules on top."""
from flask import Blueprint, url_for

bp = Blueprint("pages", __name__)

# (label, endpoint): the navigation shows the pages that exist in this build.
NAV = [("Workflows", "pages.workflows"), ("Templates", "pages.templates"), ("Records", "pages.records_index"),
       ("Tasks", "pages.tasks"), ("Outbox", "pages.outbox"), ("Settings", "pages.settings")]


def register(app) -> None:
    from web.pages import apidocs, auth, editor, home, records  # noqa: F401  (routes attach to bp on import)

    app.register_blueprint(bp)

    @app.context_processor
    def navigation():
        return {"nav": [(label, url_for(endpoint), endpoint) for label, endpoint in NAV
                        if endpoint in app.view_functions]}
