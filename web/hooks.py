"""Inbound webhooks: POST /hooks/<workflow_id>/<secret> starts a run whose `payload` is the JSON body.

The secret in the URL is the only credential (no session, no CSRF), compared in constant time; a wrong
secret and an unknown workflow get the same answer, so the URL space reveals nothing.
"""
import hmac

from flask import Blueprint, jsonify, request

from store.db import db
from store.models import Workflow
from engine import lifecycle
from engine.context import current_clock
from web.errors import error_response

bp = Blueprint("hooks", __name__, url_prefix="/hooks")


@bp.post("/<int:workflow_id>/<secret>")
def receive(workflow_id: int, secret: str):
    workflow = db.session.get(Workflow, workflow_id)
    if workflow is None or not hmac.compare_digest(workflow.webhook_secret.encode(), secret.encode()):
        return error_response(404, "There is no webhook at this address.")
    if request.content_length and not request.is_json:
        return error_response(415, "Send the body as JSON with 'Content-Type: application/json'.")
    payload = request.get_json(silent=True) if request.content_length else {}
    if payload is None:
        return error_response(400, "The body is not valid JSON.")
    try:
        run = lifecycle.start_by_hand(workflow, payload=payload, via="webhook", clock=current_clock())
    except lifecycle.RunRefused as error:
        db.session.commit()  # the refusal is recorded
        return error_response(error.status, error.message)
    db.session.commit()
    return jsonify({"run_id": run.id, "status": run.status}), 201
