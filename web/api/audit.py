"""The audit log (admin): who changed which workflow, setting, user, token or task, and when."""
from datetime import datetime, time, timedelta, timezone

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from store import audit
from web.api.blueprint import Blueprint
from web.api.schemas import PageArgs, page_of, paginate
from web.auth import requires

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="The audit log (admin)")


class Moment(fields.Field):
    """A date ("2026-12-05") or a date and time with an offset; a time without an offset is UTC."""

    def __init__(self, end_of_day: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end_of_day = end_of_day

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = datetime.combine(datetime.fromisoformat(text).date(), time(), timezone.utc)
                return day + timedelta(days=1) if self.end_of_day else day
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ma.ValidationError("a date (2026-12-05) or an ISO 8601 date and time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class AuditQuery(PageArgs):
    actor = fields.String(validate=validate.Length(max=80), metadata={"description": "a username, 'cli' or 'system'"})
    action = fields.String(validate=validate.Length(max=40), metadata={
        "description": "e.g. workflow.published, or a family: workflow"})
    object_type = fields.String(validate=validate.OneOf(audit.OBJECT_TYPES))
    object_id = fields.String(validate=validate.Length(max=100))
    since = Moment(data_key="from", metadata={"description": "from this date (or moment) on"})
    until = Moment(end_of_day=True, data_key="to", metadata={"description": "up to this date, inclusive"})


class AuditOut(ma.Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    via = fields.String(metadata={"description": "session, token, cli or system"})
    token_id = fields.Integer(allow_none=True)
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String()
    object_name = fields.String(allow_none=True)
    summary = fields.String()
    changes = fields.Dict(allow_none=True, metadata={"description": "{before, after}: the parts that changed"})


@blp.route("")
class AuditLog(MethodView):
    @requires("admin")
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_of(AuditOut, "AuditPage"))
    def get(self, args):
        """The audit log, newest first; every filter given must match."""
        filters = {k: args.get(k) for k in ("actor", "action", "object_type", "object_id", "since", "until")}
        page = paginate(audit.search(**filters), args)
        return {**page, "items": [entry.as_dict() for entry in page["items"]]}
