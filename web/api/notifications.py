"""In-app notifications of the signed-in user."""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields

from store.db import db
from crm.models import Notification
from web.api.blueprint import Blueprint
from web.api.schemas import PageArgs, page_of, paginate
from web.auth import requires

blp = Blueprint("notifications", __name__, url_prefix="/api/notifications", description="In-app notifications")


class NotificationQuery(PageArgs):
    unread = fields.Boolean(metadata={"description": "only unread ones"})


class NotificationOut(ma.Schema):
    id = fields.Integer()
    message = fields.String()
    link = fields.String(allow_none=True)
    run_id = fields.Integer(allow_none=True)
    read = fields.Boolean()
    created_at = fields.DateTime()


NotificationPage = page_of(NotificationOut, "NotificationPage")


@blp.route("")
class Notifications(MethodView):
    @requires("viewer")
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationPage)
    def get(self, args):
        """Your notifications, newest first."""
        query = db.select(Notification).where(Notification.user_id == current_user.id) \
            .order_by(Notification.id.desc())
        if args.get("unread"):
            query = query.where(Notification.read.is_(False))
        page = paginate(query, args)
        page["items"] = [notification.as_dict() for notification in page["items"]]
        return page
