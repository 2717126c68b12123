"""Pipelines and stages of object types (admins): add, rename, reorder, archive and restore.

`ObjectType.pipelines` stays the contract's shape (pipeline -> its live stages, in order), so records,
validation and the editor see only live stages. Labels and archived stages live in `pipeline_meta`::

    {"sales": {"label": "Sales", "stage_labels": {"new": "New"}, "archived_stages": ["old"],
               "archived": false}}

A name is the stable key (records and workflows store it); renaming changes the label only.
A stage or pipeline that records stand in, or that an active workflow names, is never archived.
"""
import re

from sqlalchemy.orm.attributes import flag_modified

from store import audit
from store.db import db
from store.models import Workflow, WorkflowVersion
from crm.models import Record
from crm.records import RecordInvalid, UnknownObject, object_type

NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


class InUse(RecordInvalid):
    """Refused because records or live workflows still use the stage or pipeline (answered with 409)."""


def _kind(object_name: str):
    try:
        return object_type(object_name)
    except UnknownObject:
        raise RecordInvalid({"object": f"no object type '{object_name}'"}, "No such object type.") from None


def _meta(kind, pipeline: str) -> dict:
    meta = dict(kind.pipeline_meta or {})
    meta[pipeline] = {"label": pipeline.replace("_", " ").title(), "stage_labels": {}, "archived_stages": [],
                      "archived": False, **(meta.get(pipeline) or {})}
    return meta


def _save(kind, pipelines: dict, meta: dict) -> None:
    before = _described(kind)
    kind.pipelines, kind.pipeline_meta = pipelines, meta
    flag_modified(kind, "pipelines")
    flag_modified(kind, "pipeline_meta")
    db.session.flush()
    was, now = audit.differences(before, _described(kind))
    if not was:  # moving the first stage up changes nothing
        return
    said = "; ".join(f"{was[p] or 'nothing'} \u2192 {now[p] or 'nothing'}" for p in was)
    audit.record("pipelines.changed", "object_type", kind.name, f"{kind.name} pipelines: {said}", kind.name,
                 before=was, after=now)


def _described(kind) -> dict:
    """Each pipeline in a few words, for the audit log: 'Sales: New, Won (archived: Old)'."""
    described = {}
    for pipeline in pipeline_details(kind):
        live = ", ".join(s["label"] for s in pipeline["stages"] if not s["archived"])
        archived = ", ".join(s["label"] for s in pipeline["stages"] if s["archived"])
        text = f"{pipeline['label']}{' (archived pipeline)' if pipeline['archived'] else ''}: {live or '-'}"
        described[pipeline["name"]] = text + (f" (archived: {archived})" if archived else "")
    return described


def name_from(label: str) -> str:
    """A key for a new pipeline or stage: 'Closed – Won!' -> 'closed_won'."""
    return re.sub(r"[^a-z0-9]+", "_", (label or "").strip().lower()).strip("_")[:50]


def pipeline_details(kind) -> list[dict]:
    """Every pipeline (archived ones last) with its label and stages, archived stages after the live ones."""
    meta = kind.pipeline_meta or {}
    shown = []
    for name in [*kind.pipelines, *(p for p, m in meta.items() if m.get("archived") and p not in kind.pipelines)]:
        m = _meta(kind, name)[name]
        live = list(kind.pipelines.get(name) or [])
        labels = m["stage_labels"]
        stages = [{"name": s, "label": labels.get(s) or s, "archived": False} for s in live if not m["archived"]]
        stages += [{"name": s, "label": labels.get(s) or s, "archived": True}
                   for s in m["archived_stages"] if s not in live]
        shown.append({"name": name, "label": m["label"], "archived": bool(m["archived"]), "stages": stages})
    return shown


def stage_label(kind, pipeline: str | None, stage: str | None) -> str:
    if not stage:
        return ""
    return ((kind.pipeline_meta or {}).get(pipeline) or {}).get("stage_labels", {}).get(stage) or stage


def _live_pipeline(kind, pipeline: str) -> list:
    if pipeline not in (kind.pipelines or {}):
        raise RecordInvalid({"pipeline": f"{kind.name} has no live pipeline '{pipeline}'"}, "No such pipeline.")
    return list(kind.pipelines[pipeline])


def _label(label, field="label") -> str:
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise RecordInvalid({field: "between 1 and 100 characters"}, "The label is not valid.")
    return label


