"""Wait nodes park the token until a moment (each wait type's @wakes computes it); the interpreter wakes it.
A delay may count the workflow's business time; a wait for an event also listens (engine.event_waits) and takes
`timeout` when its moment comes first, a timeout that may count business time too."""
from datetime import datetime
from zoneinfo import ZoneInfo

from engine import event_waits
from engine.node_executors import WAKES, executes, wakes
from engine.outcomes import Advance, Fail, Wait
from engine.waits import (WaitConfigError, business_delay_until, date_until, days_from_field, delay_until,
                          next_time_of_day)


@executes("wait", "delay", "until_date", "until_time")
def execute(node, ctx):
    try:
        if node["type"] == "delay" and node["config"].get("business_time") is True:
            until = business_delay_until(node["config"].get("duration") or "", ctx.now(), ctx.spec.business_hours)
        else:
            until = wake_time(node["type"], node["config"], ctx.view, ctx.now(), ctx.spec.timezone)
    except WaitConfigError as exc:
        return Fail(str(exc))
    return Wait(until=until, reason=f"until {until.astimezone(ctx.zone).isoformat()}")


def wake_time(node_type: str, config: dict, record: dict | None, now: datetime, tz_name: str) -> datetime:
    """When a run waiting at this node goes on (possibly already past: then it goes on at once)."""
    wake = WAKES.get(("wait", node_type))
    if wake is None:
        raise WaitConfigError(f"'{node_type}' is not a wait")
    return wake(config, record, now, ZoneInfo(tz_name or "UTC"))


@wakes("delay")
def _after_the_delay(config, record, now, zone):
    if config.get("days_field"):
        return days_from_field(record, config["days_field"], now, zone)
    return delay_until(config.get("duration") or "", now, zone)


@wakes("until_date")
def _at_the_record_date(config, record, now, zone):
    value = ((record or {}).get("fields") or {}).get(config.get("field"))
    return date_until(value, config.get("offset"), zone)


@wakes("until_time")
def _at_the_time_of_day(config, record, now, zone):
    return next_time_of_day(config.get("time") or "09:00", config.get("days"), now, zone)


@executes("wait", "wait_event")
def listen(node, ctx):
    config = node["config"]
    if ctx.record_id is None:
        return Fail("this run has no record to wait on")
    already = event_waits.already(config, ctx.view)
    if already:  # `what` marks it as gone on along `next`, like a wait that heard (engine.stats counts them)
        return Advance(reason=already, output={"what": already})
    try:
        if config.get("business_time") is True:
            until = business_delay_until(config.get("timeout") or "", ctx.now(), ctx.spec.business_hours)
        else:
            until = delay_until(config.get("timeout") or "", ctx.now(), ctx.zone)
    except WaitConfigError as exc:
        return Fail(str(exc))
    return Wait(until=until, listens=True,
                reason=f"for {event_waits.describe(config)}, at most until {until.astimezone(ctx.zone).isoformat()}")
