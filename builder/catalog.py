"""The node catalog: every declared node type (builder/node_types/), and the catalog as the editor reads it.

>>> get_type("condition").ports_for({})
['true', 'false']
>>> ports_of({"kind": "human_task", "type": "human_task", "config": {"outcomes": ["approved", "rejected"]}})
['approved', 'rejected', 'timeout']
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter

import builder.node_types  # noqa: F401  (declares the shipped node types)
from builder.node_type import KINDS, NODE_H, NODE_TYPES, NODE_W, NodeType, get_type, ports_of
from builder.schemas import CONDITION_OPERATORS, OPERATOR_WORDS, VALUELESS_OPERATORS

WAITING_KINDS = tuple(name for name, kind in KINDS.items() if kind.waits)
__all__ = ["CONDITION_OPERATORS", "KINDS", "NODE_TYPES", "WAITING_KINDS", "NodeType", "catalog_json",
           "editor_catalog", "get_type", "channels", "ports_of"]


def catalog_json() -> list:
    """Every node type as plain JSON for ``GET /api/node-types`` and the editor's forms."""
    converter = OpenAPIConverter("3.1.0", lambda _schema: None, APISpec("catalog", "1", "3.1.0",
                                                                        plugins=[MarshmallowPlugin()]))
    return [_entry(node_type, converter) for node_type in NODE_TYPES.values()]


def _entry(node_type: NodeType, converter) -> dict:
    defaults = node_type.defaults()
    config_schema = converter.schema2jsonschema(node_type.schema)
    for name, prop in config_schema.get("properties", {}).items():
        prop.setdefault("default", defaults.get(name, False))  # optional ticks are off unless set
    return {"type": node_type.type, "kind": node_type.kind, "label": node_type.label, "icon": node_type.icon,
            "help": node_type.help, "event": node_type.event, "ports": node_type.ports_for(defaults),
            "dynamic_ports": node_type.dynamic_ports,
            "ports_from": node_type.ports.as_json() if node_type.dynamic_ports else None,
            "summary": list(node_type.summary), "auto_label": list(node_type.auto_label),
            "needs_record": node_type.needs_record,
            "record": node_type.record if node_type.kind == "trigger" else None, "channel": node_type.channel,
            "config_schema": config_schema, "defaults": defaults}


def editor_catalog(roles) -> dict:
    """What the editor and run diagrams draw from: node types, kinds, condition operators, roles, node size."""
    return {"types": catalog_json(),
            "kinds": [{"name": k.name, "title": k.title, "colour": k.colour, "tint": k.tint, "waits": k.waits}
                      for k in KINDS.values()],
            "operators": [{"op": op, "words": words, "valueless": op in VALUELESS_OPERATORS}
                          for op, words in OPERATOR_WORDS.items()],
            "roles": list(roles), "node_size": {"w": NODE_W, "h": NODE_H}}


def channels() -> tuple:
    """The message channels of the outbox: one per action type that sends through it, in catalog order."""
    return tuple(dict.fromkeys(t.channel for t in NODE_TYPES.values() if t.channel))
