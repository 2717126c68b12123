"""The engine's tables: people, records and their durable change events."""
from engine.models.people import ApiToken, Notification, User, ROLES
from engine.models.records import Event, ObjectType, Record

__all__ = ["ApiToken", "Event", "Notification", "ObjectType", "Record", "ROLES", "User"]
