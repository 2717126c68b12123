"""What an executor sees while a run advances: the record, the trigger, templates, the clock.

The template context is plain data (ARCHITECTURE.md mechanism 6): ``record`` (fields, owner as
``{username, email, name}``, tags, stage...), ``trigger`` (event, changes), ``payload``, ``run``,
``workflow`` and ``now`` (in the workflow's time zone).
"""
from zoneinfo import ZoneInfo

from flask import current_app

from builder.templating import render, storable
from crm import kinds, records
from engine.clock import SYSTEM_CLOCK
from store.db import app_clock, use_clock  # noqa: F401 (use_clock: tests install their clock through here)
from crm.record_view import RecordView
from crm.records import Cause

_UNLOADED = object()


def current_clock():
    """The app's clock: the system clock unless a test installed another with :func:`use_clock`."""
    return app_clock() or SYSTEM_CLOCK


def record_view(record) -> dict | None:
    """A record as templates and conditions see it."""
    return RecordView.of(record).template_data() if record is not None else None


class StepContext:
    """One advance of one run, as executors see it. `dry` executors describe their effect instead of doing it."""

    def __init__(self, spec, *, run_id, record_id, trigger, payload, depth, started_at, clock, dry=False,
                 record=_UNLOADED, renders=None):
        self.spec, self.run_id, self.record_id = spec, run_id, record_id
        self.trigger, self.payload, self.depth, self.started_at = trigger or {}, payload, depth, started_at
        self.clock, self.dry, self.renders = clock, dry, renders
        self._record, self._view, self._templates = record, _UNLOADED, None

    @classmethod
    def of_run(cls, run, spec, clock, record=_UNLOADED, *, dry=False, renders=None) -> "StepContext":
        """`renders` (engine.prerender.Renders) keeps what templates rendered to, and gives it back when the
        same template is rendered with the same data."""
        return cls(spec, run_id=run.id, record_id=run.record_id, trigger=run.trigger, payload=run.payload,
                   depth=run.depth, started_at=run.started_at, clock=clock, dry=dry, record=record, renders=renders)

    @property
    def config(self):
        return current_app.config

    def now(self):
        return self.clock.now()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.spec.timezone)

    @property
    def record(self):
        """The run's record as it is now, as :func:`crm.records.load` gives it (None when the run has
        none or it was deleted)."""
        if self._record is _UNLOADED:
            self._record = records.load(self.record_id)
        return self._record

    @property
    def view(self) -> dict | None:
        """The record as templates and conditions see it; for a deleted record, its last snapshot."""
        if self._view is _UNLOADED:
            self._view = record_view(self.record) or self.trigger.get("record")
        return self._view

    def record_changed(self) -> None:
        """Call after changing the record, so later steps see it as it now is."""
        self._view, self._templates = _UNLOADED, None

    def object_fields(self, object_name: str | None) -> dict:
        """Field specs of an object type (for typed conditions and values)."""
        return kinds.fields_of(object_name)

    @property
    def cause(self) -> Cause:
        """How changes made by this run are attributed: enrollment uses it against self-triggering and loops."""
        return Cause(actor=f"workflow:{self.spec.name}"[:120], run_id=self.run_id, workflow_id=self.spec.workflow_id,
                     depth=self.depth + 1)

    def template_context(self) -> dict:
        if self._templates is None:
            self._templates = {
                "record": self.view or {}, "trigger": self.trigger, "payload": self.payload,
                "run": {"id": self.run_id, "started_at": self.started_at.isoformat() if self.started_at else None},
                "workflow": {"id": self.spec.workflow_id, "name": self.spec.name, "version": self.spec.number},
                "now": (self.renders.now if self.renders else self.now()).astimezone(self.zone)}
        return self._templates

    def render(self, text, *, html=False, extra=None) -> str:
        """User text rendered in the sandbox (with `extra` names beside the usual ones); raises
        builder.templating.TemplateError with a readable message."""
        if not isinstance(text, str) or ("{" not in text):
            return "" if text is None else storable(str(text))
        context = {**self.template_context(), **extra} if extra else self.template_context()
        if self.renders is not None:
            return self.renders.render(text, context, html)
        return render(text, context, html=html)
