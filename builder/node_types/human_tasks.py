"""Human tasks: a person decides, and the run goes on along the outcome they pick (or 'timeout')."""
from builder import schemas as s
from builder.node_type import NodeType, PortsFrom, declare
from builder.node_types.shared_fields import CANCEL_IF_CHANGED
from builder.schemas import PRIORITIES


def _assignee_rules(config, scope, add) -> None:
    if config["assignee"] is None:
        add("error", "config.assignee", "choose who the task is for")


declare(
    NodeType(type="human_task", kind="human_task", label="Human task", icon="user-check",
             help="Asks a person to decide, then goes on by outcome.",
             ports=PortsFrom("outcomes", default=("done",), then=("timeout",), noun="outcome"),
             summary=("ask: {title}",), rules=(_assignee_rules,),
             fields={"title": s.text("Title", required=True), "description": s.text("Description", multiline=True),
                     "assignee": s.assignee("Assignee"), "priority": s.choice("Priority", PRIORITIES, "normal"),
                     "due": s.duration("Due after", "", optional=True,
                                       description="Goes on along 'timeout' when overdue"),
                     "outcomes": s.names("Outcomes", "outcomes", ("done",)), "cancel_if_changed": CANCEL_IF_CHANGED}),
)
