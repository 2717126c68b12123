"""Everything that stops a workflow from being published (errors) or deserves a look (warnings).

:func:`problems` never raises: a graph that cannot even be read yields its shape problems.

Severity choices: an unreachable node, a trigger wired to nothing, an empty condition, an empty
email subject, a duplicated connection and an unknown config key are *warnings* (they cannot do
harm at run time); everything that would make a run fail or behave differently from what the
diagram shows is an *error*.

>>> graph = {"nodes": [{"id": "t", "kind": "trigger", "type": "record_created", "config": {"object": "deal"}},
...                    {"id": "w", "kind": "wait", "type": "delay", "config": {"duration": "soon"}}],
...          "edges": [{"id": "e", "source": "t", "target": "w"}]}
>>> [(p["node_id"], p["field"]) for p in problems(graph, objects={"deal": {"fields": {}}})]
[('w', 'config.duration')]
"""
from zoneinfo import ZoneInfo

import networkx as nx

from builder.business_hours import hours_problems
from builder.catalog import WAITING_KINDS, get_type, ports_of
from builder.checks import Scope, condition_problems, node_problems, problem
from builder.errors import InvalidWorkflow
from builder.workflow_graph import WorkflowGraph


def problems(graph, *, objects, timezone="UTC", settings=None, publishing=False) -> list[dict]:
    """The problems of a workflow draft.

    Parameters
    ----------
    graph : object
        The graph: a WorkflowGraph, or a document in any shape (read with :meth:`WorkflowGraph.from_json`).
    objects : dict
        Object type specs by name (see :mod:`builder.objects`).
    timezone : str
        The workflow's IANA time zone.
    settings : dict, optional
        The workflow settings (``reenroll``, ``exit_when``).
    publishing : bool
        Judge for publishing: a template naming a field the object lacks is then an error, not a warning
        (a draft may name a field that is still to be added).

    Returns
    -------
    list of dict
        ``{"severity": "error"|"warning", "node_id", "edge_id", "field", "message"}``; the keys are
        always present, None where they do not apply.
    """
    try:
        return _problems(graph, objects if isinstance(objects, dict) else {}, timezone, settings, publishing)
    except Exception as exc:  # noqa: BLE001 - validation must answer, never crash the caller
        return [problem("error", f"The workflow could not be checked: {type(exc).__name__}: {exc}")]


def _problems(doc, objects, timezone, settings, publishing) -> list:
    try:
        graph = WorkflowGraph.from_json(doc)
    except InvalidWorkflow as exc:
        return exc.problems or [problem("error", exc.message)]
    found = []
    _timezone_problems(timezone, found)
    triggers = [node for node in graph.nodes if node["kind"] == "trigger"]
    scope = _scope(triggers[0] if triggers else None, objects, publishing)
    _trigger_problems(graph, triggers, found)
    _edge_problems(graph, found)
    if triggers:
        _reachability_problems(graph.network, triggers[0], found)
    _cycle_problems(graph, found)
    for node in graph.nodes:
        own = _scope(node, objects, publishing) if node["kind"] == "trigger" else scope
        found.extend(node_problems(node, get_type(node["type"], node["kind"]), own))
    _settings_problems(settings, scope, found)
    _business_hours_problems(graph, settings, timezone, found)
    return found


def _scope(trigger, objects, publishing) -> Scope:
    if trigger is None:
        return Scope(objects, publishing=publishing)
    name = trigger["config"].get("object")
    if not get_type(trigger["type"], "trigger").has_record(trigger["config"]):
        return Scope(objects, has_record=False, trigger_type=trigger["type"], publishing=publishing)
    if isinstance(name, str) and name in objects:
        return Scope(objects, object=name, has_record=True, trigger_type=trigger["type"], publishing=publishing)
    return Scope(objects, trigger_type=trigger["type"], publishing=publishing)


def _timezone_problems(timezone, found) -> None:
    try:
        ZoneInfo(timezone)
    except Exception:  # noqa: BLE001 - ZoneInfo raises several kinds of errors for bad keys
        found.append(problem("error", f"'{timezone}' is not a time zone (use a name such as Asia/Jakarta)",
                             field="timezone"))


