"""Triggers: whether a record event starts a workflow. Executing a trigger node just goes on."""
from engine.conditions import explain
from engine.outcomes import Advance


def execute(node, ctx):
    return Advance()


APPROVAL_TASK_OPT_IN = ("record_created", "record_updated")


def check(node: dict, event, object_fields: dict, now, *, approval_task: bool = False) -> tuple[bool, str | None]:
    """Does `event` (object, event, changes, snapshot) start a workflow whose trigger is `node`?

    Returns (starts, why not). Why-not is None when the event is not this trigger's at all (another object,
    field or stage), and a sentence when the trigger's filter (or its opt-in for approvals' task records)
    left the record out: enrollment records those, so the record's page can say why nothing started.
    """
    config = node["config"]
    if config.get("object") != event.object:
        return False, None
    changes = event.changes or {}
    if node["type"] == "record_updated" and config.get("fields"):
        if not any(name in changes for name in config["fields"]):
            return False, None
    if node["type"] == "stage_entered":
        snapshot = event.snapshot or {}
        # Moving to another pipeline's stage of the same name enters it too.
        entered = "stage" in changes or "pipeline" in changes or event.event == "created"
        if snapshot.get("stage") != config.get("stage") or not entered:
            return False, None
        if config.get("pipeline") and snapshot.get("pipeline") != config["pipeline"]:
            return False, None
    if approval_task and node["type"] in APPROVAL_TASK_OPT_IN and not config.get("include_workflow_tasks"):
        return False, "the task belongs to an approval (human task); this trigger does not include those"
    verdict = explain(config.get("filter"), event.snapshot, {"event": event.event, "changes": changes},
                      object_fields, now=now)
    return (True, None) if verdict.passed else (False, f"filter not met: {verdict.reason}")


def filter_verdict(node: dict, record: dict, trigger: dict, object_fields: dict, now):
    """Whether a record passes the trigger's filter, and why (for dry runs)."""
    return explain(node["config"].get("filter"), record, trigger, object_fields, now=now)
