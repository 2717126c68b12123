"""Wait nodes park the token until a moment (engine.waits computes it); the interpreter wakes it.
A wait for an event also listens (engine.event_waits) and takes `timeout` when its moment comes first."""
from engine import event_waits
from engine.outcomes import Advance, Fail, Wait
from engine.waits import WaitConfigError, delay_until, wake_time


def execute(node, ctx):
    if node["type"] == "wait_event":
        return _listen(node, ctx)
    try:
        until = wake_time(node["type"], node["config"], ctx.view, ctx.now(), ctx.spec.timezone,
                          ctx.spec.business_hours)
    except WaitConfigError as exc:
        return Fail(str(exc))
    return Wait(until=until, reason=f"until {until.astimezone(ctx.zone).isoformat()}")


def _listen(node, ctx):
    config = node["config"]
    if ctx.record_id is None:
        return Fail("this run has no record to wait on")
    already = event_waits.already(config, ctx.view)
    if already:
        return Advance(reason=already)
    try:
        until = delay_until(config.get("timeout") or "", ctx.now(), ctx.zone)
    except WaitConfigError as exc:
        return Fail(str(exc))
    return Wait(until=until, listens=True,
                reason=f"for {event_waits.describe(config)}, at most until {until.astimezone(ctx.zone).isoformat()}")
