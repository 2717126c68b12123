"""Workflow housekeeping: deleting (refused while runs are live unless they are cancelled), and names that stay
unique when a template, a copy or an import would repeat one."""
import re

import marshmallow as ma
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields

from builder.db import db
from builder.models import Workflow
from engine import lifecycle
from engine.context import current_clock
from engine.models import Run
from engine.models.runs import LIVE

MAX_NAME = 200


class DeleteArgs(ma.Schema):
    cancel_runs = fields.Boolean(load_default=False, metadata={
        "description": "cancel the workflow's running and waiting runs first; without it a workflow with live runs "
                       "is not deleted (409)"})


def free_name(wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)`... whichever no workflow has yet."""
    base = re.sub(r" \(\d+\)$", "", wanted.strip())[:MAX_NAME - 8] or "Workflow"
    taken = set(db.session.scalars(db.select(Workflow.name).where(Workflow.name.startswith(base, autoescape=True))))
    if wanted not in taken:
        return wanted
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"


def delete_workflow(workflow: Workflow, cancel_runs: bool) -> None:
    live = db.session.scalars(db.select(Run.id).where(Run.workflow_id == workflow.id, Run.status.in_(LIVE))).all()
    if live and not cancel_runs:
        abort(409, message=f"{len(live)} run(s) of '{workflow.name}' are still going. Cancel them to delete it "
                           f"(cancel_runs=1), or wait until they end.",
              details={"cancel_runs": "must be true while runs are live", "live_runs": len(live)})
    for run_id in live:
        try:
            lifecycle.cancel_by_id(run_id, f"the workflow was deleted by {current_user.username}", current_clock())
        except lifecycle.RunRefused as error:
            if db.session.get(Run, run_id).status in LIVE:
                db.session.rollback()
                abort(409, message=f"Nothing deleted: {error.message}", details={"run_id": run_id})
    db.session.delete(workflow)
    db.session.commit()
