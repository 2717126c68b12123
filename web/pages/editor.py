"""The workflow editor page; the editor itself is ES modules under static/js/editor/."""
from flask import render_template

from engine import workflows
from web.auth import requires
from web.pages import bp


@bp.route("/workflows/<int:workflow_id>/edit")
@requires("viewer")
def editor(workflow_id):
    return render_template("editor.html", workflow=workflows.get(workflow_id))
