"""Publishing: validate the draft, freeze it as the next immutable version, and index its trigger."""
from builder.catalog import get_type
from builder.checks import problem
from store import error_workflows
from store.db import db, utcnow
from builder.graph import trigger_of
from store.models import TriggerIndex, Workflow, WorkflowVersion
from builder.validate import problems as find_problems


def draft_problems(workflow: Workflow, objects: dict, publishing: bool = False) -> list[dict]:
    found = find_problems(workflow.graph, objects=objects, timezone=workflow.timezone, settings=workflow.settings,
                          publishing=publishing)
    wrong = error_workflows.problem(workflow.id, workflow.settings)  # it may have been deleted since the save
    if wrong:
        found.append(problem("error", f"Error workflow: {wrong}.", field=error_workflows.FIELD))
    return found


def publish(workflow: Workflow, objects: dict, by: str | None) -> tuple[WorkflowVersion | None, list[dict]]:
    """The new version, or None and the problems (errors) that stop it. Warnings never stop it."""
    problems = draft_problems(workflow, objects, publishing=True)
    if any(p["severity"] == "error" for p in problems):
        return None, problems
    number = (workflow.version or 0) + 1
    version = WorkflowVersion(workflow=workflow, number=number, name=workflow.name, timezone=workflow.timezone,
                              settings=dict(workflow.settings or {}), graph=workflow.graph,
                              published_at=utcnow(), published_by=by)
    db.session.add(version)
    workflow.version = number
    workflow.status, workflow.overruns = "active", 0
    db.session.flush()
    index_trigger(workflow, version)
    return version, problems


def save_draft(workflow: Workflow, values: dict, based_on: int | None) -> bool:
    """Write `values` to the draft and bump its revision in one compare-and-swap: with `based_on`, only while the
    stored revision is still that one. False (nothing written) when someone saved in between."""
    statement = db.update(Workflow).where(Workflow.id == workflow.id)
    if based_on is not None:
        statement = statement.where(Workflow.revision == based_on)
    statement = statement.values(**values, revision=Workflow.revision + 1, updated_at=utcnow())
    saved = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1
    db.session.expire(workflow)  # reload what was written, or the newer revision that won
    return saved


def latest_version(workflow: Workflow) -> WorkflowVersion | None:
    if workflow.version is None:
        return None
    return db.session.execute(db.select(WorkflowVersion).filter_by(
        workflow_id=workflow.id, number=workflow.version)).scalar_one()


def get_version(workflow: Workflow, number: int) -> WorkflowVersion | None:
    return db.session.execute(db.select(WorkflowVersion).filter_by(
        workflow_id=workflow.id, number=number)).scalar_one_or_none()


def index_trigger(workflow: Workflow, version: WorkflowVersion | None) -> None:
    """Enrollment looks workflows up by (object, event); only active ones are listed."""
    db.session.execute(db.delete(TriggerIndex).where(TriggerIndex.workflow_id == workflow.id))
    if workflow.status != "active" or version is None:
        return
    trigger = trigger_of(version.graph)
    if trigger is None:
        return
    config = trigger.get("config") or {}
    for event in get_type(trigger["type"]).events:
        db.session.add(TriggerIndex(workflow_id=workflow.id, version_id=version.id, trigger_type=trigger["type"],
                                    object=config.get("object"), event=event))


def set_status(workflow: Workflow, status: str) -> None:
    """Pause (stop enrolling) or activate (enroll again on the latest version, with a fresh overrun count)."""
    workflow.status = status
    if status == "active":
        workflow.overruns = 0
    index_trigger(workflow, latest_version(workflow))


def restore(workflow: Workflow, version: WorkflowVersion) -> None:
    """Copy a published version back into the draft; the version itself is untouched."""
    save_draft(workflow, {"graph": version.graph, "settings": dict(version.settings), "timezone": version.timezone},
               None)
