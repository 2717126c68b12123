"""Settings from the environment (CONTRACT.md §1), with an optional instance/config.py on top."""
import os
import secrets
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'flowdesk.db'}"
    # psycopg 3 is the driver we ship; plain postgres URLs would ask SQLAlchemy for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def digest_time() -> tuple[str, str]:
    """ALERT_DIGEST_AT ("HH:MM") and ALERT_DIGEST_TIMEZONE, checked now rather than at the first digest."""
    at = os.environ.get("ALERT_DIGEST_AT") or "08:00"
    zone = os.environ.get("ALERT_DIGEST_TIMEZONE") or "UTC"
    try:
        time.fromisoformat(at)
        ZoneInfo(zone)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"ALERT_DIGEST_AT must be HH:MM and ALERT_DIGEST_TIMEZONE a time zone name: {exc}") from None
    return at, zone


def from_environment(instance_path: str) -> dict:
    digest_at, digest_zone = digest_time()
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SECRET_KEY": secret_key(instance_path),
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "SMTP_SENDER": os.environ.get("SMTP_SENDER", "flowdesk@localhost"),
        "SMS_PROVIDER_URL": os.environ.get("SMS_PROVIDER_URL") or None,
        "WHATSAPP_PROVIDER_URL": os.environ.get("WHATSAPP_PROVIDER_URL") or None,
        "WEBHOOK_ALLOW_PRIVATE": _flag("WEBHOOK_ALLOW_PRIVATE", False),
        "FLOWDESK_EMBEDDED_ENGINE": _flag("FLOWDESK_EMBEDDED_ENGINE", True),
        "ALERT_DIGEST_AT": digest_at,
        "ALERT_DIGEST_TIMEZONE": digest_zone,
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # CSRF is checked in web.auth only for cookie-authenticated writes (tokens need none).
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "API_TITLE": "Flowdesk",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
}
