"""A record as workflows and events see it: one read-only value made from a stored record, which gives the
event snapshot (owner by username) and the template and condition data (owner with email and name).

>>> from types import SimpleNamespace as Row
>>> owner = Row(username="eddie", email="e@example.com", name="Eddie")
>>> view = RecordView.of(Row(id=7, object="deal", fields={"name": "Acme"}, owner=owner, tags=["hot"],
...                          pipeline="sales", stage="new", external_id=None, created_at=None, updated_at=None))
>>> view.snapshot()["owner"], view.template_data()["owner"]["email"], view.tags
('eddie', 'e@example.com', ('hot',))
"""
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType


@dataclass(frozen=True)
class Owner:
    username: str
    email: str | None
    name: str | None


@dataclass(frozen=True)
class RecordView:
    id: int
    object: str
    fields: MappingProxyType
    owner: Owner | None
    tags: tuple
    pipeline: str | None
    stage: str | None
    external_id: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, record) -> "RecordView":
        """The view of a stored record (the ORM row, or crm.records.load's namespace)."""
        owner = record.owner
        return cls(record.id, record.object, MappingProxyType(dict(record.fields or {})),
                   Owner(owner.username, owner.email, owner.name) if owner is not None else None,
                   tuple(record.tags or ()), record.pipeline, record.stage, record.external_id, record.created_at,
                   record.updated_at)

    def _data(self, owner) -> dict:
        return {"id": self.id, "object": self.object, "fields": dict(self.fields), "owner": owner,
                "tags": list(self.tags), "pipeline": self.pipeline, "stage": self.stage,
                "external_id": self.external_id,
                "created_at": self.created_at.isoformat() if self.created_at else None,
                "updated_at": self.updated_at.isoformat() if self.updated_at else None}

    def snapshot(self) -> dict:
        """Plain JSON-able data, owner by username: what events carry and the API returns."""
        return self._data(self.owner.username if self.owner else None)

    def template_data(self) -> dict:
        """Plain data for templates and conditions: the owner as {username, email, name}."""
        owner = self.owner
        return self._data({"username": owner.username, "email": owner.email, "name": owner.name} if owner else None)
