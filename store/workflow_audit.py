"""What the audit log says about a workflow change: a line in words and the parts that differ, before and after."""
from store import audit
from store.models import Workflow

_DESCRIPTION_CHARS = 80


def snapshot(workflow: Workflow) -> dict:
    """The parts of a workflow a change is told by (a graph is summed up by its steps, not copied)."""
    graph = workflow.graph or {}
    description = workflow.description or ""
    return {"name": workflow.name, "status": workflow.status, "timezone": workflow.timezone,
            "description": description[:_DESCRIPTION_CHARS] + ("\u2026" if len(description) > _DESCRIPTION_CHARS
                                                               else ""),
            "settings": dict(workflow.settings or {}),
            "steps": {n.get("id"): _step(n) for n in graph.get("nodes", []) if isinstance(n, dict)},
            "connections": len(graph.get("edges", [])),
            "layout": {n.get("id"): n.get("position") for n in graph.get("nodes", []) if isinstance(n, dict)},
            "notes": graph.get("notes") or []}


def _step(node: dict) -> dict:
    return {key: value for key, value in node.items() if key != "position"}


def graph_words(before: dict, after: dict) -> str:
    """'added steps mail; removed wait; changed check' (positions alone are no change)."""
    old, new = before.get("steps") or {}, after.get("steps") or {}
    parts = [(verb, [i for i in ids if i is not None]) for verb, ids in (
        ("added", [i for i in new if i not in old]), ("removed", [i for i in old if i not in new]),
        ("changed", [i for i in new if i in old and new[i] != old[i]]))]
    said = "; ".join(f"{verb} step{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids[:10]))}"
                     for verb, ids in parts if ids)
    if before.get("connections") != after.get("connections"):
        said += ("; " if said else "") + f"connections {before.get('connections')} \u2192 {after.get('connections')}"
    return said


def _shown(values: dict) -> dict:
    """A snapshot's differing parts as they are stored: steps by their ids, positions and notes not at all."""
    return {key: sorted(map(str, value)) if key == "steps" else value for key, value in values.items()
            if key not in ("layout", "notes")}


def created(workflow: Workflow, how: str = "created", source: str = "") -> None:
    """`how`: "created" (from scratch or a template), "imported", or "duplicated" (from `source`)."""
    now = snapshot(workflow)
    action = "workflow.imported" if how == "imported" else "workflow.created"
    origin = f" from {source}" if source else ""
    audit.record(action, "workflow", workflow.id, f"{how} '{workflow.name}'{origin} with {len(now['steps'])} steps",
                 workflow.name, after=_shown({k: now[k] for k in ("name", "status", "timezone", "steps")}))


def edited(workflow: Workflow, before: dict, action: str = "workflow.edited", words: str = "draft saved") -> None:
    """After a draft change: the row says which parts changed."""
    was, now = audit.differences(before, snapshot(workflow))
    said = [f"{key} '{was[key]}' \u2192 '{now[key]}'" for key in ("name", "timezone") if key in was]
    said += [f"{key} changed" for key in ("description", "settings", "notes") if key in was]
    if "steps" in was or "connections" in was:
        said.append(graph_words(before, snapshot(workflow)))
    elif "layout" in was:
        said.append("steps moved")
    audit.record(action, "workflow", workflow.id, f"{words}: {'; '.join(said) or 'no change'}", workflow.name,
                 before=_shown(was), after=_shown(now))


def published(workflow: Workflow, number: int, before_status: str) -> None:
    audit.record("workflow.published", "workflow", workflow.id, f"published version {number}", workflow.name,
                 before={"status": before_status, "version": number - 1 or None},
                 after={"status": workflow.status, "version": number})


def status_changed(workflow: Workflow, before_status: str, reason: str = "") -> None:
    if before_status == workflow.status:
        return
    action = "workflow.paused" if workflow.status == "paused" else "workflow.activated"
    audit.record(action, "workflow", workflow.id, f"{before_status} \u2192 {workflow.status}"
                 + (f": {reason}" if reason else ""), workflow.name,
                 before={"status": before_status}, after={"status": workflow.status})


def deleted(workflow: Workflow, cancelled_runs: int) -> None:
    then = snapshot(workflow)
    cancelled = f", cancelling {cancelled_runs} live run(s)" if cancelled_runs else ""
    audit.record("workflow.deleted", "workflow", workflow.id,
                 f"deleted '{workflow.name}' ({then['status']}, version {workflow.version or 'none'}){cancelled}",
                 workflow.name, before=_shown({k: then[k] for k in ("name", "status", "steps")}))
