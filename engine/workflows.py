"""What people do to a workflow, whichever door they use (JSON API, pages, template gallery, import, copies).

Each use case is one transaction: it commits what it did, or rolls back and raises :class:`WorkflowRefused`,
whose `status` is the HTTP status that says why (the web part answers it as 4xx, storing nothing).
"""
from builder.credentials import restore_masked
from builder.graph import read_graph
from crm.models import ObjectType
from engine import lifecycle, run_queries
from store import error_workflows, folders, versions, workflow_audit
from store.db import db
from store.models import Workflow, WorkflowVersion
from store.names import MAX_NAME, free_name
from templates_library import get_template, start_draft

DRAFT_FIELDS = ("name", "description", "timezone", "settings", "graph")


class WorkflowRefused(Exception):
    """A refused change to a workflow; nothing of it was stored."""

    def __init__(self, message: str, status: int, details: dict | None = None):
        super().__init__(message)
        self.message, self.status, self.details = message, status, details or {}


def _refuse(message: str, status: int, details: dict | None = None):
    db.session.rollback()
    raise WorkflowRefused(message, status, details)


def get(workflow_id: int) -> Workflow:
    workflow = db.session.get(Workflow, workflow_id)
    if workflow is None:
        _refuse(f"No workflow with id {workflow_id}.", 404)
    return workflow


def get_version(workflow: Workflow, number: int) -> WorkflowVersion:
    version = versions.get_version(workflow, number)
    if version is None:
        _refuse(f"Workflow {workflow.id} has no version {number}.", 404)
    return version


def objects() -> dict:
    """Every object type's spec, as validation and publishing check a graph against them."""
    return {o.name: o.spec() for o in db.session.execute(db.select(ObjectType)).scalars()}


def _draft_values(values: dict, stored_graph: dict | None = None) -> dict:
    """The draft fields among `values`; a graph is brought to normal form, and a credential sent back masked (as
    it was read) keeps its `stored_graph` value (a mask with no stored value behind it is refused)."""
    picked = {key: values[key] for key in DRAFT_FIELDS if key in values}
    if "graph" in picked:
        picked["graph"] = read_graph(restore_masked(picked["graph"], stored_graph or {}))
    return picked


def _check_error_workflow(workflow_id: int | None, values: dict) -> None:
    """422 naming the field when the settings name an error workflow that cannot be one."""
    wrong = error_workflows.problem(workflow_id, values["settings"]) if "settings" in values else None
    if wrong:
        _refuse("The error workflow is not valid.", 422, {error_workflows.FIELD: wrong})


def create(by, name: str, values: dict | None = None, *, template: str | None = None,
           unique_name: bool = True, imported: bool = False) -> Workflow:
    """A new draft owned by `by`: from `values` (description, timezone, settings, graph), or from `template`
    (then `values` still override). With `unique_name`, a taken name becomes "Name (2)"."""
    _check_error_workflow(None, values or {})
    workflow = Workflow(owner_id=by.id if by is not None else None)
    if template is not None:
        found = get_template(template)
        if found is None:
            _refuse("Unknown template.", 422, {"template": f"no template '{template}'"})
        start_draft(workflow, found)
    for key, value in _draft_values(values or {}).items():
        setattr(workflow, key, value)
    workflow.name = free_name(name) if unique_name else name
    db.session.add(workflow)
    db.session.flush()
    workflow_audit.created(workflow, "imported" if imported else "created",
                           f"template {template}" if template is not None else "")
    if (values or {}).get("folder") is not None:
        folders.place(workflow, values["folder"])
    db.session.commit()
    return workflow


def copy_draft(source: Workflow, by, name: str, graph: dict) -> Workflow:
    """A new draft named `name` with `graph` and the source's description, time zone and settings, in the
    caller's transaction."""
    copy = Workflow(name=name, owner_id=by.id if by is not None else None, description=source.description,
                    timezone=source.timezone, settings=dict(source.settings or {}), graph=graph,
                    template_id=source.template_id, folder_id=source.folder_id)
    db.session.add(copy)
    db.session.flush()
    workflow_audit.created(copy, "duplicated", f"'{source.name}' (#{source.id})")
    return copy


