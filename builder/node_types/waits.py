"""Waits: the run rests here until a moment (engine/executors/waits.py computes it)."""
from functools import partial

from builder import schemas as s
from builder.node_type import NodeType, declare
from builder.node_types.shared_fields import CANCEL_IF_CHANGED, DATE_FIELD, OFFSET
from builder.schemas import WEEKDAYS

wait = partial(NodeType, kind="wait")

declare(
    wait(type="delay", label="Delay", icon="clock", help="Waits for a while.",
         summary=("wait {days_field} days", "wait {duration:duration}"),
         auto_label=("{!days_field}Wait {duration:spoken}",),
         fields={"duration": s.duration("Duration", "P1D"),
                 "days_field": s.plain("Days from field", "field", field_types=("number",), description=(
                     "Wait as many days as this number field holds; empty = the duration")),
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
)