def _new_name(name, label, taken, field) -> str:
    name = (name or "").strip() or name_from(label)
    if not NAME.match(name):
        raise RecordInvalid({field: "lower-case letters, digits and '_', starting with a letter"},
                            "The name is not valid.")
    if name in taken:
        raise RecordInvalid({field: f"'{name}' already exists"}, "The name is taken.")
    return name


def add_pipeline(object_name: str, label: str, stages: list, name: str | None = None):
    kind = _kind(object_name)
    label = _label(label)
    name = _new_name(name, label, set(kind.pipelines) | set(kind.pipeline_meta or {}), "name")
    if not stages:
        raise RecordInvalid({"stages": "a pipeline needs at least one stage"}, "The pipeline is not valid.")
    names, labels = [], {}
    for index, stage_label_ in enumerate(stages):
        stage = _new_name(None, _label(stage_label_, f"stages.{index}"), set(names), f"stages.{index}")
        names.append(stage)
        labels[stage] = stage_label_.strip()
    meta = _meta(kind, name)
    meta[name].update(label=label, stage_labels=labels)
    _save(kind, {**kind.pipelines, name: names}, meta)
    return kind


def update_pipeline(object_name: str, pipeline: str, label: str | None = None, order: list | None = None):
    """Rename (label) a pipeline and/or reorder its live stages (`order`: the same stages, in a new order)."""
    kind = _kind(object_name)
    stages = _live_pipeline(kind, pipeline)
    meta = _meta(kind, pipeline)
    if label is not None:
        meta[pipeline]["label"] = _label(label)
    if order is not None:
        if sorted(order) != sorted(stages) or len(set(order)) != len(order):
            raise RecordInvalid({"order": f"must list each stage of '{pipeline}' once: {', '.join(stages)}"},
                                "The order is not valid.")
        stages = list(order)
    _save(kind, {**kind.pipelines, pipeline: stages}, meta)
    return kind


def move_stage(object_name: str, pipeline: str, stage: str, step: int):
    """Move a live stage `step` places later (negative: earlier), stopping at either end."""
    order = _live_pipeline(_kind(object_name), pipeline)
    if stage not in order:
        raise RecordInvalid({"stage": f"no live stage '{stage}' in pipeline '{pipeline}'"}, "No such stage.")
    at = order.index(stage)
    order.insert(max(0, min(len(order) - 1, at + step)), order.pop(at))
    return update_pipeline(object_name, pipeline, order=order)


def add_stage(object_name: str, pipeline: str, label: str, name: str | None = None, position: int | None = None):
    kind = _kind(object_name)
    stages = _live_pipeline(kind, pipeline)
    meta = _meta(kind, pipeline)
    label = _label(label)
    name = _new_name(name, label, set(stages) | set(meta[pipeline]["archived_stages"]), "name")
    stages.insert(len(stages) if position is None else max(0, min(position, len(stages))), name)
    meta[pipeline]["stage_labels"] = {**meta[pipeline]["stage_labels"], name: label}
    _save(kind, {**kind.pipelines, pipeline: stages}, meta)
    return kind


def rename_stage(object_name: str, pipeline: str, stage: str, label: str):
    kind = _kind(object_name)
    meta = _meta(kind, pipeline)
    if stage not in _live_pipeline(kind, pipeline) + meta[pipeline]["archived_stages"]:
        raise RecordInvalid({"stage": f"no stage '{stage}' in pipeline '{pipeline}'"}, "No such stage.")
    meta[pipeline]["stage_labels"] = {**meta[pipeline]["stage_labels"], stage: _label(label)}
    _save(kind, dict(kind.pipelines), meta)
    return kind


def archive_stage(object_name: str, pipeline: str, stage: str):
    kind = _kind(object_name)
    stages = _live_pipeline(kind, pipeline)
    if stage not in stages:
        raise RecordInvalid({"stage": f"no live stage '{stage}' in pipeline '{pipeline}'"}, "No such stage.")
    if len(stages) == 1:
        raise RecordInvalid({"stage": f"'{stage}' is the only stage of '{pipeline}'; archive the pipeline instead"},
                            "A pipeline keeps at least one stage.")
    _refuse_if_used(kind, pipeline, stage)
    meta = _meta(kind, pipeline)
    meta[pipeline]["archived_stages"] = [*meta[pipeline]["archived_stages"], stage]
    _save(kind, {**kind.pipelines, pipeline: [s for s in stages if s != stage]}, meta)
    return kind