def duplicate(by, source_id: int, name: str | None = None) -> Workflow:
    """A new draft with the source's graph, description, time zone and settings; not its versions or runs.
    Named `name`, or "Copy of <name>", numbered if taken."""
    source = get(source_id)
    copy = copy_draft(source, by, free_name(name or f"Copy of {source.name}"[:MAX_NAME]), source.graph)
    db.session.commit()
    return copy


def save_draft(workflow_id: int, values: dict, based_on: int | None) -> Workflow:
    """Write `values` to the draft. With `based_on`, only while the stored revision is still that one (the
    database compares and swaps); otherwise 409 naming the revision that won, so no edit is silently lost."""
    workflow = get(workflow_id)
    _check_error_workflow(workflow_id, values)
    before = workflow_audit.snapshot(workflow)
    draft = _draft_values(values, workflow.graph)
    if "folder" in values:  # moving alone leaves the revision an open editor is based on as it is
        folders.place(workflow, values["folder"])
        if not draft:
            db.session.commit()
            return workflow
    if not versions.save_draft(workflow, draft, based_on):
        db.session.rollback()
        workflow = get(workflow_id)  # 404 when it was deleted in between
        _refuse(f"This workflow was saved by someone else since revision {based_on}; it is now at revision "
                f"{workflow.revision}. Reload to see their changes.", 409, {"revision": workflow.revision})
    workflow_audit.edited(workflow, before)
    db.session.commit()
    return workflow


def publish(workflow_id: int, by: str | None) -> tuple[Workflow, list[dict], int]:
    """Freeze the draft as the next version: the workflow, the warnings that did not stop it, and how many runs
    still go on earlier versions. Refused (422, listing them) while the draft has errors."""
    workflow = get(workflow_id)
    status = workflow.status
    version, problems = versions.publish(workflow, objects(), by)
    if version is None:
        _refuse("Fix these problems before publishing.", 422, {"problems": problems})
    workflow_audit.published(workflow, version.number, status)
    db.session.commit()
    return workflow, problems, run_queries.live_on_older_versions(workflow.id, version.number)


def set_status(workflow_id: int, status: str) -> Workflow:
    """Pause (stop enrolling; runs in flight go on) or activate (enroll again on the latest version)."""
    workflow = get(workflow_id)
    if status == "active" and workflow.version is None:
        _refuse("Publish the workflow first; there is no version to activate.", 409)
    before = workflow.status
    versions.set_status(workflow, status)
    workflow_audit.status_changed(workflow, before)
    db.session.commit()
    return workflow


def restore(workflow_id: int, number: int) -> Workflow:
    """Copy a published version into the draft (the version itself never changes)."""
    workflow = get(workflow_id)
    before = workflow_audit.snapshot(workflow)
    versions.restore(workflow, get_version(workflow, number))
    workflow_audit.edited(workflow, before, "workflow.restored", f"version {number} copied into the draft")
    db.session.commit()
    return workflow


def delete(workflow_id: int, *, cancel_runs: bool, by: str, clock) -> None:
    """Delete the workflow, its versions and runs; refused (409) while runs are live unless `cancel_runs`."""
    workflow = get(workflow_id)
    live = lifecycle.live_run_ids(workflow.id)
    if live and not cancel_runs:
        _refuse(f"{len(live)} run(s) of '{workflow.name}' are still going. Cancel them to delete it "
                f"(cancel_runs=1), or wait until they end.",
                409, {"cancel_runs": "must be true while runs are live", "live_runs": len(live)})
    try:
        lifecycle.cancel_workflow_runs(workflow.id, f"the workflow was deleted by {by}", clock)
    except lifecycle.RunRefused as error:
        _refuse(f"Nothing deleted: {error.message}", 409)
    workflow_audit.deleted(workflow, len(live))
    db.session.delete(workflow)
    db.session.commit()
