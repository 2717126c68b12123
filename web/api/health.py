"""/api/health: is the database reachable, and which engine workers are alive (for load balancers and people)."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields
from sqlalchemy.exc import SQLAlchemyError

from store.db import db
from engine.heartbeat import workers
from web.api.blueprint import Blueprint

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Service health (no sign-in needed)")


class WorkerOut(ma.Schema):
    name = fields.String()
    started_at = fields.DateTime()
    last_seen = fields.DateTime()
    alive = fields.Boolean()


class HealthOut(ma.Schema):
    status = fields.String(metadata={"description": "ok, or degraded when the database cannot be reached"})
    database = fields.String()
    workers = fields.List(fields.Nested(WorkerOut))


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut, description="The database cannot be reached")
    def get(self):
        try:
            db.session.execute(db.text("SELECT 1"))
            found = workers()
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            return {"status": "degraded", "database": f"unreachable: {type(exc).__name__}", "workers": []}, 503
        return {"status": "ok", "database": "ok", "workers": found}
