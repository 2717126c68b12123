"""The workflows list: each workflow with its last run and its failures in the last 7 days, read in one query
for the whole list (not one per row), filtered by folder and by a search of its text (builder.search)."""
from datetime import timedelta

from sqlalchemy import func, select

from builder.search import matches, search_text
from store.db import db
from store.models import Workflow
from engine.models import Run

FAILURE_WINDOW = timedelta(days=7)
ROOT = "root"  # the folder filter for workflows in no folder


def rows(clock, *, folder: int | str | None = None, query: str = "") -> list[dict]:
    """`[{"workflow", "last_run", "failures_7d", "search"}]`, most recently changed first; `last_run` is
    `{"id", "status", "started_at"}` or None. `folder` is a folder id, ROOT, or None for every folder."""
    def newest(column):  # of its last run, each an index lookup (a join on the subquery hashes every run)
        return (select(column).where(Run.workflow_id == Workflow.id).order_by(Run.id.desc()).limit(1)
                .correlate(Workflow).scalar_subquery())

    failures = (select(func.count(Run.id))
                .where(Run.workflow_id == Workflow.id, Run.status == "failed",
                       Run.finished_at >= clock.now() - FAILURE_WINDOW)
                .correlate(Workflow).scalar_subquery())
    statement = (select(Workflow, newest(Run.id), newest(Run.status), newest(Run.started_at), failures)
                 .order_by(Workflow.updated_at.desc(), Workflow.id.desc()))
    if folder == ROOT:
        statement = statement.where(Workflow.folder_id.is_(None))
    elif folder is not None:
        statement = statement.where(Workflow.folder_id == folder)
    found = []
    for workflow, run_id, status, started_at, failed in db.session.execute(statement).all():
        text = search_text(workflow.name, workflow.description, workflow.graph)
        if query and not matches(text, query):
            continue
        found.append({"workflow": workflow, "failures_7d": failed, "search": text,
                      "last_run": None if run_id is None else {"id": run_id, "status": status,
                                                               "started_at": started_at}})
    return found
