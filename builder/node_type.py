"""What a node type is, and the registry every part reads node types from (docs/NODE_TYPES.md).

A node type is one keyword declaration of :class:`NodeType`, made with :func:`declare` in a module of
``builder/node_types/``; its executor is declared in ``engine/`` (``engine.node_executors``). A node type is
identified by its kind *and* its type name, because the contract uses ``webhook`` for both a trigger and an action.

>>> PortsFrom("outcomes", default=("done",), then=("timeout",)).ports({"outcomes": ["yes", "no", "yes", "timeout"]})
['yes', 'no', 'timeout']
"""
import copy
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from marshmallow import Schema

from builder.errors import UnknownNodeType


@dataclass(frozen=True)
class Kind:
    """A kind of node: its palette heading, its colour (accent) and tint (fill), and whether runs wait there."""

    name: str
    title: str
    colour: str
    tint: str
    waits: bool = False


# Every node is drawn as a box of this size (editor, run diagrams, layout).
NODE_W, NODE_H = 240, 72
KINDS = {kind.name: kind for kind in (
    Kind("trigger", "Triggers", "#2b8a3e", "#ebfbee"),
    Kind("condition", "Conditions", "#e67700", "#fff4e6"),
    Kind("wait", "Waits", "#1971c2", "#e7f5ff", waits=True),
    Kind("human_task", "People", "#9c36b5", "#f8f0fc", waits=True),
    Kind("action", "Actions", "#3b5bdb", "#edf2ff"),
)}


@dataclass(frozen=True)
class PortsFrom:
    """Ports named by a list in the node's config (a human task's outcomes, a split's branches), then fixed ones.

    `item` names the key holding the port name when the list holds objects. Empty, repeated and reserved
    (`then`) names are left out; `default` stands in when the list is missing or names nothing. `noun` is what
    validation calls one entry ("outcome"): each needs a name, once, and at least one is needed.
    """

    field: str
    default: tuple = ()
    then: tuple = ()
    item: str | None = None
    noun: str = "branch"

    def named(self, config: dict) -> list:
        """The ports the config's list names, in order, each once."""
        values = config.get(self.field)
        if not isinstance(values, list):
            values = []
        names = [value.get(self.item) if self.item and isinstance(value, dict) else value for value in values]
        named = [name for name in names if isinstance(name, str) and name and name not in self.then]
        return list(dict.fromkeys(named)) or list(self.default)

    def ports(self, config: dict) -> list:
        return self.named(config) + list(self.then)

    def as_json(self) -> dict:
        return {"field": self.field, "default": list(self.default), "then": list(self.then), "item": self.item,
                "noun": self.noun}


@dataclass(frozen=True, kw_only=True)
class NodeType:
    """One node type, declared once with keywords.

    type, kind, label, icon, help
        What it is called, where the palette puts it and how it looks (``icon`` names a line icon of the editor).
    fields
        Its config: name -> marshmallow field made with :mod:`builder.schemas` (titles and editor hints included).
    ports
        Its output ports: a tuple, or :class:`PortsFrom` when the config names them.
    summary
        Templates of the one line shown under its label (:mod:`builder.summaries`): the first whose values are
        all set is used, else the last.
    auto_label
        Templates of the label a new step takes from its settings, and follows while nobody renames it.
    rules
        Checks it adds to validation: ``rule(config, scope, add)`` with ``add(severity, field, message)``.
    needs_record
        A step that acts on the run's record: an error when the trigger starts runs without one.
    record
        Triggers: whether their runs carry a record: True, False, or ``"object"`` (when an object is chosen).
    event, also_on
        Triggers: the record event they listen to (``created``, ``updated``, ``deleted``, ``stage_changed``) or
        their other source (``time``, ``schedule``, ``webhook``, ``manual``), and further events that start them.
    channel
        Actions that send through the outbox: the message channel (``email``, ``sms``, ...).
    """

    type: str
    kind: str
    label: str
    icon: str
    help: str
    fields: dict = field(default_factory=dict, repr=False, compare=False, hash=False)
    ports: tuple | PortsFrom = ("next",)
    summary: tuple = ()
    auto_label: tuple = ()
    rules: tuple[Callable, ...] = ()
    needs_record: bool = False
    record: bool | str = True
    event: str | None = None
    also_on: tuple = ()
    channel: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.type

    @property
    def events(self) -> tuple:
        """Every event that may start a workflow with this trigger (enrollment's index lists each)."""
        return (self.event, *self.also_on) if self.event else ()

    @property
    def dynamic_ports(self) -> bool:
        return isinstance(self.ports, PortsFrom)

    def ports_for(self, config: dict | None) -> list:
        """The output ports of a node of this type with `config`."""
        return self.ports.ports(config or {}) if self.dynamic_ports else list(self.ports)

    def has_record(self, config: dict) -> bool:
        """Triggers: whether a run started by this trigger with `config` carries a record."""
        if self.record == "object":
            return bool(config.get("object"))
        return bool(self.record)

    @cached_property
    def schema(self) -> type:
        name = "".join(part.title() for part in f"{self.kind}_{self.type}".split("_"))
        return Schema.from_dict(self.fields, name=name)

    def defaults(self) -> dict:
        """A fresh config with every field at its default."""
        return copy.deepcopy(self._defaults)

    @cached_property
    def _defaults(self) -> dict:
        return self.schema().load({})


NODE_TYPES: dict[tuple[str, str], NodeType] = {}


def declare(*node_types: NodeType) -> None:
    """Add node types to the registry; a kind that does not exist or a key declared twice is a programming error."""
    for node_type in node_types:
        if node_type.kind not in KINDS:
            raise ValueError(f"node type '{node_type.type}': unknown kind '{node_type.kind}'")
        if node_type.key in NODE_TYPES:
            raise ValueError(f"node type {node_type.key} is declared twice")
        NODE_TYPES[node_type.key] = node_type


def withdraw(node_type: NodeType) -> None:
    """Take a declared node type out again (a test's own node type, once the test is over)."""
    NODE_TYPES.pop(node_type.key, None)


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
