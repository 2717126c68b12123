"""One executor per node kind: ``execute(node, ctx)`` returns an Advance, a Wait or a Fail (engine.outcomes).

Executors read the context and make local changes in the run's transaction; they never move tokens.
"""
from builder.templating import TemplateError
from engine.executors import actions, condition, human_task, triggers, waits
from engine.outcomes import Fail

_BY_KIND = {"trigger": triggers.execute, "condition": condition.execute, "wait": waits.execute,
            "action": actions.execute, "human_task": human_task.execute}


def execute(node: dict, ctx):
    executor = _BY_KIND.get(node["kind"])
    if executor is None:
        return Fail(f"'{node['type']}' steps cannot run in this version of Flowdesk yet")
    try:
        return executor(node, ctx)
    except TemplateError as exc:
        return Fail(exc.message)
