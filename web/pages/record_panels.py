"""The record page's panels beside its form: the Automation tab (with Start workflow) and the tasks about it."""
from flask import abort, flash, redirect, request, url_for
from markupsafe import Markup

from store.db import db
from store.models import Workflow
from builder.preview import status_icon
from crm import related
from engine import lifecycle, record_automation
from engine.context import current_clock
from crm.models import Record
from web.auth import requires
from web.pages import bp


@bp.app_template_global("status_icon")
def status_icon_markup(status: str) -> Markup:
    return Markup(status_icon(status))  # our own markup: the status names a fixed set of looks


def record_panels(record: Record) -> dict:
    """What the record page shows besides its fields (keyword arguments of its template)."""
    about = related.describe([record.related_id]).get(record.related_id) if record.related_id else None
    return {"automation": record_automation.activity(record),
            "starters": record_automation.manual_workflows(record),
            "about": about, "tasks_about": related.tasks_about(record.id)}


@bp.route("/records/<object_name>/<int:record_id>/start", methods=["POST"])
@requires("editor")
def record_start_workflow(object_name, record_id):
    """Start a manual workflow for this record, as POST /api/workflows/<id>/runs does."""
    record = db.session.get(Record, record_id)
    if record is None or record.object != object_name:
        abort(404)
    back = url_for("pages.record_detail", object_name=object_name, record_id=record_id, _anchor="automation")
    workflow = db.session.get(Workflow, request.form.get("workflow_id", type=int) or 0)
    if workflow is None:
        flash("Choose a workflow to start.", "error")
        return redirect(back)
    try:
        run = lifecycle.start_by_hand(workflow, record_id=record.id, clock=current_clock())
    except lifecycle.RunRefused as error:
        db.session.commit()  # a refused start is recorded, never dropped
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(f"Started '{workflow.name}': run {run.id}.", "info")
    return redirect(back)
