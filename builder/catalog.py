"""The node catalog: every node type declared once (CONTRACT.md §4).

A node type is identified by its kind *and* its type name, because the contract uses ``webhook``
for both a trigger and an action.

>>> get_type("condition").ports_for({})
['true', 'false']
>>> ports_of({"kind": "human_task", "type": "human_task", "config": {"outcomes": ["approved", "rejected"]}})
['approved', 'rejected', 'timeout']
"""
import copy
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import Schema

from builder import schemas as s
from builder.errors import UnknownNodeType
from builder.schemas import CONDITION_OPERATORS, PRIORITIES, WAITED_EVENTS, WEEKDAYS

KINDS = ("trigger", "condition", "wait", "human_task", "action")
WAITING_KINDS = ("wait", "human_task")
__all__ = ["CONDITION_OPERATORS", "KINDS", "NODE_TYPES", "WAITING_KINDS", "NodeType", "catalog_json", "get_type",
           "ports_of"]


@dataclass(frozen=True)
class NodeType:
    """One node type: what the editor shows, what its config holds and which ports leave it.

    `ports` is a fixed tuple, or a function of the node's config for types whose ports depend on it.
    `event` names the record event a trigger listens to (``created``, ``updated``, ``deleted``,
    ``stage_changed``) or its other source (``time``, ``schedule``, ``webhook``, ``manual``); `also_on`, the
    further events that may start it (a record created in a stage has entered it too).
    """

    type: str
    kind: str
    label: str
    icon: str
    help: str
    schema: type
    ports: tuple | Callable[[dict], list] = ("next",)
    event: str | None = None
    also_on: tuple = ()
    fields: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def events(self) -> tuple:
        """Every event that may start a workflow with this trigger (enrollment's index lists each)."""
        return (self.event, *self.also_on) if self.event else ()

    @property
    def dynamic_ports(self) -> bool:
        return callable(self.ports)

    def ports_for(self, config: dict | None) -> list:
        """The output ports of a node of this type with `config`."""
        return list(self.ports(config or {})) if callable(self.ports) else list(self.ports)

    def defaults(self) -> dict:
        """A fresh config with every field at its default."""
        return copy.deepcopy(self._defaults)

    @cached_property
    def _defaults(self) -> dict:
        return self.schema().load({})


def _human_task_ports(config: dict) -> list:
    outcomes = config.get("outcomes", ["done"])
    if not isinstance(outcomes, list):
        outcomes = ["done"]
    named = [o for o in outcomes if isinstance(o, str) and o and o != "timeout"]
    return list(dict.fromkeys(named)) + ["timeout"]


def split_ports(config: dict) -> list:
    """A random split's ports: its branch names, in order (what a half-typed config names, read gracefully)."""
    branches = config.get("branches", [])
    names = [b.get("name") for b in branches if isinstance(b, dict)] if isinstance(branches, list) else []
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n))


_OBJECT = s.plain("Object", "object", required=True, description="The kind of record this workflow acts on")
_FILTER = s.condition_group("Only when", description="Start only for records matching these conditions")
_CANCEL = s.names("Cancel if changed", "fields",
                  description="Cancel the run if one of these fields changes while it waits here")
_APPROVAL_TASKS = s.flag("Include tasks made by approvals", description=(
    "Task records only: also start for the task record each approval (human task) keeps for itself; "
    "off, they start nothing, so an approval does not also set off every 'task created' rule"))
_DATE_FIELD = s.plain("Date field", "field", required=True, field_types=("date", "datetime"))
_ACTION_PORTS = ("next", "error")


def _trigger(type_, label, icon, help_, event, also_on=(), **fields_):
    return type_, "trigger", label, icon, help_, fields_, ("next",), event, also_on


def _wait(type_, label, icon, help_, ports=("next",), **fields_):
    return type_, "wait", label, icon, help_, {**fields_, "cancel_if_changed": _CANCEL}, ports, None


_BUSINESS_HOURS_ONLY = s.option("Only within business hours", description=(
    "Outside the workflow's business hours the run waits here until they open"))


def _action(type_, label, icon, help_, **fields_):
    return type_, "action", label, icon, help_, {**fields_, "business_hours_only": _BUSINESS_HOURS_ONLY}, \
        _ACTION_PORTS, None


