"""Changes reported by outside systems, upserted by external_id and handled like local changes."""
import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

from store.db import db
from crm import outside_events, records
from engine import event_waits
from web.api.blueprint import Blueprint
from web.api.batch import BATCH_STATUS, accepts_batches, batch_answer, request_body
from web.api.records import RecordOut
from web.auth import cause, requires

blp = Blueprint("events", __name__, url_prefix="/api/events", description="Inbound change events")


class OutsideEvent(ma.Schema):
    object = fields.String(required=True)
    event = fields.String(required=True, validate=validate.OneOf(records.EVENTS))
    record = fields.Dict(required=True, metadata={"description": "{external_id, ...fields, owner?, tags?, stage?}"})


class EventResult(ma.Schema):
    result = fields.String(metadata={"description": "created, updated, unchanged or deleted"})
    record = fields.Nested(RecordOut, allow_none=True)


EventBatch = batch_answer("Event", dict(EventResult().fields))


@blp.route("")
class Events(MethodView):
    @requires("editor")
    @accepts_batches(OutsideEvent, lambda data: {"status": 200, **apply(data)})
    @blp.arguments(OutsideEvent)
    @blp.response(200, EventResult)
    @blp.alt_response(BATCH_STATUS, schema=EventBatch, description="A list body: one answer per item, in order")
    @blp.doc(**request_body(OutsideEvent))
    def post(self, data):
        """Report one change, or each of a list of up to 500 (each in order: 200 or refused)."""
        answer = apply(data)
        db.session.commit()
        return answer


def apply(data: dict) -> dict:
    """Apply one outside event, uncommitted: what happened and the record as it now is."""
    try:
        record, result = outside_events.apply(data["object"], data["event"], data["record"], cause())
    except records.UnknownObject:
        # Named in the body, not the URL: a field of this request is wrong, nothing is missing.
        abort(422, message=f"No object type named '{data['object']}'.", details={"object": "unknown object type"})
    if record is not None:
        event_waits.note_received(record, cause(), data["record"])
    return {"result": result, "record": record.as_dict() if record else None}
