"""The engine's tables: people, records and their durable change events."""
from engine.models.fires import TriggerFire
from engine.models.people import ApiToken, Notification, User, ROLES
from engine.models.records import Event, ObjectType, Record
from engine.models.runs import EnrollmentRefusal, Message, Run, Step
from engine.models.secrets import Secret
from engine.models.tasks import HumanTask
from engine.models.workers import WorkerBeat

__all__ = ["ApiToken", "EnrollmentRefusal", "Event", "HumanTask", "Message", "Notification", "ObjectType", "Record", "ROLES", "Run",
           "Secret", "Step", "TriggerFire", "User", "WorkerBeat"]
