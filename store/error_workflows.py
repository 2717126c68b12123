"""Which workflow may be another's error workflow: one that exists and starts with a manual trigger."""
from builder.alert_settings import read
from builder.graph import trigger_of
from store.db import MAX_ID, db
from store.models import Workflow

FIELD = "settings.on_failure.error_workflow"


def problem(workflow_id: int | None, settings: dict | None) -> str | None:
    """What is wrong with the error workflow `settings` name for workflow `workflow_id`, or None."""
    target_id = read(settings)["error_workflow"]
    if target_id is None:
        return None
    if not isinstance(target_id, int) or isinstance(target_id, bool) or not 1 <= target_id <= MAX_ID:
        return "a workflow id"
    if target_id == workflow_id:
        return "a workflow cannot be its own error workflow"
    target = db.session.get(Workflow, target_id)
    if target is None:
        return f"no workflow with id {target_id}"
    if not starts_by_hand(target):
        return f"'{target.name}' (#{target_id}) must start with a manual trigger"
    return None


def starts_by_hand(workflow: Workflow) -> bool:
    """Whether the workflow's draft starts with a manual trigger, as an error workflow must."""
    trigger = trigger_of(workflow.graph)
    return trigger is not None and trigger.get("type") == "manual"
