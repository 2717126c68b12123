"""Waits: the run rests here until a moment (engine/executors/waits.py computes it), or an event comes."""
from functools import partial

from builder import schemas as s
from builder.node_type import NodeType, declare
from builder.node_types.shared_fields import CANCEL_IF_CHANGED, DATE_FIELD, OFFSET
from builder.schemas import WAITED_EVENTS, WEEKDAYS

wait = partial(NodeType, kind="wait")


def _wait_event_rules(config, scope, add) -> None:
    if config["event"] == "stage_entered":
        if not config["stage"].strip():
            add("error", "config.stage", "choose the stage to wait for")
        elif scope.object and not scope.objects[scope.object].get("pipelines"):
            add("error", "config.event", f"{scope.label()} has no pipeline, so no stage can be entered")
    if config["event"] == "task_done" and scope.object and "task" not in scope.objects:
        add("error", "config.event", "there are no task records")

declare(
    wait(type="delay", label="Delay", icon="clock", help="Waits for a while.",
         summary=("wait {days_field} days", "wait {duration:duration}[ of business time{business_time}]"),
         auto_label=("{!days_field}Wait {duration:spoken}",),
         fields={"duration": s.duration("Duration", "P1D"),
                 "days_field": s.plain("Days from field", "field", field_types=("number",), description=(
                     "Wait as many days as this number field holds; empty = the duration")),
                 "business_time": s.option("Count business time", description=(
                     "Count only the workflow's business hours: P2D is 2 business days, PT4H 4 open hours")),
                 "cancel_if_changed": CANCEL_IF_CHANGED}),
    wait(type="until_date", label="Until date", icon="calendar-clock", help="Waits until a date stored in the record.",
         summary=("until {field|date}[ {offset:offset}]",),
         fields={"field": DATE_FIELD, "offset": OFFSET, "cancel_if_changed": CANCEL_IF_CHANGED}),
    wait(type="until_time", label="Until time", icon="sun",
         help="Waits until a time of day (in the workflow's time zone).",
         summary=("until {time}[ on {days}]",), auto_label=("Wait until {time:clock}",),
         fields={"time": s.plain("Time", "time", "09:00"),
                 "days": s.names("Days", "weekdays", options=WEEKDAYS, description="Empty = any day"),
                 "cancel_if_changed": CANCEL_IF_CHANGED}),
    wait(type="wait_event", label="Wait for event", icon="radio",
         help="Waits until something happens to the record, or goes on along 'timeout'.", ports=("next", "timeout"),
         needs_record=True, rules=(_wait_event_rules,),
         summary=("{event:waited}, up to {timeout:duration}[ of business time{business_time}]",),
         fields={"event": s.choice("Wait for", WAITED_EVENTS, "field_changed", description=(
                     "field_changed: one of the fields changes; stage_entered: the record enters the stage; "
                     "task_done: a task about the record (or the record, if it is a task) is set to Done; webhook: "
                     "an outside system reports the record through POST /api/events")),
                 "fields": s.names("Fields", "fields", when={"event": ["field_changed"]},
                                   description="Any of these; empty = any field"),
                 "stage": s.plain("Stage", "stage", when={"event": ["stage_entered"]}),
                 "timeout": s.duration("Timeout after", "P1D",
                                       description="Goes on along 'timeout' when nothing happened"),
                 "business_time": s.option("Count business time", description=(
                     "Count the timeout in the workflow's business hours: P2D is 2 business days")),
                 "cancel_if_changed": CANCEL_IF_CHANGED}),
)
