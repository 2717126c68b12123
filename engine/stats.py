"""Per-node and per-day counts of a workflow's runs, computed with SQL aggregates."""
from datetime import timedelta

from sqlalchemy import distinct, func, select

from store.db import db
from engine.models import Run, Step


def node_counts(workflow_id: int) -> dict:
    """node id -> {"reached": runs that reached it, "waiting": runs waiting there now, "failed": failed steps}."""
    runs = select(Run.id).where(Run.workflow_id == workflow_id).scalar_subquery()
    rows = db.session.execute(
        select(Step.node_id, func.count(distinct(Step.run_id)),
               func.count(Step.id).filter(Step.status == "waiting"), func.count(Step.id).filter(Step.status == "failed"))
        .where(Step.run_id.in_(runs)).group_by(Step.node_id)).all()
    return {node_id: {"reached": reached, "waiting": waiting, "failed": failed}
            for node_id, reached, waiting, failed in rows}


def counts_of(workflow) -> dict:
    """:func:`node_counts` of `workflow`; each random split and wait for event of its latest graph also with its
    ``branches``: port -> runs that went out along it."""
    counts = node_counts(workflow.id)
    graph = workflow.versions[-1].graph if workflow.versions else workflow.graph
    types = {node["id"]: node["type"] for node in graph["nodes"]}
    splits = [node_id for node_id, type_ in types.items() if type_ == "random_split"]
    waits = [node_id for node_id, type_ in types.items() if type_ == "wait_event"]
    taken_ports = {**branch_counts(workflow.id, splits), **wait_outcomes(workflow.id, waits)}
    for node_id, taken in taken_ports.items():
        counts.setdefault(node_id, {"reached": 0, "waiting": 0, "failed": 0})["branches"] = taken
    return counts


def branch_counts(workflow_id: int, split_ids) -> dict:
    """split node id -> {branch name: runs that took it}, for the random splits named in `split_ids`."""
    if not split_ids:
        return {}
    runs = select(Run.id).where(Run.workflow_id == workflow_id).scalar_subquery()
    branch = Step.output["branch"].as_string()
    rows = db.session.execute(
        select(Step.node_id, branch, func.count(distinct(Step.run_id)))
        .where(Step.run_id.in_(runs), Step.node_id.in_(list(split_ids)), branch.is_not(None))
        .group_by(Step.node_id, branch)).all()
    found = {}
    for node_id, name, count in rows:
        found.setdefault(node_id, {})[name] = count
    return found


def wait_outcomes(workflow_id: int, wait_ids) -> dict:
    """wait node id -> {"next": runs that heard the event, "timeout": runs that took the timeout}.

    A finished wait's step says ``what`` it heard (or that the record already stood where it was awaited); one
    that went on without it timed out. Runs still waiting are the node's ``waiting``."""
    if not wait_ids:
        return {}
    runs = select(Run.id).where(Run.workflow_id == workflow_id).scalar_subquery()
    heard = Step.output["what"].as_string()
    rows = db.session.execute(
        select(Step.node_id, func.count(distinct(Step.run_id)).filter(heard.is_not(None)),
               func.count(distinct(Step.run_id)).filter(heard.is_(None)))
        .where(Step.run_id.in_(runs), Step.node_id.in_(list(wait_ids)), Step.status == "done")
        .group_by(Step.node_id)).all()
    return {node_id: {"next": next_, "timeout": timeout} for node_id, next_, timeout in rows}


def daily(workflow_id: int, today, days: int = 30) -> list[dict]:
    """Runs started, completed and failed per day (UTC) for the last `days` days, oldest first."""
    since = today - timedelta(days=days - 1)
    out = {since + timedelta(days=i): {"started": 0, "completed": 0, "failed": 0} for i in range(days)}
    for column, statuses, key in ((Run.started_at, None, "started"), (Run.finished_at, ("completed",), "completed"),
                                  (Run.finished_at, ("failed",), "failed")):
        query = select(func.date(column), func.count(Run.id)).where(Run.workflow_id == workflow_id, column.is_not(None))
        if statuses:
            query = query.where(Run.status.in_(statuses))
        for day, count in db.session.execute(query.group_by(func.date(column))).all():
            day = day if not isinstance(day, str) else type(today).fromisoformat(day)
            if day in out:
                out[day][key] = count
    return [{"date": day.isoformat(), **counts} for day, counts in out.items()]
