"""Wait nodes park the token until a moment (engine.waits computes it); the interpreter wakes it."""
from engine.outcomes import Fail, Wait
from engine.waits import WaitConfigError, wake_time


def execute(node, ctx):
    try:
        until = wake_time(node["type"], node["config"], ctx.view, ctx.now(), ctx.spec.timezone)
    except WaitConfigError as exc:
        return Fail(str(exc))
    return Wait(until=until, reason=f"until {until.astimezone(ctx.zone).isoformat()}")
