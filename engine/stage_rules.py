"""The stage rules board: the workflows that start when a record enters each stage of a pipeline,
and copying or moving them to another stage, pipeline or object type in one action.

Moving re-targets the trigger and re-validates every step against the target object. A workflow with a
published version gets a new version from its re-targeted published graph (so unpublished draft edits
stay unpublished); if any such version would have errors, nothing moves and the problems are returned.
"""
import copy
from datetime import timedelta

from store import versions
from store.db import db, utcnow
from store.models import Workflow
from store.names import MAX_NAME
from builder.validate import problems as find_problems
from crm.models import ObjectType
from engine import run_queries
from engine.workflows import copy_draft, objects
from crm.pipelines import pipeline_details
from crm.records import RecordInvalid, object_type

TRIGGER = "stage_entered"
MODES = ("copy", "move")


class UnknownPipeline(LookupError):
    pass


class MoveRefused(RecordInvalid):
    """A move that would publish a broken rule; `problems` lists each, naming its workflow and node."""

    def __init__(self, problems: list):
        super().__init__({"problems": problems}, "Nothing was moved: these rules would be broken at the target.")
        self.problems = problems


def _trigger(graph: dict) -> dict | None:
    return next((n for n in (graph or {}).get("nodes", []) if n.get("kind") == "trigger"), None)


def board(object_name: str, pipeline: str) -> dict:
    """`{"object", "pipeline", "label", "columns": [{"stage", "label", "cards": [...]}]}`.

    A card: `{"id", "name", "status", "version", "runs_7d"}`. A trigger naming no pipeline enters the stage
    of that name in any pipeline, so it shows in every pipeline that has the stage.
    """
    kind = object_type(object_name)
    details = next((p for p in pipeline_details(kind) if p["name"] == pipeline and not p["archived"]), None)
    if details is None:
        raise UnknownPipeline(f"{kind.label} has no live pipeline '{pipeline}'.")
    columns = {s["name"]: {"stage": s["name"], "label": s["label"], "cards": []}
               for s in details["stages"] if not s["archived"]}
    since = utcnow() - timedelta(days=7)
    runs = run_queries.started_counts(since)
    for workflow in db.session.execute(db.select(Workflow).order_by(Workflow.id)).scalars():
        trigger = _trigger(workflow.graph)
        if trigger is None or trigger.get("type") != TRIGGER:
            continue
        config = trigger.get("config") or {}
        if config.get("object") != object_name or config.get("pipeline") not in (None, "", pipeline):
            continue
        column = columns.get(config.get("stage"))
        if column is not None:
            column["cards"].append({"id": workflow.id, "name": workflow.name, "status": workflow.status,
                                    "version": workflow.version, "runs_7d": runs.get(workflow.id, 0)})
    return {"object": object_name, "object_label": kind.label, "pipeline": pipeline, "label": details["label"],
            "columns": list(columns.values())}


def retarget(graph: dict, object_name: str, pipeline: str, stage: str) -> dict:
    """A copy of `graph` whose trigger starts when a record of `object_name` enters `stage` of `pipeline`."""
    moved = copy.deepcopy(graph)
    trigger = _trigger(moved)
    trigger["config"] = {**(trigger.get("config") or {}), "object": object_name, "pipeline": pipeline,
                         "stage": stage}
    return moved


def _check_target(object_name, pipeline, stage, mode) -> None:
    errors = {}
    if mode not in MODES:
        errors["mode"] = f"must be one of {', '.join(MODES)}"
    kind = db.session.get(ObjectType, object_name or "")
    if kind is None:
        errors["object"] = f"no object type '{object_name}'"
    elif pipeline not in (kind.pipelines or {}):
        errors["pipeline"] = f"{object_name} has no live pipeline '{pipeline}'"
    elif stage not in kind.pipelines[pipeline]:
        errors["stage"] = f"no live stage '{stage}' in pipeline '{pipeline}' of {object_name}"
    if errors:
        raise RecordInvalid(errors, "The target is not valid.")


def _workflows(workflow_ids: list) -> list:
    if not workflow_ids:
        raise RecordInvalid({"workflow_ids": "choose at least one workflow"}, "Nothing was chosen.")
    found = []
    for workflow_id in dict.fromkeys(workflow_ids):
        workflow = db.session.get(Workflow, workflow_id)
        if workflow is None:
            raise RecordInvalid({"workflow_ids": f"no workflow {workflow_id}"}, "A chosen workflow is gone.")
        trigger = _trigger(workflow.graph)
        if trigger is None or trigger.get("type") != TRIGGER:
            raise RecordInvalid({"workflow_ids": f"'{workflow.name}' (#{workflow.id}) does not start when a "
                                                 "stage is entered"}, "Only stage rules can be moved.")
        found.append(workflow)
    return found


def _named(workflow, found: list) -> list:
    return [{**p, "workflow_id": workflow.id, "workflow": workflow.name} for p in found]


def transfer(workflow_ids: list, object_name: str, pipeline: str, stage: str, mode: str, by) -> dict:
    """Copy (as drafts named "Copy of …") or move the workflows to the target stage.

    Returns `{"workflows": [Workflow], "problems": [...]}` (problems of the drafts, which never stop a
    copy). Raises :class:`MoveRefused` before changing anything when a published rule would break.
    """
    _check_target(object_name, pipeline, stage, mode)
    chosen, specs = _workflows(workflow_ids), objects()
    problems, planned = [], []
    for workflow in chosen:
        draft = retarget(workflow.graph, object_name, pipeline, stage)
        problems += _named(workflow, find_problems(draft, objects=specs, timezone=workflow.timezone,
                                                   settings=workflow.settings))
        published = versions.latest_version(workflow) if mode == "move" else None
        planned.append((workflow, draft, published))
    if mode == "copy":
        return {"workflows": [_copy(workflow, draft, by) for workflow, draft, _ in planned], "problems": problems}
    broken = [p for workflow, _, published in planned if published is not None
              for p in _named(workflow, _version_problems(published, object_name, pipeline, stage, specs))]
    if broken:
        raise MoveRefused(broken)
    return {"workflows": [_move(workflow, draft, published, (object_name, pipeline, stage), specs, by)
                          for workflow, draft, published in planned], "problems": problems}


def _version_problems(version, object_name, pipeline, stage, specs) -> list:
    graph = retarget(version.graph, object_name, pipeline, stage)
    return [p for p in find_problems(graph, objects=specs, timezone=version.timezone, settings=version.settings,
                                     publishing=True) if p["severity"] == "error"]


def _copy(workflow, graph, by) -> Workflow:
    return copy_draft(workflow, by, f"Copy of {workflow.name}"[:MAX_NAME], graph)


def _move(workflow, draft, published, target, specs, by) -> Workflow:
    if published is not None:
        status, draft_settings = workflow.status, workflow.settings
        workflow.graph, workflow.settings = retarget(published.graph, *target), dict(published.settings)
        version, _ = versions.publish(workflow, specs, by.username if by else None)
        if version is None:  # checked before anything changed; publish validates the same graph
            raise MoveRefused([])
        if status != "active":
            versions.set_status(workflow, status)
        workflow.settings = draft_settings
    db.session.flush()
    versions.save_draft(workflow, {"graph": draft}, None)
    return workflow
