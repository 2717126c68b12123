"""The workflow editor page; the editor itself is ES modules under static/js/editor/."""
from flask import abort, render_template
from flask_login import login_required

from store.db import db
from store.models import Workflow
from web.pages import bp


@bp.route("/workflows/<int:workflow_id>/edit")
@login_required
def editor(workflow_id):
    workflow = db.session.get(Workflow, workflow_id)
    if workflow is None:
        abort(404)
    return render_template("editor.html", workflow=workflow)
