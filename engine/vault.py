"""The secrets store and the sealing of credentials that wait in the outbox.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from ``SECRET_KEY`` with
HKDF, so the database alone does not give them away; web and workers must share ``SECRET_KEY`` (changing it
makes stored secrets and queued webhooks unreadable: they fail saying so).

A webhook step never renders a secret: ``{{ secrets.NAME }}`` renders as a placeholder carrying a random
nonce of that message, and only the sender replaces the placeholders of that nonce with the values, right
before the request leaves. Record data that imitates a placeholder cannot know the nonce, so it is sent as
it reads.
"""
import base64
import functools
import re
import secrets as random

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from builder.credentials import SECRET_NAME, SECRET_REF
from store import audit
from store.db import db, utcnow
from engine.models import Secret
from crm.errors import InvalidInput

_PLACEHOLDER = re.compile(r"\u27e6secret:([A-Za-z_][A-Za-z0-9_]*):([0-9a-f]{32})\u27e7")
_MAX_DEPTH = 64
MAX_VALUE_CHARS = 4000


class SecretUnavailable(Exception):
    """A referenced secret is missing, or a sealed value cannot be opened (SECRET_KEY changed)."""


@functools.lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"flowdesk secrets v1").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _cipher() -> Fernet:
    return _fernet(str(current_app.config["SECRET_KEY"]))


def seal(text: str) -> str:
    return _cipher().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnavailable("a stored credential cannot be decrypted (was SECRET_KEY changed?)") from exc


# The store (admins manage it; readers only ever get names).

def names() -> list[dict]:
    return [s.as_dict() for s in db.session.scalars(db.select(Secret).order_by(Secret.name))]


def put(name: str, value: str, by: str | None) -> bool:
    """Create or replace a secret; True when it is new. The caller commits. Raises InvalidInput."""
    details = {}
    if not isinstance(name, str) or not SECRET_NAME.fullmatch(name):
        details["name"] = "letters, digits and _, not starting with a digit, at most 64 characters"
    if not isinstance(value, str) or not value or len(value) > MAX_VALUE_CHARS \
            or re.search("[\x00\ud800-\udfff]", value):
        details["value"] = f"between 1 and {MAX_VALUE_CHARS} characters of text (no NUL)"
    if details:
        raise InvalidInput(details, "The secret is not valid.")
    found = db.session.scalar(db.select(Secret).where(Secret.name == name))
    # The audit row names the secret, never its value.
    if found is None:
        db.session.add(Secret(name=name, sealed_value=seal(value), updated_by=by))
        audit.record("secret.created", "secret", name, f"secret {name} added", name)
        return True
    found.sealed_value, found.updated_at, found.updated_by = seal(value), utcnow(), by
    audit.record("secret.replaced", "secret", name, f"the value of secret {name} replaced", name)
    return False


def remove(name: str) -> bool:
    if db.session.execute(db.delete(Secret).where(Secret.name == name)).rowcount != 1:
        return False
    audit.record("secret.deleted", "secret", name, f"secret {name} deleted", name)
    return True


def value_of(name: str) -> str:
    found = db.session.scalar(db.select(Secret.sealed_value).where(Secret.name == name))
    if found is None:
        raise SecretUnavailable(f"there is no secret named {name} (add it under Settings, Secrets)")
    return unseal(found)


# Placeholders: what `{{ secrets.NAME }}` renders as in a webhook step.

def new_nonce() -> str:
    return random.token_hex(16)


def placeholders(texts, nonce: str) -> dict:
    """The `secrets` template value for these texts: each referenced name -> its placeholder."""
    found = {name for text in texts if isinstance(text, str) for name in SECRET_REF.findall(text)}
    return {name: f"\u27e6secret:{name}:{nonce}\u27e7" for name in sorted(found)}


def shown(value, nonce: str):
    """`value` (text or JSON) as readers see it: each placeholder written back as ``{{ secrets.NAME }}``."""
    return _walk(value, lambda m: "{{ secrets.%s }}" % m[1] if m[2] == nonce else m[0])


def resolve(value, nonce: str):
    """`value` with the placeholders of `nonce` replaced by the secrets' values. Returns (value, used values)."""
    used = {}

    def real(match):
        if match[2] != nonce:
            return match[0]
        if match[1] not in used:
            used[match[1]] = value_of(match[1])
        return used[match[1]]

    return _walk(value, real), list(used.values())


def _walk(value, replace, depth=0):
    if isinstance(value, str):
        return _PLACEHOLDER.sub(replace, value) if "\u27e6" in value else value
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {_walk(key, replace, depth + 1): _walk(item, replace, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, replace, depth + 1) for item in value]
    return value
