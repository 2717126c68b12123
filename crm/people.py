"""Creating users and tokens: shared by the CLI and the admin API."""
import functools
import re
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from store.db import db
from crm.models import ROLES, ApiToken, User
from crm.errors import UserInvalid

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
    return user


def issue_token(username: str, name: str) -> tuple[ApiToken, str]:
    user = find_user(username)
    if user is None:
        raise UserInvalid({"user": f"no user named '{username}'"}, "The token is not valid.")
    if not name or len(name) > 100:
        raise UserInvalid({"name": "1 to 100 characters"}, "The token is not valid.")
    token, plain = ApiToken.issue(user, name)
    db.session.add(token)
    db.session.flush()
    return token, plain
