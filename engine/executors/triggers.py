"""Triggers: whether a record event starts a workflow. Executing a trigger node just goes on."""
from engine.conditions import evaluate, explain
from engine.outcomes import Advance


def execute(node, ctx):
    return Advance()


def matches(node: dict, event, object_fields: dict, now) -> bool:
    """Does `event` (object, event, changes, snapshot) start a workflow whose trigger is `node`?"""
    config = node["config"]
    if config.get("object") != event.object:
        return False
    changes = event.changes or {}
    if node["type"] == "record_updated" and config.get("fields"):
        if not any(name in changes for name in config["fields"]):
            return False
    if node["type"] == "stage_entered":
        snapshot = event.snapshot or {}
        # Moving to another pipeline's stage of the same name enters it too.
        entered = "stage" in changes or "pipeline" in changes or event.event == "created"
        if snapshot.get("stage") != config.get("stage") or not entered:
            return False
        if config.get("pipeline") and snapshot.get("pipeline") != config["pipeline"]:
            return False
    return evaluate(config.get("filter"), event.snapshot, {"event": event.event, "changes": changes}, object_fields,
                    now=now)


def filter_verdict(node: dict, record: dict, trigger: dict, object_fields: dict, now):
    """Whether a record passes the trigger's filter, and why (for dry runs)."""
    return explain(node["config"].get("filter"), record, trigger, object_fields, now=now)
