"""/outbox: every outbound message (and the built-in mailbox when no provider is configured)."""
from flask import render_template, request

from builder.catalog import channels
from store.db import db
from engine.models import Message
from engine.models.runs import MESSAGE_STATUSES as STATUSES
from web.auth import requires
from web.pages import bp

PAGE_SIZE = 100


@bp.route("/outbox")
@requires("viewer")
def outbox():
    query = db.select(Message).order_by(Message.created_at.desc())
    channel, status = request.args.get("channel"), request.args.get("status")
    if channel in channels():
        query = query.filter(Message.channel == channel)
    if status in STATUSES:
        query = query.filter(Message.status == status)
    messages = [m.as_dict() for m in db.session.execute(query.limit(PAGE_SIZE)).scalars()]
    return render_template("outbox.html", messages=messages, channels=channels(), statuses=STATUSES,
                           channel=channel, status=status)
