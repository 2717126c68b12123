"""The outbox: outbound emails, SMS, WhatsApp messages and webhook calls, and how their delivery went."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from builder.catalog import channels
from store.db import db
from engine.models import Message
from engine.models.runs import MESSAGE_STATUSES
from web.api.blueprint import Blueprint
from web.api.schemas import Id, PageArgs, page_of, paginate
from web.auth import requires

blp = Blueprint("messages", __name__, url_prefix="/api/messages", description="Outbound messages")


class MessageQuery(PageArgs):
    run_id = Id()
    channel = fields.String(validate=validate.OneOf(channels()))
    status = fields.String(validate=validate.OneOf(MESSAGE_STATUSES))


class MessageOut(ma.Schema):
    id = fields.String(metadata={"description": "also the SMTP Message-ID / HTTP Idempotency-Key"})
    channel = fields.String()
    to = fields.String()
    cc = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    status = fields.String()
    transport = fields.String(allow_none=True, metadata={"description": "mailbox when no provider is configured"})
    attempts = fields.Integer()
    run_id = fields.Integer(allow_none=True)
    node_id = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


MessagePage = page_of(MessageOut, "MessagePage")


@blp.route("")
class Messages(MethodView):
    @requires("viewer")
    @blp.arguments(MessageQuery, location="query")
    @blp.response(200, MessagePage)
    def get(self, args):
        """Messages, newest first."""
        query = db.select(Message).order_by(Message.created_at.desc(), Message.id)
        for name in ("run_id", "channel", "status"):
            if args.get(name) is not None:
                query = query.where(getattr(Message, name) == args[name])
        page = paginate(query, args)
        page["items"] = [message.as_dict() for message in page["items"]]
        return page
