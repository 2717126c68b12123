"""The stage rules board: stage_entered workflows per stage, and copying or moving them between stages."""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields as mf, validate

from store.db import db
from engine import stage_rules
from web.api.blueprint import Blueprint
from web.api.schemas import Id
from web.api.workflows import WorkflowOut, dump
from web.auth import requires

blp = Blueprint("stage_rules", __name__, url_prefix="/api",
                description="Stage rules: the workflows that run when a record enters each stage")


class StageRuleCard(ma.Schema):
    id = mf.Integer()
    name = mf.String()
    status = mf.String()
    version = mf.Integer(allow_none=True)
    runs_7d = mf.Integer(metadata={"description": "runs started in the last 7 days"})


class StageColumn(ma.Schema):
    stage = mf.String()
    label = mf.String()
    cards = mf.List(mf.Nested(StageRuleCard))


class StageBoardOut(ma.Schema):
    object = mf.String()
    object_label = mf.String()
    pipeline = mf.String()
    label = mf.String()
    columns = mf.List(mf.Nested(StageColumn))


class StageTransferIn(ma.Schema):
    workflow_ids = mf.List(Id(), required=True, validate=validate.Length(min=1, max=200))
    object = mf.String(required=True)
    pipeline = mf.String(required=True)
    stage = mf.String(required=True)


class StageTransferOut(ma.Schema):
    workflows = mf.List(mf.Nested(WorkflowOut), metadata={"description": "the copies, or the moved workflows"})
    problems = mf.List(mf.Dict(), metadata={
        "description": "problems of the re-targeted drafts ({workflow_id, workflow, severity, node_id, field, "
                       "message}); they never stop a copy or a draft's move"})


@blp.route("/pipelines/<object_name>/<pipeline>/rules")
class Board(MethodView):
    @requires("viewer")
    @blp.response(200, StageBoardOut)
    def get(self, object_name, pipeline):
        """One column per live stage of the pipeline, each with the workflows that start when it is entered."""
        try:
            return stage_rules.board(object_name, pipeline)
        except stage_rules.UnknownPipeline as missing:
            abort(404, message=str(missing), details={"pipeline": "unknown pipeline"})


def _transfer_view(mode: str):
    @requires("editor")
    @blp.arguments(StageTransferIn)
    @blp.response(200, StageTransferOut)
    @blp.alt_response(422, description="A bad target or workflow id (named), or the list of problems that "
                                       "would break a published rule at the target; nothing changed")
    def post(self, data):
        result = stage_rules.transfer(data["workflow_ids"], data["object"], data["pipeline"], data["stage"],
                                      mode, current_user)
        db.session.commit()
        return {"workflows": [dump(w) for w in result["workflows"]], "problems": result["problems"]}

    return post


@blp.route("/workflows/copy-to-stage")
class CopyToStage(MethodView):
    """Copy stage rules, as drafts named "Copy of …", re-targeted to another stage, pipeline or object type."""

    post = _transfer_view("copy")


@blp.route("/workflows/move-to-stage")
class MoveToStage(MethodView):
    """Move stage rules to another stage, pipeline or object type. Published ones are re-validated against
    the target and re-published; if any would break, nothing moves and the problems are listed."""

    post = _transfer_view("move")
