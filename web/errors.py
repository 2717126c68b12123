"""One error shape for the API: {"error": {"code", "message", "details"}} (CONTRACT.md §2)."""
from flask import current_app, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable, default_exceptions

from store.db import db
from store.folders import FolderRefused
from builder.errors import InvalidWorkflow
from crm.pipelines import InUse
from crm.errors import Conflict, InvalidInput, UnknownObject
from engine.task_rights import TaskRefused
from engine.workflows import WorkflowRefused
from web.input_rules import check_request_input

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         422: "invalid", 429: "too_many_requests", 500: "internal_error", 503: "busy"}
# PostgreSQL: lock_not_available, serialization_failure, deadlock_detected, admin/crash shutdown, cannot connect now.
_BUSY_SQLSTATES = {"55P03", "40001", "40P01", "57P01", "57P02", "57P03"}
RETRY_AFTER_SECONDS = 2


def error_body(status: int, message: str, details: dict | None = None, code: str | None = None) -> dict:
    return {"error": {"code": code or CODES.get(status, "error"), "message": message, "details": details or {}}}


def error_response(status: int, message: str, details: dict | None = None, code: str | None = None):
    return jsonify(error_body(status, message, details, code)), status


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/hooks/")) or request.path == "/api"


def flatten(messages, prefix="") -> dict:
    """webargs nests errors by location ({"json": {"name": ["..."]}}); callers want field -> message."""
    out = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "" if key in ("json", "query", "form", "_schema") and not prefix else str(key)
            joined = f"{prefix}.{name}" if prefix and name else (name or prefix)
            out.update(flatten(value, joined))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "body"] = " ".join(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.update(flatten(value, f"{prefix}[{i}]"))
    else:
        out[prefix or "body"] = str(messages)
    return out


def refusal(error: Exception) -> tuple[int, str, dict] | None:
    """The status, message and details a request refused with `error` is answered with; None when `error` is
    not a refusal but a bug or a busy database."""
    if isinstance(error, HTTPException):
        data = getattr(error, "data", None) or {}
        details = flatten(data["messages"]) if "messages" in data else data.get("details", {})
        default = {422: "Some fields are not valid.", 400: "The request could not be read."}.get(error.code)
        return error.code, data.get("message") or data.get("description") or (
            default if details else error.description), details
    if isinstance(error, (InUse, Conflict)):  # before InvalidInput, which they are
        return 409, error.message, error.details
    if isinstance(error, (InvalidInput, InvalidWorkflow)):
        return 422, error.message, error.details
    if isinstance(error, (TaskRefused, WorkflowRefused, FolderRefused)):
        return error.status, error.message, error.details
    if isinstance(error, UnknownObject):
        return 404, f"No object type named '{error.args[0]}'.", {"object": "unknown object type"}
    return None


def handle_http(error: HTTPException):
    if not wants_json():
        return render_template("error.html", error=error), error.code
    response, status = error_response(*refusal(error))
    for name, value in ((getattr(error, "data", None) or {}).get("headers") or {}).items():
        response.headers[name] = value
    return response, status


def handle_refusal(error: Exception):
    status, message, details = refusal(error)
    if not wants_json():  # a page: the same refusal, as the error page
        return render_template("error.html", error=default_exceptions[status](message)), status
    return error_response(status, message, details)


def is_busy(error: OperationalError) -> bool:
    """True for a database that is busy or briefly away (SQLite's lock, after its busy timeout; PostgreSQL's
    lock, serialization and shutdown errors; a lost connection), as opposed to a bug in a statement."""
    cause = error.orig
    return (error.connection_invalidated or "database is locked" in str(cause) or "database table is locked" in
            str(cause) or getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES)


def handle_operational(error: OperationalError):
    """A busy database is not a bug: 503 with Retry-After (SQLite has already waited its busy timeout)."""
    db.session.rollback()
    if not is_busy(error):
        return handle_unexpected(error)
    current_app.logger.warning("database busy on %s %s: %s", request.method, request.path, error.orig)
    message = "The database is busy; nothing was saved. Try again in a moment."
    if wants_json():
        response, status = error_response(503, message)
    else:
        response, status = render_template("error.html", error=ServiceUnavailable(message)), 503
    return response, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if not wants_json():
        return render_template("error.html", error=None), 500
    return error_response(500, "Something went wrong on our side; it has been logged.")


def require_json_body():
    """API writes take JSON; a form or text body would otherwise be silently read as empty."""
    if (request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH")
            and request.content_length and not request.is_json):
        return error_response(415, "Send the body as JSON with 'Content-Type: application/json'.",
                              {"Content-Type": request.content_type or "missing"})
    return None


def register_errorhandlers(app) -> None:
    app.before_request(require_json_body)
    app.before_request(check_request_input)
    app.register_error_handler(HTTPException, handle_http)
    for refused in (InvalidInput, TaskRefused, WorkflowRefused, InUse, InvalidWorkflow, UnknownObject, FolderRefused):
        app.register_error_handler(refused, handle_refusal)
    app.register_error_handler(OperationalError, handle_operational)
    app.register_error_handler(Exception, handle_unexpected)
