"""Published versions as the interpreter reads them, built once per version id and kept per app.

A version never changes after it is published, so a process may keep its spec for as long as it lives: the
most recently used MAX_SPECS stay. The cache hangs off the Flask app so that two apps (two databases) never
share one.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from flask import current_app

from store.db import db
from builder.business_hours import BusinessHours, hours_problems
from builder.workflow_graph import WorkflowGraph
from store.models import WorkflowVersion

_CACHE_KEY = "flowdesk.engine.specs"
MAX_SPECS = 1000
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Spec:
    """What a run needs of its version: the graph, settings and names, all immutable."""

    version_id: int | None
    workflow_id: int
    number: int | None
    name: str
    timezone: str
    settings: dict
    graph: WorkflowGraph

    @property
    def trigger(self) -> dict | None:
        return self.graph.trigger

    @property
    def exit_when(self) -> dict | None:
        return self.settings.get("exit_when")

    @property
    def reenroll(self) -> bool:
        return bool(self.settings.get("reenroll"))

    @cached_property
    def business_hours(self) -> BusinessHours | None:
        """The workflow's business hours, or None when it has none (or they cannot be read)."""
        value = self.settings.get("business_hours")
        if value is None or hours_problems(value):
            return None
        return BusinessHours.of(value, self.timezone)

    @classmethod
    def of_draft(cls, workflow) -> "Spec":
        """A spec of a workflow's draft (for dry runs); never cached."""
        return cls(None, workflow.id, workflow.version, workflow.name, workflow.timezone or "UTC",
                   dict(workflow.settings or {}), WorkflowGraph.from_json(workflow.graph))


def spec_of(version_id: int) -> Spec:
    """The spec of a published version; raises LookupError when there is no such version."""
    cache = current_app.extensions.setdefault(_CACHE_KEY, OrderedDict())
    with _LOCK:
        spec = cache.get(version_id)
        if spec is not None:
            cache.move_to_end(version_id)
            return spec
    row = db.session.execute(db.select(
        WorkflowVersion.workflow_id, WorkflowVersion.number, WorkflowVersion.name, WorkflowVersion.timezone,
        WorkflowVersion.settings, WorkflowVersion.graph).where(WorkflowVersion.id == version_id)).first()
    if row is None:
        raise LookupError(f"no workflow version {version_id}")
    spec = Spec(version_id, row.workflow_id, row.number, row.name, row.timezone or "UTC",
                dict(row.settings or {}), WorkflowGraph.from_json(row.graph))
    with _LOCK:
        cache[version_id] = spec
        if len(cache) > MAX_SPECS:
            cache.popitem(last=False)
    return spec
