"""/settings/audit (admin): the audit log, filtered by who, what, which object and when, a page at a time."""
import marshmallow as ma
from flask import render_template, request

from store import audit
from store.db import db
from crm.models import User
from web.api.audit import AuditQuery
from web.api.schemas import paginate
from web.errors import flatten
from web.pages import bp
from web.auth import requires

PER_PAGE = 50


@bp.route("/settings/audit")
@requires("admin")
def settings_audit():
    shown = {key: value for key, value in request.args.items() if value.strip() and key != "page"}
    try:
        args = AuditQuery().load({**shown, "page": request.args.get("page", "1"), "per_page": PER_PAGE})
        problems = {}
    except ma.ValidationError as error:
        args, problems = None, flatten(error.messages)
    page = None
    if args is not None:
        page = paginate(audit.search(**{k: args.get(k) for k in ("actor", "action", "object_type", "object_id",
                                                                "since", "until")}), args)
    users = db.session.scalars(db.select(User.username).order_by(User.username)).all()
    return render_template("settings/audit.html", page=page, filters=shown, problems=problems,
                           actions=audit.actions(), object_types=audit.OBJECT_TYPES, users=users)
