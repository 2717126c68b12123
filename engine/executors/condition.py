"""Condition nodes: `true` when the record (as it is at this step) matches, else `false` (skipped)."""
from engine.conditions import explain
from engine.node_executors import executes
from engine.outcomes import Advance


@executes("condition", "condition")
def execute(node, ctx):
    config = node["config"]
    group = {"match": config.get("match", "all"), "rules": config.get("rules") or []}
    view = ctx.view or {}
    fields, now = ctx.object_fields(view.get("object")), ctx.now()
    verdict = explain(group, view, ctx.trigger, fields, payload=ctx.payload, now=now)
    if verdict.passed:
        return Advance("true", reason=verdict.reason)
    return Advance("false", status="skipped", reason=f"condition not met: {verdict.reason}")
