"""A workflow's enrollment history: what its trigger did with each event it saw, and why."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from engine import enrollment_history
from web.api.blueprint import Blueprint
from web.api.schemas import PageArgs
from web.api.workflows import get_workflow
from web.auth import requires

blp = Blueprint("enrollments", __name__, url_prefix="/api/workflows", description="Enrollment history")


class HistoryQuery(PageArgs):
    outcome = fields.String(validate=validate.OneOf(enrollment_history.OUTCOMES),
                            metadata={"description": "only this outcome: enrolled, filtered or refused"})


class EventOut(ma.Schema):
    id = fields.Integer()
    object = fields.String()
    event = fields.String(metadata={"description": "created, updated, deleted or stage_changed"})
    actor = fields.String(allow_none=True, metadata={"description": "who made the change"})
    changed = fields.List(fields.String(), metadata={"description": "the fields the change touched"})


class EnrollmentOut(ma.Schema):
    id = fields.Integer()
    outcome = fields.String(metadata={"description": "enrolled (a run started), filtered (the trigger's filter left "
                                                     "the record out) or refused (re-enrollment off, the workflow's "
                                                     "own change, the chain limit, a paused workflow)"})
    reason = fields.String(metadata={"description": "why, in words; for `filtered`, the rule that said no"})
    run_id = fields.Integer(allow_none=True)
    record_id = fields.Integer(allow_none=True)
    event = fields.Nested(EventOut, allow_none=True,
                          metadata={"description": "the event answered; null for a manual, webhook or time start"})
    created_at = fields.DateTime()


class HistoryPage(ma.Schema):
    items = fields.List(fields.Nested(EnrollmentOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "outcome -> how many, whatever the filter"})


@blp.route("/<int:workflow_id>/enrollments")
class Enrollments(MethodView):
    @requires("viewer")
    @blp.arguments(HistoryQuery, location="query")
    @blp.response(200, HistoryPage)
    def get(self, args, workflow_id):
        """Every event the trigger saw, newest first: enrolled, filtered out (which rule) or refused (why).
        Filter-outs are kept 30 days."""
        get_workflow(workflow_id)
        return enrollment_history.history(workflow_id, outcome=args.get("outcome"), page=args["page"],
                                          per_page=args["per_page"])
