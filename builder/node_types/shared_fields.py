"""Config fields several node types share."""
from builder import schemas as s

OBJECT = s.plain("Object", "object", required=True, description="The kind of record this workflow acts on")
FILTER = s.condition_group("Only when", description="Start only for records matching these conditions")
CANCEL_IF_CHANGED = s.names("Cancel if changed", "fields",
                            description="Cancel the run if one of these fields changes while it waits here")
DATE_FIELD = s.plain("Date field", "field", required=True, field_types=("date", "datetime"))
OFFSET = s.duration("Offset", "P0D", negative=True, description="e.g. -P1D for the day before")
# Every shipped action may wait for the workflow's business hours (docs/NODES.md); absent unless ticked.
BUSINESS_HOURS_ONLY = s.option("Only within business hours", description=(
    "Outside the workflow's business hours the run waits here until they open"))
