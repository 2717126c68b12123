"""/pipelines/<object>/<pipeline>/rules: the stage rules board, with copy and move to another stage."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.db import db
from engine import stage_rules
from crm.models import ObjectType
from crm.pipelines import pipeline_details
from crm.records import RecordInvalid, UnknownObject
from web.auth import requires
from web.pages import bp


def targets() -> list[dict]:
    """Every live stage of every object type's pipelines, for the target picker."""
    groups = []
    for kind in db.session.execute(db.select(ObjectType).order_by(ObjectType.name)).scalars():
        for pipeline in pipeline_details(kind):
            if not pipeline["archived"]:
                groups.append({"label": f"{kind.label} · {pipeline['label']}", "stages": [
                    {"value": f"{kind.name}|{pipeline['name']}|{s['name']}", "label": s["label"]}
                    for s in pipeline["stages"] if not s["archived"]]})
    return groups


@bp.route("/pipelines/<object_name>/<pipeline>/rules", methods=["GET", "POST"])
@requires("viewer", to_write="editor")
def stage_rules_board(object_name, pipeline):
    problems, status = [], 200
    if request.method == "POST":
        problems = _transfer(object_name, pipeline)
        if not problems:
            return redirect(url_for("pages.stage_rules_board", object_name=object_name, pipeline=pipeline))
        status = 422
    try:
        board = stage_rules.board(object_name, pipeline)
    except (UnknownObject, stage_rules.UnknownPipeline):
        abort(404)
    kind = db.session.get(ObjectType, object_name)
    return render_template("stage_rules.html", board=board, targets=targets(), problems=problems,
                           pipelines=[p for p in pipeline_details(kind) if not p["archived"]],
                           chosen=request.form.getlist("workflow_ids", type=int),
                           target=request.form.get("target", "")), status


def _transfer(object_name: str, pipeline: str) -> list:
    """Copy one card in place, or copy/move the checked cards to the picked stage; the problems of a refusal."""
    form = request.form
    if form.get("copy_one"):
        ids, mode = [form.get("copy_one", type=int)], "copy"
        target = (object_name, pipeline, request.args.get("copy_stage", ""))
    else:
        ids, mode = form.getlist("workflow_ids", type=int), form.get("mode", "")
        target = tuple(((form.get("target") or "") + "||").split("|")[:3])
    try:
        result = stage_rules.transfer(ids, *target, mode, current_user)
        db.session.commit()
    except stage_rules.MoveRefused as refused:
        db.session.rollback()
        return refused.problems
    except RecordInvalid as error:
        db.session.rollback()
        return [{"workflow": None, "field": field, "message": message} for field, message in error.details.items()]
    done = "Copied" if mode == "copy" else "Moved"
    names = ", ".join(f"'{w.name}'" for w in result["workflows"])
    flash(f"{done} {names} to {target[2]}.", "info")
    if mode == "copy" and result["problems"]:
        flash(f"The copies have {len(result['problems'])} problem(s) to fix before publishing.", "info")
    return []
