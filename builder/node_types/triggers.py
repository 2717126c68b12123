"""Triggers: what starts a run. Their executors and event matching live in engine/executors/triggers.py."""
from functools import partial

from builder import schemas as s
from builder.node_type import NodeType, declare
from builder.node_types.shared_fields import DATE_FIELD, FILTER, OBJECT, OFFSET

_APPROVAL_TASKS = s.flag("Include tasks made by approvals", description=(
    "Task records only: also start for the task record each approval (human task) keeps for itself; "
    "off, they start nothing, so an approval does not also set off every 'task created' rule"))
_IF = "[ if {filter:condition}]"


def _stage_entered_rules(config, scope, add) -> None:
    if scope.object and not scope.objects[scope.object].get("pipelines"):
        add("error", "config.object", f"{scope.label()} has no pipeline, so no stage can be entered")


trigger = partial(NodeType, kind="trigger")

declare(
    trigger(type="record_created", label="Record created", icon="plus-circle", help="Starts when a record is created.",
            event="created", summary=("when a {object|record} is created" + _IF,),
            fields={"object": OBJECT, "filter": FILTER, "include_workflow_tasks": _APPROVAL_TASKS}),
    trigger(type="record_updated", label="Record updated", icon="edit", help="Starts when a record changes.",
            event="updated", summary=("when a {object|record} changes" + _IF,),
            fields={"object": OBJECT, "fields": s.names("Changed fields", "fields", description=(
                        "Start only when one of these changed; empty = any")),
                    "filter": FILTER, "include_workflow_tasks": _APPROVAL_TASKS}),
    trigger(type="record_deleted", label="Record deleted", icon="trash", help="Starts when a record is deleted.",
            event="deleted", summary=("when a {object|record} is deleted" + _IF,),
            fields={"object": OBJECT, "filter": FILTER}),
    trigger(type="stage_entered", label="Stage entered", icon="flag",
            help="Starts when a record moves into a stage, or is created in it.",
            event="stage_changed", also_on=("created",), summary=("{object|record} enters {stage}" + _IF,),
            rules=(_stage_entered_rules,),
            fields={"object": OBJECT, "pipeline": s.plain("Pipeline", "pipeline"),
                    "stage": s.plain("Stage", "stage", required=True), "filter": FILTER}),
    trigger(type="date_reached", label="Date reached", icon="calendar", help="Starts on a date stored in a record.",
            event="time", summary=("{field|date}[ {offset:offset}] at {at}" + _IF,),
            fields={"object": OBJECT, "field": DATE_FIELD, "offset": OFFSET,
                    "at": s.plain("At", "time", "09:00", description="Time of day, in the workflow's time zone"),
                    "filter": FILTER}),
    trigger(type="inactive_for", label="Inactive for", icon="hourglass",
            help="Starts when a record has not changed for a while.",
            event="time", summary=("no change for {duration:duration}" + _IF,),
            fields={"object": OBJECT, "duration": s.duration("Inactive for", "P7D"),
                    "stages": s.names("Only in stages", "stages", description="Empty = any stage"), "filter": FILTER}),
    trigger(type="schedule", label="Schedule", icon="repeat",
            help="Starts on a schedule (cron, in the workflow's time zone).",
            event="schedule", record=False, summary=("cron {cron}",),
            fields={"cron": s.plain("Schedule", "cron", "0 9 * * 1-5",
                                    description="Five cron fields: minute hour day month weekday")}),
    trigger(type="webhook", label="Webhook", icon="link",
            help="Starts when a system posts JSON to the workflow's hook URL.",
            event="webhook", record=False, summary=("when the hook is called",)),
    trigger(type="manual", label="Manual", icon="play", help="Starts when someone runs it by hand.",
            event="manual", record="object", summary=("run by hand for a {object}", "run by hand"),
            fields={"object": s.plain("Object", "object", description="Empty = runs without a record")}),
)
