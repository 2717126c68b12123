"""The landing page: the workflows list, with a form to start a new one."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from store import workflow_audit
from store.db import db
from store.models import Workflow
from store.names import free_name
from engine.models import Run
from web.pages import bp
from web.pages.zone import browser_zone


@bp.route("/")
@login_required
def workflows():
    rows = db.session.execute(db.select(Workflow).order_by(Workflow.updated_at.desc())).scalars().all()
    failed = dict(db.session.execute(db.select(Run.workflow_id, db.func.count(Run.id))
                                     .where(Run.status == "failed").group_by(Run.workflow_id)).all())
    return render_template("workflows.html", workflows=rows, failed=failed)


@bp.route("/workflows", methods=["POST"])
@login_required
def new_workflow():
    if not current_user.has_role("editor"):
        abort(403)
    name = (request.form.get("name") or "").strip()[:200] or "Untitled workflow"
    workflow = Workflow(name=free_name(name), owner_id=current_user.id, timezone=browser_zone())
    db.session.add(workflow)
    db.session.flush()
    workflow_audit.created(workflow)
    db.session.commit()
    return redirect(url_for("pages.editor", workflow_id=workflow.id))
