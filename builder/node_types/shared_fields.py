"""Config fields several node types share."""
from builder import schemas as s

OBJECT = s.plain("Object", "object", required=True, description="The kind of record this workflow acts on")
FILTER = s.condition_group("Only when", description="Start only for records matching these conditions")
CANCEL_IF_CHANGED = s.names("Cancel if changed", "fields",
                            description="Cancel the run if one of these fields changes while it waits here")
DATE_FIELD = s.plain("Date field", "field", required=True, field_types=("date", "datetime"))
OFFSET = s.duration("Offset", "P0D", negative=True, description="e.g. -P1D for the day before")
