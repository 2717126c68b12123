"""/workflows/<id>/enrollments: every event the workflow's trigger saw, and whether it enrolled, filtered the record
out (the rule, in words) or refused it (why), newest first, filtered by outcome and paged."""
from flask import abort, render_template, request
from flask_login import login_required

from store.db import db
from store.models import Workflow
from engine import enrollment_history
from web.pages import bp

PAGE_SIZE = 50
LABELS = {"enrolled": "Enrolled", "filtered": "Filtered out", "refused": "Refused"}


@bp.route("/workflows/<int:workflow_id>/enrollments")
@login_required
def workflow_enrollments(workflow_id):
    workflow = db.session.get(Workflow, workflow_id) or abort(404)
    outcome = request.args.get("outcome") if request.args.get("outcome") in LABELS else None
    first = enrollment_history.history(workflow_id, outcome=outcome, per_page=PAGE_SIZE)
    pages = max(1, -(-first["total"] // PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    shown = first if page == 1 else enrollment_history.history(workflow_id, outcome=outcome, page=page,
                                                                per_page=PAGE_SIZE)
    return render_template("runs/enrollments.html", workflow=workflow, history=shown, outcome=outcome,
                           labels=LABELS, page=page, pages=pages)
