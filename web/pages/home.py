"""The landing page: the workflows list, with a form to start a new one."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from engine import run_queries
from engine.workflows import create
from store.db import db
from store.models import Workflow
from web.auth import requires
from web.pages import bp
from web.pages.zone import browser_zone


@bp.route("/")
@requires("viewer")
def workflows():
    rows = db.session.execute(db.select(Workflow).order_by(Workflow.updated_at.desc())).scalars().all()
    return render_template("workflows.html", workflows=rows, failed=run_queries.failed_counts())


@bp.route("/workflows", methods=["POST"])
@requires("editor")
def new_workflow():
    name = (request.form.get("name") or "").strip()[:200] or "Untitled workflow"
    workflow = create(current_user, name, {"timezone": browser_zone()})
    return redirect(url_for("pages.editor", workflow_id=workflow.id))
