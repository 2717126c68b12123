"""Named secrets that webhooks reference as ``{{ secrets.NAME }}``; values are stored encrypted (engine.vault)."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.db import UTCDateTime, db, utcnow


class Secret(db.Model):
    __tablename__ = "secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # A Fernet token made with a key derived from SECRET_KEY; never sent to any reader.
    sealed_value: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    updated_at = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))

    def as_dict(self) -> dict:
        return {"name": self.name, "created_at": self.created_at, "updated_at": self.updated_at,
                "updated_by": self.updated_by}
