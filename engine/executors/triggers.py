"""Triggers: whether a record event starts a workflow. Executing a trigger node just goes on."""
from builder.catalog import get_type
from engine.conditions import explain
from engine.node_executors import NARROWS, executes, narrows
from engine.outcomes import Advance


@executes("trigger", "record_created", "record_updated", "record_deleted", "stage_entered", "date_reached",
          "inactive_for", "schedule", "webhook", "manual")
def execute(node, ctx):
    return Advance()


@narrows("record_updated")
def _changed_a_named_field(config: dict, event) -> bool:
    changes = event.changes or {}
    return not config.get("fields") or any(name in changes for name in config["fields"])


@narrows("stage_entered")
def _entered_the_stage(config: dict, event) -> bool:
    changes, snapshot = event.changes or {}, event.snapshot or {}
    # Moving to another pipeline's stage of the same name enters it too.
    entered = "stage" in changes or "pipeline" in changes or event.event == "created"
    if snapshot.get("stage") != config.get("stage") or not entered:
        return False
    return not config.get("pipeline") or snapshot.get("pipeline") == config["pipeline"]


def check(node: dict, event, object_fields: dict, now, *, approval_task: bool = False) -> tuple[bool, str | None]:
    """Does `event` (object, event, changes, snapshot) start a workflow whose trigger is `node`?

    Returns (starts, why not). Why-not is None when the event is not this trigger's at all (another object,
    field or stage), and a sentence when the trigger's filter (or its opt-in for approvals' task records)
    left the record out: enrollment records those, so the record's page can say why nothing started.
    """
    config = node["config"]
    if config.get("object") != event.object:
        return False, None
    narrow = NARROWS.get(("trigger", node["type"]))
    if narrow is not None and not narrow(config, event):
        return False, None
    # Triggers with the opt-in setting start for an approval's own task record only when it is ticked.
    opts_in = "include_workflow_tasks" in get_type(node["type"], "trigger").fields
    if approval_task and opts_in and not config.get("include_workflow_tasks"):
        return False, "the task belongs to an approval (human task); this trigger does not include those"
    verdict = explain(config.get("filter"), event.snapshot, {"event": event.event, "changes": event.changes or {}},
                      object_fields, now=now)
    return (True, None) if verdict.passed else (False, f"filter not met: {verdict.reason}")


def filter_verdict(node: dict, record: dict, trigger: dict, object_fields: dict, now):
    """Whether a record passes the trigger's filter, and why (for dry runs)."""
    return explain(node["config"].get("filter"), record, trigger, object_fields, now=now)
