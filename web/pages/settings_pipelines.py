"""/settings#pipelines (admin): add, rename, reorder, archive and restore pipelines and stages."""
from flask import flash, redirect, request, url_for

from store.db import db
from crm import pipelines
from crm.records import RecordInvalid
from web.auth import requires
from web.pages import bp


ACTIONS = {
    "add_pipeline": lambda o, p, s, f: pipelines.add_pipeline(
        o, f.get("label", ""), [x.strip() for x in f.get("stages", "").split(",") if x.strip()]),
    "rename_pipeline": lambda o, p, s, f: pipelines.update_pipeline(o, p, label=f.get("label", "")),
    "archive_pipeline": lambda o, p, s, f: pipelines.archive_pipeline(o, p),
    "add_stage": lambda o, p, s, f: pipelines.add_stage(o, p, f.get("label", "")),
    "rename_stage": lambda o, p, s, f: pipelines.rename_stage(o, p, s, f.get("label", "")),
    "restore_pipeline": lambda o, p, s, f: pipelines.restore_pipeline(o, p),
    "move_up": lambda o, p, s, f: pipelines.move_stage(o, p, s, -1),
    "move_down": lambda o, p, s, f: pipelines.move_stage(o, p, s, 1),
    "archive_stage": lambda o, p, s, f: pipelines.archive_stage(o, p, s),
    "restore_stage": lambda o, p, s, f: pipelines.restore_stage(o, p, s),
}


@bp.route("/settings/pipelines", methods=["POST"])
@requires("admin")
def settings_pipelines():
    form = request.form
    action = ACTIONS.get(form.get("action", ""))
    try:
        if action is None:
            raise RecordInvalid({"action": "unknown action"})
        action(form.get("object", ""), form.get("pipeline", ""), form.get("stage", ""), form)
        db.session.commit()
        flash("Pipelines saved.", "info")
    except RecordInvalid as error:
        db.session.rollback()
        flash(error.message, "error")
        for field, message in error.details.items():
            if message not in error.message:
                flash(f"{field}: {message}", "error")
    return redirect(url_for("pages.settings") + "#pipelines")