_DECLARATIONS = [
    _trigger("record_created", "Record created", "plus-circle", "Starts when a record is created.", "created",
             object=_OBJECT, filter=_FILTER, include_workflow_tasks=_APPROVAL_TASKS),
    _trigger("record_updated", "Record updated", "edit", "Starts when a record changes.", "updated",
             object=_OBJECT, fields=s.names("Changed fields", "fields",
                                            description="Start only when one of these changed; empty = any"),
             filter=_FILTER, include_workflow_tasks=_APPROVAL_TASKS),
    _trigger("record_deleted", "Record deleted", "trash", "Starts when a record is deleted.", "deleted",
             object=_OBJECT, filter=_FILTER),
    _trigger("stage_entered", "Stage entered", "flag", "Starts when a record moves into a stage, or is created in it.",
             "stage_changed", also_on=("created",),
             object=_OBJECT, pipeline=s.plain("Pipeline", "pipeline"),
             stage=s.plain("Stage", "stage", required=True), filter=_FILTER),
    _trigger("date_reached", "Date reached", "calendar", "Starts on a date stored in a record.", "time",
             object=_OBJECT, field=_DATE_FIELD,
             offset=s.duration("Offset", "P0D", negative=True, description="e.g. -P1D for the day before"),
             at=s.plain("At", "time", "09:00", description="Time of day, in the workflow's time zone"),
             filter=_FILTER),
    _trigger("inactive_for", "Inactive for", "hourglass", "Starts when a record has not changed for a while.",
             "time", object=_OBJECT, duration=s.duration("Inactive for", "P7D"),
             stages=s.names("Only in stages", "stages", description="Empty = any stage"), filter=_FILTER),
    _trigger("schedule", "Schedule", "repeat", "Starts on a schedule (cron, in the workflow's time zone).",
             "schedule", cron=s.plain("Schedule", "cron", "0 9 * * 1-5",
                                      description="Five cron fields: minute hour day month weekday")),
    _trigger("webhook", "Webhook", "link", "Starts when a system posts JSON to the workflow's hook URL.",
             "webhook"),
    _trigger("manual", "Manual", "play", "Starts when someone runs it by hand.", "manual",
             object=s.plain("Object", "object", description="Empty = runs without a record")),
    ("condition", "condition", "Condition", "git-branch", "Goes on along 'true' or 'false'.",
     {"match": s.choice("Match", ("all", "any"), "all"), "rules": s.condition_rules("Rules")},
     ("true", "false"), None),
    ("random_split", "condition", "Random split", "shuffle",
     "Sends each record down one branch by weight (an A/B test); the same record always takes the same branch.",
     {"branches": s.branches("Branches", description="2 to 5 branches; the weights are percentages adding up "
                                                       "to 100")},
     split_ports, None),
    _wait("delay", "Delay", "clock", "Waits for a while.", duration=s.duration("Duration", "P1D"),
          days_field=s.plain("Days from field", "field", field_types=("number",),
                             description="Wait as many days as this number field holds; empty = the duration"),
          business_time=s.option("Count business time", description=(
              "Count only the workflow's business hours: P2D is 2 business days, PT4H 4 open hours"))),
    _wait("until_date", "Until date", "calendar-clock", "Waits until a date stored in the record.",
          field=_DATE_FIELD,
          offset=s.duration("Offset", "P0D", negative=True, description="e.g. -P1D for the day before")),
    _wait("until_time", "Until time", "sun", "Waits until a time of day (in the workflow's time zone).",
          time=s.plain("Time", "time", "09:00"),
          days=s.names("Days", "weekdays", options=WEEKDAYS, description="Empty = any day")),
    _wait("wait_event", "Wait for event", "radio",
          "Waits until something happens to the record, or goes on along 'timeout'.", ports=("next", "timeout"),
          event=s.choice("Wait for", WAITED_EVENTS, "field_changed", description=(
              "field_changed: one of the fields changes; stage_entered: the record enters the stage; task_done: "
              "a task about the record (or the record, if it is a task) is set to Done; webhook: an outside "
              "system reports the record through POST /api/events")),
          fields=s.names("Fields", "fields", when={"event": ["field_changed"]},
                         description="Any of these; empty = any field"),
          stage=s.plain("Stage", "stage", when={"event": ["stage_entered"]}),
          timeout=s.duration("Timeout after", "P1D", description="Goes on along 'timeout' when nothing happened")),
    ("human_task", "human_task", "Human task", "user-check", "Asks a person to decide, then goes on by outcome.",
     {"title": s.text("Title", required=True), "description": s.text("Description", multiline=True),
      "assignee": s.assignee("Assignee"), "priority": s.choice("Priority", PRIORITIES, "normal"),
      "due": s.duration("Due after", "", optional=True, description="Goes on along 'timeout' when overdue"),
      "outcomes": s.names("Outcomes", "outcomes", ("done",)), "cancel_if_changed": _CANCEL},
     _human_task_ports, None),
    _action("send_email", "Send email", "mail", "Sends an email.", to=s.text("To", required=True),
            cc=s.text("Cc"), subject=s.text("Subject"), body=s.text("Body", multiline=True)),
    _action("send_sms", "Send SMS", "message-square", "Sends a text message.", to=s.text("To", required=True),
            body=s.text("Body", multiline=True, required=True)),
    _action("send_whatsapp", "Send WhatsApp", "message-circle", "Sends a WhatsApp message.",
            to=s.text("To", required=True), body=s.text("Body", multiline=True, required=True)),
    _action("create_task", "Create task", "check-square", "Creates a task record.",
            title=s.text("Title", required=True), type=s.choice("Type", ("Call", "Meeting", "Email", "Other"), "Other"),
            category=s.text("Category"), priority=s.choice("Priority", PRIORITIES, "normal"),
            details=s.text("Details", multiline=True), due=s.duration("Due in", "P1D", optional=True),
            owner=s.plain("Owner", "user", "record_owner", description="'record_owner' or a username")),
    _action("update_record", "Update record", "edit-3", "Changes fields, stage, owner or tags of the record.",
            fields=s.key_values("Fields"), stage=s.plain("Stage", "stage"),
            owner=s.plain("Owner", "user", description="A username or 'record_owner'; empty = unchanged"),
            add_tags=s.names("Add tags", "tags"), remove_tags=s.names("Remove tags", "tags")),
    _action("notify_user", "Notify user", "bell", "Sends an in-app notification.",
            user=s.plain("User", "user"), role=s.plain("Role", "role"), owner=s.flag("Record owner"),
            message=s.text("Message", multiline=True, required=True)),
    _action("rotate_owner", "Rotate owner", "users",
            "Gives the record to the next user in turn (round robin), skipping inactive users.",
            users=s.names("Users", "users", description="Rotate among these users, in this order"),
            role=s.plain("Role", "role", description="Or: rotate among everyone with this role"),
            only_available=s.flag("Only available users", description=(
                "Pass over users who marked themselves away (Settings → Users)")),
            field=s.plain("Set", "field", field_types=("user",),
                          description="Empty = the record's owner; or a user field, such as a task's assignee")),
    _action("webhook", "Call webhook", "globe", "Sends an HTTP request.", url=s.text("URL", required=True),
            method=s.choice("Method", ("POST", "PUT", "PATCH", "GET", "DELETE"), "POST"),
            headers=s.key_values("Headers"), body=s.text("Body", multiline=True)),
]