def restore_stage(object_name: str, pipeline: str, stage: str):
    kind = _kind(object_name)
    stages = _live_pipeline(kind, pipeline)
    meta = _meta(kind, pipeline)
    if stage not in meta[pipeline]["archived_stages"]:
        raise RecordInvalid({"stage": f"no archived stage '{stage}' in pipeline '{pipeline}'"}, "No such stage.")
    meta[pipeline]["archived_stages"] = [s for s in meta[pipeline]["archived_stages"] if s != stage]
    _save(kind, {**kind.pipelines, pipeline: [*stages, stage]}, meta)
    return kind


def archive_pipeline(object_name: str, pipeline: str):
    kind = _kind(object_name)
    stages = _live_pipeline(kind, pipeline)
    _refuse_if_used(kind, pipeline, None)
    meta = _meta(kind, pipeline)
    meta[pipeline].update(archived=True, archived_stages=[*stages, *meta[pipeline]["archived_stages"]])
    _save(kind, {p: s for p, s in kind.pipelines.items() if p != pipeline}, meta)
    return kind


def restore_pipeline(object_name: str, pipeline: str):
    """Bring an archived pipeline back with all its stages live."""
    kind = _kind(object_name)
    meta = _meta(kind, pipeline)
    if not meta[pipeline]["archived"] or pipeline in kind.pipelines:
        raise RecordInvalid({"pipeline": f"no archived pipeline '{pipeline}'"}, "No such pipeline.")
    stages = meta[pipeline]["archived_stages"]
    meta[pipeline].update(archived=False, archived_stages=[])
    _save(kind, {**kind.pipelines, pipeline: stages}, meta)
    return kind


def _refuse_if_used(kind, pipeline: str, stage: str | None) -> None:
    what = f"stage '{stage}'" if stage else f"pipeline '{pipeline}'"
    query = db.select(db.func.count(Record.id)).where(Record.object == kind.name, Record.pipeline == pipeline)
    if stage:
        query = query.where(Record.stage == stage)
    count = db.session.scalar(query)
    users = live_workflows_naming(kind.name, pipeline, stage, set(kind.pipelines.get(pipeline) or []))
    reasons = []
    if count:
        reasons.append(f"{count} {kind.name} record{'s' if count != 1 else ''} "
                       f"{'are' if count != 1 else 'is'} in it")
    if users:
        reasons.append("active workflows name it: " + ", ".join(f"'{w.name}' (#{w.id})" for w in users))
    if reasons:
        raise InUse({"stage" if stage else "pipeline": f"{what} is in use: " + "; ".join(reasons)},
                    f"The {what} cannot be archived: " + "; ".join(reasons) + ".")


def live_workflows_naming(object_name: str, pipeline: str, stage: str | None, stages: set) -> list:
    """Active workflows on `object_name` whose published trigger, conditions or steps name the stage
    (or, when `stage` is None, any stage of the pipeline or the pipeline itself)."""
    rows = db.session.execute(
        db.select(Workflow, WorkflowVersion.graph, WorkflowVersion.settings)
        .join(WorkflowVersion, (WorkflowVersion.workflow_id == Workflow.id)
              & (WorkflowVersion.number == Workflow.version))
        .where(Workflow.status == "active").order_by(Workflow.id)).all()
    wanted = {stage} if stage else stages
    found = []
    for workflow, graph, settings in rows:
        trigger = next((n for n in graph.get("nodes", []) if n.get("kind") == "trigger"), None)
        if trigger is None or (trigger.get("config") or {}).get("object") != object_name:
            continue
        if _names(graph, settings or {}, pipeline, wanted, by_pipeline=stage is None):
            found.append(workflow)
    return found


def _names(graph: dict, settings: dict, pipeline: str, wanted: set, by_pipeline: bool) -> bool:
    for node in graph.get("nodes", []):
        config = node.get("config") or {}
        named_pipeline = config.get("pipeline")
        if named_pipeline and named_pipeline != pipeline:
            continue
        if by_pipeline and named_pipeline == pipeline:
            return True
        if config.get("stage") in wanted or wanted & set(config.get("stages") or []):
            return True
        if _condition_names(config, wanted):
            return True
    return _condition_names(settings.get("exit_when"), wanted)


def _condition_names(value, wanted: set) -> bool:
    """Whether a condition rule anywhere in `value` compares the stage with one of `wanted`."""
    if isinstance(value, dict):
        if value.get("field") == "stage":
            compared = value.get("value")
            compared = compared if isinstance(compared, list) else [compared]
            if wanted & {c for c in compared if isinstance(c, str)}:
                return True
        return any(_condition_names(v, wanted) for v in value.values() if isinstance(v, (dict, list)))
    if isinstance(value, list):
        return any(_condition_names(v, wanted) for v in value)
    return False
