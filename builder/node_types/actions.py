"""Actions: what a run does. Each goes on along 'next', or 'error' when it fails; executors in engine/actions/."""
from builder import schemas as s
from builder.node_type import NodeType, declare
from builder.node_types.shared_fields import BUSINESS_HOURS_ONLY
from builder.objects import coerce_value
from builder.schemas import PRIORITIES
from builder.templating import is_template


def _email_rules(config, scope, add) -> None:
    if not config["subject"].strip():
        add("warning", "config.subject", "Subject is empty")


def _notify_rules(config, scope, add) -> None:
    if not (config["user"].strip() or config["role"].strip() or config["owner"]):
        add("error", "config.user", "choose a user, a role or the record owner to notify")


def _update_record_rules(config, scope, add) -> None:
    changes = (config["fields"], config["stage"], config["owner"], config["add_tags"], config["remove_tags"])
    if not any(changes):
        add("warning", "config.fields", "this step changes nothing")
    if not scope.object:
        return
    specs = scope.objects[scope.object].get("fields") or {}
    for name, value in config["fields"].items():
        if name not in specs:
            add("error", f"config.fields.{name}", f"{scope.label()} has no field '{name}'")
            continue
        if is_template(value):
            continue
        try:
            coerce_value(specs[name], value)
        except ValueError as exc:
            add("error", f"config.fields.{name}", f"{name}: {exc}")


def _webhook_rules(config, scope, add) -> None:
    url = config["url"].strip()
    if url and not is_template(url) and not url.lower().startswith(("http://", "https://")):
        add("error", "config.url", "URL: must start with http:// or https://")


def action(*, fields, **keywords) -> NodeType:
    return NodeType(kind="action", ports=("next", "error"), fields={**fields, "business_hours_only": BUSINESS_HOURS_ONLY},
                    **keywords)


def _rotate_rules(config, scope, add) -> None:
    users, role = [u for u in config["users"] if u.strip()], config["role"].strip()
    if not users and not role:
        add("error", "config.users", "choose the users or the role to rotate among")
    elif users and role:
        add("error", "config.role", "choose either users or a role, not both")
    if len(set(users)) < len(users):
        add("warning", "config.users", "a user is listed twice (and still gets one turn per round)")


_TAGS = "[, tags +{add_tags}][, tags -{remove_tags}]"

declare(
    action(type="send_email", label="Send email", icon="mail", help="Sends an email.", channel="email",
           summary=("email to {to}",), rules=(_email_rules,),
           fields={"to": s.text("To", required=True), "cc": s.text("Cc"), "subject": s.text("Subject"),
                   "body": s.text("Body", multiline=True)}),
    action(type="send_sms", label="Send SMS", icon="message-square", help="Sends a text message.", channel="sms",
           summary=("SMS to {to}",),
           fields={"to": s.text("To", required=True), "body": s.text("Body", multiline=True, required=True)}),
    action(type="send_whatsapp", label="Send WhatsApp", icon="message-circle", help="Sends a WhatsApp message.",
           channel="whatsapp", summary=("WhatsApp to {to}",),
           fields={"to": s.text("To", required=True), "body": s.text("Body", multiline=True, required=True)}),
    action(type="create_task", label="Create task", icon="check-square", help="Creates a task record.",
           summary=("task: {title}",),
           fields={"title": s.text("Title", required=True),
                   "type": s.choice("Type", ("Call", "Meeting", "Email", "Other"), "Other"),
                   "category": s.text("Category"), "priority": s.choice("Priority", PRIORITIES, "normal"),
                   "details": s.text("Details", multiline=True), "due": s.duration("Due in", "P1D", optional=True),
                   "owner": s.plain("Owner", "user", "record_owner", record_owner=True,
                                    description="'record_owner' or a username")}),
    action(type="update_record", label="Update record", icon="edit-3",
           help="Changes fields, stage, owner or tags of the record.", needs_record=True, rules=(_update_record_rules,),
           summary=("update {fields}[, stage {stage}][, owner {owner}]" + _TAGS,
                    "update stage {stage}[, owner {owner}]" + _TAGS, "update owner {owner}" + _TAGS,
                    "update tags +{add_tags}[, tags -{remove_tags}]", "update tags -{remove_tags}", "update nothing"),
           fields={"fields": s.key_values("Fields", keys="fields"),
                   "stage": s.plain("Stage", "stage", empty_label="Unchanged"),
                   "owner": s.plain("Owner", "user", empty_label="Unchanged", record_owner=True,
                                    description="A username or 'record_owner'; empty = unchanged"),
                   "add_tags": s.names("Add tags", "tags"), "remove_tags": s.names("Remove tags", "tags")}),
    action(type="notify_user", label="Notify user", icon="bell", help="Sends an in-app notification.",
           summary=("notify {user}", "notify {role}", "notify the owner{owner}", "notify {user}"),
           rules=(_notify_rules,),
           fields={"user": s.plain("User", "user"), "role": s.plain("Role", "role"), "owner": s.flag("Record owner"),
                   "message": s.text("Message", multiline=True, required=True)}),
    action(type="rotate_owner", label="Rotate owner", icon="users",
           help="Gives the record to the next user in turn (round robin), skipping inactive users.",
           needs_record=True, rules=(_rotate_rules,),
           summary=("{field|owner}: next of role {role}[ (available{only_available})]",
                    "{field|owner}: next of {users}[ (available{only_available})]"),
           fields={"users": s.names("Users", "users", description="Rotate among these users, in this order"),
                   "role": s.plain("Role", "role", description="Or: rotate among everyone with this role"),
                   "only_available": s.flag("Only available users", description=(
                       "Pass over users who marked themselves away (Settings → Users)")),
                   "field": s.plain("Set", "field", field_types=("user",), empty_label="Owner", description=(
                       "Empty = the record's owner; or a user field, such as a task's assignee"))}),
    action(type="webhook", label="Call webhook", icon="globe", help="Sends an HTTP request.", channel="webhook",
           summary=("{method|POST} {url}",), rules=(_webhook_rules,),
           fields={"url": s.text("URL", required=True),
                   "method": s.choice("Method", ("POST", "PUT", "PATCH", "GET", "DELETE"), "POST"),
                   "headers": s.key_values("Headers"), "body": s.text("Body", multiline=True)}),
)
