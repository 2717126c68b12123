"""Action nodes, dispatched by type to engine.actions."""
from engine.actions import email, messaging, notify, records, rotate, tasks, webhook
from engine.outcomes import Fail

_BY_TYPE = {"send_email": email.execute, "send_sms": messaging.execute, "send_whatsapp": messaging.execute,
            "webhook": webhook.execute, "create_task": tasks.execute, "update_record": records.execute,
            "notify_user": notify.execute, "rotate_owner": rotate.execute}


def execute(node, ctx):
    action = _BY_TYPE.get(node["type"])
    if action is None:
        return Fail(f"there is no action '{node['type']}'")
    return action(node, ctx)
