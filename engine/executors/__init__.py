"""Runs a node: its type's executor (engine.node_executors) returns an Advance, a Wait or a Fail (engine.outcomes).

Executors read the context and make local changes in the run's transaction; they never move tokens. Importing
this package registers every shipped executor and checks the registry against the catalog.
"""
from builder.templating import TemplateError
from engine.actions import email, messaging, notify, records, rotate, tasks, webhook  # noqa: F401  (registers actions)
from engine.executors import condition, human_task, occurrences, split, triggers, waits  # noqa: F401
from engine.node_executors import check_complete, executor_of
from engine.outcomes import Fail

check_complete()


def execute(node: dict, ctx):
    executor = executor_of(node)
    if executor is None:
        return Fail(f"'{node['type']}' steps cannot run in this version of Flowdesk yet")
    try:
        return executor(node, ctx)
    except TemplateError as exc:
        return Fail(exc.message)
