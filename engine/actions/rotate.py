"""rotate_owner: hand the record (its owner, or a user field such as a task's assignee) to the next user in turn."""
from crm import records
from engine import rotation
from engine.node_executors import executes
from engine.outcomes import Advance, Fail


def _who(config: dict) -> str:
    role = (config.get("role") or "").strip()
    return f"the users with role {role}" if role else ", ".join(config.get("users") or []) or "nobody"


@executes("action", "rotate_owner")
def execute(node, ctx):
    config, record = node["config"], ctx.record
    if record is None:
        return Fail("the record no longer exists" if ctx.record_id else "this run has no record to assign")
    users = rotation.pool(config)
    if not users:
        available = " and available" if config.get("only_available") else ""
        return Fail(f"no active{available} user to rotate among ({_who(config)})")
    field = (config.get("field") or "").strip()
    what = f"'{field}'" if field else "owner"
    if ctx.dry:
        user = users[rotation.turns_taken(ctx.spec.workflow_id, node["id"]) % len(users)]
        return Advance(reason=f"would set {what} to {user.username} (next of {len(users)} in turn)")
    turn = rotation.take_turn(ctx.spec.workflow_id, node["id"])
    user = users[(turn - 1) % len(users)]
    data = {"fields": {field: user.username}} if field else {"owner": user.username}
    try:
        changes = records.update(record, data, ctx.cause)
    except records.RecordInvalid as exc:
        return Fail("the record cannot be changed: " + "; ".join(f"{k}: {v}" for k, v in exc.details.items()),
                    input=data)
    ctx.record_changed()
    return Advance(reason=f"{what} set to {user.username} (turn {turn}, {len(users)} in rotation)", input=data,
                   output={"user": user.username, "turn": turn, "changes": changes})
