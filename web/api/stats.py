"""Workflow statistics: how many runs reached, wait at or failed at each node, and runs per day."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from engine import stats
from engine.context import current_clock
from web.api.blueprint import Blueprint
from web.api.workflows import get_workflow
from web.auth import requires

blp = Blueprint("stats", __name__, url_prefix="/api/workflows", description="Workflow statistics")


class Day(ma.Schema):
    date = fields.String()
    started = fields.Integer()
    completed = fields.Integer()
    failed = fields.Integer()


class StatsOut(ma.Schema):
    nodes = fields.Dict(metadata={"description": "node id -> {reached, waiting, failed}; a random split also "
                                                        "{branches: {name: runs that took it}}, a wait for event "
                                                        "{branches: {next: runs that heard it, timeout: runs that "
                                                        "timed out}}"})
    daily = fields.List(fields.Nested(Day), metadata={"description": "the last 30 days, oldest first"})


@blp.route("/<int:workflow_id>/stats")
class Stats(MethodView):
    @requires("viewer")
    @blp.response(200, StatsOut)
    def get(self, workflow_id):
        workflow = get_workflow(workflow_id)
        return {"nodes": stats.counts_of(workflow),
                "daily": stats.daily(workflow_id, current_clock().now().date())}