def _trigger_problems(graph, triggers, found) -> None:
    if not triggers:
        found.append(problem("error", "The workflow needs a trigger to start it."))
    for extra in triggers[1:]:
        found.append(problem("error", "A workflow has exactly one trigger; remove this one or the first.",
                             node_id=extra["id"]))
    trigger_ids = {node["id"] for node in triggers}
    for edge in graph.edges:
        if edge.target in trigger_ids:
            found.append(problem("error", "Nothing may lead into a trigger.", node_id=edge.target, edge_id=edge.id))
    for trigger in triggers[:1]:
        if not any(edge.source == trigger["id"] for edge in graph.edges):
            found.append(problem("warning", "The trigger is not connected to anything.", node_id=trigger["id"]))


def _edge_problems(graph, found) -> None:
    seen = set()
    for edge in graph.edges:
        source = graph.node(edge.source)
        ports = ports_of(source)
        if edge.port not in ports:
            found.append(problem("error", f"'{source['label']}' has no output '{edge.port}' "
                                          f"(it has {', '.join(ports) or 'none'}).",
                                 node_id=source["id"], edge_id=edge.id, field="port"))
        wire = (edge.source, edge.port, edge.target)
        if wire in seen:
            found.append(problem("warning", "This connection is drawn twice; runs would take it twice.",
                                 node_id=source["id"], edge_id=edge.id))
        seen.add(wire)


def _reachability_problems(g, trigger, found) -> None:
    reached = nx.descendants(g, trigger["id"]) | {trigger["id"]}
    for node_id, data in g.nodes(data=True):
        if node_id not in reached and data["kind"] != "trigger":
            found.append(problem("warning", "No path from the trigger leads here, so this step never runs.",
                                 node_id=node_id))


def _cycle_problems(graph, found) -> None:
    """A loop must pass through a wait or a human task, or a run would spin forever in one step."""
    instant = graph.network.subgraph(node["id"] for node in graph.nodes if node["kind"] not in WAITING_KINDS)
    order = {node["id"]: index for index, node in enumerate(graph.nodes)}
    for component in nx.strongly_connected_components(instant):
        first = min(component, key=order.__getitem__)
        if len(component) > 1 or instant.has_edge(first, first):
            names = ", ".join(sorted(component, key=order.__getitem__))
            found.append(problem("error", f"These steps loop without a wait or a human task: {names}.",
                                 node_id=first))


def _settings_problems(settings, scope, found) -> None:
    if settings is None:
        return
    if not isinstance(settings, dict):
        found.append(problem("error", "Settings must be an object.", field="settings"))
        return
    if not isinstance(settings.get("reenroll", False), bool):
        found.append(problem("error", "Re-enroll must be true or false.", field="settings.reenroll"))
    if settings.get("exit_when") is not None:
        condition_problems(settings["exit_when"], "settings.exit_when", scope,
                           lambda severity, field, message: found.append(problem(severity, message, field=field)))


def _business_hours_problems(graph, settings, timezone, found) -> None:
    """The workflow's business hours, and the steps that need them."""
    hours = settings.get("business_hours") if isinstance(settings, dict) else None
    if hours is not None:
        for path, message in hours_problems(hours).items():
            found.append(problem("error", f"Business hours: {message}",
                                 field=f"settings.business_hours.{path}" if path else "settings.business_hours"))
    for node in graph.nodes:
        config = node["config"]
        for key in ("business_hours_only", "business_time"):
            if config.get(key) is True and hours is None:
                found.append(problem("error", "Set the workflow's business hours first (workflow settings).",
                                     node_id=node["id"], field=f"config.{key}"))
        if config.get("business_time") is True:
            counted = "timeout" if node["type"] == "wait_event" else "duration"
            duration = config.get(counted) or ""
            if config.get("days_field"):
                found.append(problem("error", "Business time counts a duration, not days from a field.",
                                     node_id=node["id"], field="config.business_time"))
            elif "Y" in duration.upper() or "M" in duration.upper().split("T")[0]:
                found.append(problem("error", "Business time counts weeks, days, hours and minutes, "
                                              "not months or years.", node_id=node["id"], field=f"config.{counted}"))
