"""Users, their API tokens and in-app notifications."""
import hashlib
import secrets

from sqlalchemy import ForeignKey, String, Text, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from store.db import UTCDateTime, db, utcnow

# Each role can do everything the roles before it can.
ROLES = ("viewer", "editor", "admin")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Off while away: rotate-owner steps set to "only available users" pass them over.
    available: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session cookie's user id; signing out bumps it, so no earlier cookie of this user reads on.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    # The four attributes Flask-Login asks of a user object.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def as_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "name": self.name,
                "email": self.email, "role": self.role, "active": self.active,
                "available": self.available}


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    last_used_at = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """A new token for `user`; the plain text is returned once and never stored."""
        plain = "fd_" + secrets.token_urlsafe(32)
        return cls(name=name, user=user, token_hash=hash_token(plain), prefix=plain[:10]), plain

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "user": self.user.username, "prefix": self.prefix,
                "created_at": self.created_at, "last_used_at": self.last_used_at}


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    run_id: Mapped[int | None] = mapped_column(index=True)
    read: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    def as_dict(self) -> dict:
        return {"id": self.id, "message": self.message, "link": self.link, "run_id": self.run_id,
                "read": self.read, "created_at": self.created_at}
