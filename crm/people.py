"""Creating users and tokens: shared by the CLI and the admin API."""
import functools
import re
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from store import audit
from store.db import begin_writing, db
from crm.models import ROLES, ApiToken, User
from crm.errors import Conflict, UserInvalid

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
MAX_PASSWORD = 1_000


def find_user(username: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None.

    An unknown or inactive user costs the same password-hash check as a known one, so how long sign-in
    takes does not tell whether a username exists.
    """
    user = find_user(username)
    known = user is not None and user.active and bool(user.password_hash)
    matches = check_password_hash(user.password_hash if known else _stand_in_hash(), password)
    return user if known and matches else None


@functools.cache
def _stand_in_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def create_user(username: str, role: str, password: str | None = None, email: str | None = None,
                name: str | None = None) -> User:
    errors = {}
    if not USERNAME.match(username or ""):
        errors["username"] = "letters, digits, '.', '_' and '-' only, 1 to 80 characters"
    elif find_user(username):
        errors["username"] = f"'{username}' is taken"
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    if password is not None and not 8 <= len(password) <= MAX_PASSWORD:
        errors["password"] = f"8 to {MAX_PASSWORD:,} characters"
    if email and ("@" not in email or len(email) > 254):
        errors["email"] = "not an email address"
    if name and len(name) > 200:
        errors["name"] = "at most 200 characters"
    if errors:
        raise UserInvalid(errors, "The user is not valid.")
    user = User(username=username, role=role, email=email or None, name=name or username)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", "user", user.id, f"created {role} '{username}'", username,
                 after={"role": role, "active": True, "email": user.email})
    return user


def change_user(user: User, role: str | None = None, active: bool | None = None) -> User:
    """Change a user's role and/or switch them off or on. The last active admin stays one (Conflict)."""
    if role is not None and role not in ROLES:
        raise UserInvalid({"role": f"must be one of {', '.join(ROLES)}"}, "The user is not valid.")
    before = {"role": user.role, "active": user.active}
    after = {"role": user.role if role is None else role, "active": user.active if active is None else active}
    if before == after:
        return user
    if before["role"] == "admin" and before["active"] and after != {"role": "admin", "active": True}:
        _keep_an_admin(user)
    user.role, user.active = after["role"], after["active"]
    was, now = audit.differences(before, after)
    action = "user.deactivated" if was.get("active") else "user.changed"
    said = ", ".join(f"{key} {was[key]} \u2192 {now[key]}" for key in was)
    audit.record(action, "user", user.id, f"{user.username}: {said}", user.username, before=was, after=now)
    return user


def set_available(user: User, available: bool) -> None:
    """Mark a user available for rotate-owner steps, or away."""
    if user.available == available:
        return
    user.available = available
    audit.record("user.changed", "user", user.id, f"{user.username}: {'available' if available else 'away'}",
                 user.username, before={"available": not available}, after={"available": available})


def _keep_an_admin(leaving: User) -> None:
    # Take the write lock (SQLite) or lock the admin rows (PostgreSQL) first, so two admins demoting each
    # other at the same instant cannot both pass the count.
    begin_writing()
    admins = db.session.scalars(db.select(User.id).where(User.role == "admin", User.active.is_(True))
                                .with_for_update()).all()
    if set(admins) <= {leaving.id}:
        raise Conflict({"role" if leaving.active else "active": "the last active admin must stay an active admin"},
                       f"'{leaving.username}' is the last active admin; make another user an admin first.")


def issue_token(username: str, name: str) -> tuple[ApiToken, str]:
    user = find_user(username)
    if user is None:
        raise UserInvalid({"user": f"no user named '{username}'"}, "The token is not valid.")
    if not name or len(name) > 100:
        raise UserInvalid({"name": "1 to 100 characters"}, "The token is not valid.")
    token, plain = ApiToken.issue(user, name)
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", "token", token.id, f"token '{name}' ({token.prefix}\u2026) for {username}", name,
                 after={"user": username, "prefix": token.prefix})
    return token, plain


def revoke_token(token: ApiToken) -> None:
    audit.record("token.revoked", "token", token.id, f"token '{token.name}' ({token.prefix}\u2026) of "
                 f"{token.user.username} revoked", token.name, before={"user": token.user.username,
                                                                      "prefix": token.prefix})
    db.session.delete(token)
