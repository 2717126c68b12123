"""Which code runs each declared node type, registered by decorators beside the code (docs/NODE_TYPES.md).

- ``@executes(kind, *types)``: ``execute(node, ctx)`` returns an Advance, a Wait or a Fail (engine.outcomes);
- ``@narrows(type)``: a record trigger's own test of an event (``narrow(config, event) -> bool``), before its filter;
- ``@wakes(type)``: the wake time of a wait run by the shared wait executor (``wake(config, record, now, zone)``);
- ``@occurs(type)``: a time trigger's due occurrences (``occur(spec, config, armed_at, until)`` yields
  ``(record or None, occurrence key, due time)``).

:func:`check_complete` holds the registry to the catalog: every declared type has an executor, every executor,
narrowing, wake or occurrence a declared type of the right kind, and every time trigger its occurrences.
engine.executors runs it once everything is registered.
"""
from builder.catalog import NODE_TYPES

EXECUTORS: dict = {}
NARROWS: dict = {}
WAKES: dict = {}
OCCURS: dict = {}
TIME_EVENTS = ("time", "schedule")


def _register(table: dict, keys, what: str):
    def decorate(function):
        for key in keys:
            if key in table:
                raise ValueError(f"{what} of {key} is registered twice")
            table[key] = function
        return function
    return decorate


def executes(kind: str, *types: str):
    return _register(EXECUTORS, [(kind, type_) for type_ in types], "the executor")


def narrows(type_: str):
    return _register(NARROWS, [("trigger", type_)], "the narrowing")


def wakes(type_: str):
    return _register(WAKES, [("wait", type_)], "the wake time")


def occurs(type_: str):
    return _register(OCCURS, [("trigger", type_)], "the occurrences")


def unregister(kind: str, type_: str) -> None:
    """Forget everything registered for a type (a test's own node type, once the test is over)."""
    for table in (EXECUTORS, NARROWS, WAKES, OCCURS):
        table.pop((kind, type_), None)


def executor_of(node: dict):
    """The executor of a node dict, or None for a type this version does not know."""
    return EXECUTORS.get((node["kind"], node["type"]))


def missing() -> list:
    """What keeps the registry from matching the catalog, in words; empty when complete."""
    declared = set(NODE_TYPES)
    found = [f"{kind} '{type_}' has no executor" for kind, type_ in declared - set(EXECUTORS)]
    for table, what in ((EXECUTORS, "an executor"), (NARROWS, "a narrowing"), (WAKES, "a wake time"),
                        (OCCURS, "occurrences")):
        found += [f"{what} is registered for {kind} '{type_}', which is not declared"
                  for kind, type_ in set(table) - declared]
    for key, node_type in NODE_TYPES.items():
        if node_type.kind == "trigger" and node_type.event in TIME_EVENTS and key not in OCCURS:
            found.append(f"trigger '{node_type.type}' listens to {node_type.event} but has no @occurs")
    return sorted(found)


def check_complete() -> None:
    """Raise when a declared node type lacks its code or code names an undeclared type."""
    problems = missing()
    if problems:
        raise RuntimeError("the node type registry is incomplete: " + "; ".join(problems))
