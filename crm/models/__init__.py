"""The CRM's tables: people, object types, records and their durable change events."""
from crm.models.people import ApiToken, Notification, User, ROLES
from crm.models.records import Event, ObjectType, Record

__all__ = ["ApiToken", "Event", "Notification", "ObjectType", "Record", "ROLES", "User"]