def _build(type_, kind, label, icon, help_, fields_, ports, event, also_on=()) -> NodeType:
    schema = Schema.from_dict(fields_, name="".join(part.title() for part in f"{kind}_{type_}".split("_")))
    return NodeType(type_, kind, label, icon, help_, schema, ports, event, tuple(also_on), fields_)


NODE_TYPES: dict[tuple[str, str], NodeType] = {(d[1], d[0]): _build(*d) for d in _DECLARATIONS}


def get_type(name: str, kind: str | None = None) -> NodeType:
    """The node type called `name` (of `kind`, when given).

    Without `kind`, a name two kinds share (``webhook``) resolves to the first declared: the trigger.

    Raises
    ------
    UnknownNodeType
    """
    if kind is not None:
        found = NODE_TYPES.get((kind, name))
    else:
        found = next((t for t in NODE_TYPES.values() if t.type == name), None)
    if found is None:
        where = f" of kind '{kind}'" if kind is not None and any(t.type == name for t in NODE_TYPES.values()) else ""
        raise UnknownNodeType(f"unknown node type '{name}'{where}", {"type": f"unknown node type '{name}'{where}"})
    return found


def ports_of(node: dict) -> list:
    """The output ports of a node dict (``kind``, ``type``, ``config``)."""
    return get_type(node.get("type"), node.get("kind")).ports_for(node.get("config"))


def catalog_json() -> list:
    """Every node type as plain JSON for ``GET /api/node-types`` and the editor's forms."""
    converter = OpenAPIConverter("3.1.0", lambda _schema: None, APISpec("catalog", "1", "3.1.0",
                                                                        plugins=[MarshmallowPlugin()]))
    entries = []
    for node_type in NODE_TYPES.values():
        defaults = node_type.defaults()
        config_schema = converter.schema2jsonschema(node_type.schema)
        for name, prop in config_schema.get("properties", {}).items():
            prop.setdefault("default", defaults.get(name, False))
        entries.append({"type": node_type.type, "kind": node_type.kind, "label": node_type.label,
                        "icon": node_type.icon, "help": node_type.help, "event": node_type.event,
                        "ports": node_type.ports_for(defaults), "dynamic_ports": node_type.dynamic_ports,
                        "config_schema": config_schema, "defaults": defaults})
    return entries
