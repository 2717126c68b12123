"""Server-rendered pages; the editor and run viewer add their ES modules on top."""
from flask import Blueprint, url_for

bp = Blueprint("pages", __name__)

# (label, endpoint, path prefix it covers): the navigation shows the pages that exist in this build.
NAV = [("Workflows", "pages.workflows", "/workflows"), ("Templates", "pages.templates", "/templates"),
       ("Records", "pages.records_index", "/records"), ("Tasks", "pages.tasks_inbox", "/tasks"),
       ("Outbox", "pages.outbox", "/outbox"), ("Settings", "pages.settings", "/settings")]


def register(app) -> None:
    from web.pages import (apidocs, auth, editor, enrollments, home, outbox, record_panels, records, runs,  # noqa: F401
                           settings, settings_audit, settings_pipelines, stage_rules,  # (routes attach to bp)
                           tasks, templates)

    app.register_blueprint(bp)

    @app.context_processor
    def navigation():
        return {"nav": [(label, url_for(endpoint), prefix) for label, endpoint, prefix in NAV
                        if endpoint in app.view_functions]}
