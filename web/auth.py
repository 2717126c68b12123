"""Who is asking: session cookies (pages, with CSRF on writes) or bearer tokens (scripts)."""
from datetime import timedelta
from functools import wraps

from flask import g, redirect, request, url_for
from flask_smorest import abort
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from store.db import MAX_ID, db, utcnow
from crm.models import ApiToken, User
from crm.records import Cause
from crm.models.people import hash_token
from web.extensions import csrf, login_manager

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Inbound webhooks authenticate by the secret in their URL, never by cookie.
CSRF_EXEMPT_PREFIXES = ("/hooks/",)


def has_bearer(req) -> bool:
    return req.headers.get("Authorization", "").lower().startswith("bearer ")


@login_manager.user_loader
def load_user(user_id: str):
    # A request that names a token is judged by that token alone, never by a session cookie beside it.
    # The id is "<user id>:<session epoch>": a cookie from before the user's last sign-out names an old epoch.
    number, _, epoch = user_id.partition(":")
    if has_bearer(request) or not number.isdigit() or not epoch.isdigit() or int(number) > MAX_ID:
        return None
    user = db.session.get(User, int(number))
    return user if user and user.active and user.session_epoch == int(epoch) else None


# The token's user and when the token was last used, in one query: it runs on every token request.
_TOKEN_USER = db.select(User, ApiToken.id, ApiToken.last_used_at).join(ApiToken, ApiToken.user_id == User.id) \
    .where(ApiToken.token_hash == db.bindparam("token_hash"))


@login_manager.request_loader
def load_user_from_token(req):
    if not has_bearer(req):
        return None
    header = req.headers["Authorization"]
    found = db.session.execute(_TOKEN_USER, {"token_hash": hash_token(header[7:].strip())}).first()
    if found is None or not found.User.active:
        return None
    g.token_auth = True
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at > timedelta(hours=1):
        db.session.execute(db.update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now))
        db.session.commit()
    return found.User


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api"):
        abort(401, description="Sign in or send 'Authorization: Bearer <token>'.")
    return redirect(url_for("pages.login", next=request.full_path))


def protect_cookie_writes():
    """CSRF on every cookie-authenticated write; bearer-token requests carry no ambient credential."""
    if request.method not in WRITE_METHODS or request.path.startswith(CSRF_EXEMPT_PREFIXES):
        return
    if has_bearer(request):
        return
    # Nobody signed in: the view answers 401 (forms such as /login check their own CSRF token).
    if current_user.is_authenticated:
        csrf.protect()


def requires(role: str, *, to_write: str | None = None):
    """Refuse with 401 when nobody is signed in (pages send them to sign in) and 403 when the user's role is
    below `role`, or below `to_write` for a write (POST, PUT, PATCH, DELETE). The one role check of the API and
    the pages alike."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            needed = to_write if to_write and request.method in WRITE_METHODS else role
            if not current_user.has_role(needed):
                raise Forbidden(f"This needs the '{needed}' role; you are '{current_user.role}'.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def actor_name() -> str:
    """How a change is attributed in its event: the user, and whether it came through a token."""
    suffix = " (token)" if g.get("token_auth") else ""
    return f"{current_user.username}{suffix}" if current_user.is_authenticated else "anonymous"


def cause() -> Cause:
    """The cause of a change made through a door: who, for the event, and the user, for the rules that ask."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Cause(actor=actor_name(), user=user)
