"""A static SVG picture of a workflow graph (no script, no ids, escaped text): gallery cards, and run
diagrams where each node is marked by its status or overlaid with run counts.

Nodes are drawn at their saved positions as rounded boxes tinted by kind; edges are curves from the
port they leave (spread along the bottom of the node) to the top of their target. The SVG scales to
its container through its ``viewBox``.

>>> svg = preview_svg({"nodes": [{"id": "t", "kind": "trigger", "type": "manual", "label": "<Go>"}]})
>>> svg.startswith("<svg") and "&lt;Go&gt;" in svg and "<Go>" not in svg
True
"""
from datetime import datetime
from html import escape

from builder.catalog import KINDS, get_type, ports_of
from builder.errors import LayoutTooLarge
from builder.workflow_graph import WorkflowGraph
from builder.layout import NODE_H, NODE_W, arrange, grid
from builder.summaries import summary

PADDING = 28
# Small diagrams are centred in at least this much room, so that every card draws boxes at a similar size.
MIN_VIEW_W, MIN_VIEW_H = 640, 330
LINE_CHARS = 16
LABEL_LINES = 2
# Annotated nodes (run status, counts) give their second line to the annotation.
ANNOTATED_LABEL_CHARS, DETAIL_CHARS = 20, 34
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
UNHAPPY_PORTS = ("false", "timeout", "error")
TAKEN = ' data-taken="true"'
# run node status -> (fill, accent); each status but not_reached has an icon drawn in white (see _icon)
STATUS_LOOKS = {"done": ("#ebfbee", "#2b8a3e"), "skipped": ("#f8f9fa", "#868e96"), "waiting": ("#e7f5ff", "#1971c2"),
                "failed": ("#fff5f5", "#c92a2a"), "cancelled": ("#f1f3f5", "#495057"), "not_reached": ("#ffffff", "#ced4da")}
# status -> icon path in a 20 x 20 box centred on 0,0 (drawn as shapes, so no font can lack the glyph)
ICONS = {"done": "M-5,0 L-1.5,4 L5,-4", "failed": "M-4.5,-4.5 L4.5,4.5 M4.5,-4.5 L-4.5,4.5",
         "skipped": "M-5,0 L5,0 M1,-4 L5,0 L1,4", "waiting": "M0,-6 A6,6 0 1 1 -0.01,-6 M0,-3.5 L0,0 L3,2",
         "cancelled": "M-4.5,0 L4.5,0", "paused": "M-2.5,-4.5 L-2.5,4.5 M2.5,-4.5 L2.5,4.5"}
# Looks of what is not a node status but is shown beside them (a record's Automation tab).
OTHER_LOOKS = {"paused": ("#fff9db", "#e67700"), "running": ("#e7f5ff", "#1971c2")}


def preview_svg(graph: dict, *, title: str | None = None, statuses: dict | None = None, taken=None,
                counts: dict | None = None) -> str:
    """An ``<svg>`` element showing `graph` (any readable graph document).

    Graphs whose nodes share positions (made without a layout, e.g. through the API) are auto-arranged
    (or, when too tangled for that, set out in rows).

    Parameters
    ----------
    graph : WorkflowGraph or dict
        The graph, or a document read with :meth:`WorkflowGraph.from_json`.
    title : str, optional
        The accessible name of the picture.
    statuses : dict, optional
        node id -> a run's node entry (``status``, ``reason``, ``until``, ``error``, ``count``): each node
        then carries ``data-node-id`` and ``data-status``, its colour and glyph, and its reason, time or error.
    taken : iterable of str, optional
        Ids of the edges the run went along, drawn stronger (see :func:`taken_edges`). Without it, with
        `statuses`, an edge counts as taken when both its ends were reached.
    counts : dict, optional
        node id -> ``{"reached", "waiting", "failed"}``, written on each node (workflow statistics); the
        ``branches`` (port -> runs) of a random split or a wait for event are written on its ports' edges.

    Raises
    ------
    InvalidWorkflow
        When `graph` cannot be read.
    """
    graph = WorkflowGraph.from_json(graph)
    if len({(n["position"]["x"], n["position"]["y"]) for n in graph.nodes}) < len(graph.nodes):
        try:
            graph = WorkflowGraph.from_json(arrange(graph.to_json()))
        except LayoutTooLarge:
            graph = WorkflowGraph.from_json(grid(graph.to_json()))
    nodes = {node["id"]: node for node in graph.nodes}
    left = min((n["position"]["x"] for n in nodes.values()), default=0) - PADDING
    top = min((n["position"]["y"] for n in nodes.values()), default=0) - PADDING
    right = max((n["position"]["x"] + NODE_W for n in nodes.values()), default=NODE_W) + PADDING
    bottom = max((n["position"]["y"] + NODE_H for n in nodes.values()), default=NODE_H) + PADDING
    left, width = _widen(left, right - left, MIN_VIEW_W)
    top, height = _widen(top, bottom - top, MIN_VIEW_H)
    name = title or f"Workflow diagram with {len(nodes)} steps"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram-preview" role="img" '
             f'viewBox="{left:g} {top:g} {width:g} {height:g}" preserveAspectRatio="xMidYMid meet" '
             f'aria-label="{escape(name)}">', f"<title>{escape(name)}</title>"]
    if taken is None and statuses is not None:
        reached = {n for n, entry in statuses.items() if entry.get("status") not in (None, "not_reached")}
        taken = {e.id for e in graph.edges if {e.source, e.target} <= reached}
    taken = set(taken or ())
    starts = _port_anchors(graph, nodes)
    parts += [_edge(edge, starts[edge.id], nodes[edge.target], edge.id in taken, _branch_count(counts, edge))
              for edge in graph.edges]
    for node in graph.nodes:
        if statuses is not None:
            parts.append(_marked(node, statuses.get(node["id"]) or {}))
        elif counts is not None:
            parts.append(_counted(node, counts.get(node["id"]) or {}))
        else:
            parts.append(_node(node))
    parts.append("</svg>")
    return "".join(parts)


def taken_edges(graph: dict, visited: list) -> set:
    """Ids of the edges a run went along: those whose target has a step after a step of their source.

    `visited` is the node id of each of the run's steps, in the order they were made.

    >>> g = {"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
    ...      "edges": [{"id": "1", "source": "a", "target": "b"}, {"id": "2", "source": "b", "target": "c"},
    ...                {"id": "3", "source": "c", "target": "a"}]}
    >>> sorted(taken_edges(g, ["a", "b"]))
    ['1']
    """
    first, last = {}, {}
    for index, node_id in enumerate(visited):
        first.setdefault(node_id, index)
        last[node_id] = index
    return {edge["id"] for edge in graph["edges"]
            if edge["source"] in first and edge["target"] in last and first[edge["source"]] < last[edge["target"]]}


def _widen(start, size, least):
    """(start, size) of a span grown to at least `least`, around the same centre."""
    grow = max(0, least - size)
    return start - grow / 2, size + grow


def _port_anchors(graph, nodes) -> dict:
    """Edge id -> (x, y) where it leaves its source: the wired ports spread evenly, in catalog order."""
    wired = {}
    for edge in graph.edges:
        wired.setdefault(edge.source, []).append(edge)
    anchors = {}
    for source, edges in wired.items():
        node = nodes[source]
        order = {port: index for index, port in enumerate(ports_of(node))}
        ports = sorted({edge.port for edge in edges}, key=lambda port: (order.get(port, len(order)), port))
        for edge in edges:
            share = (ports.index(edge.port) + 1) / (len(ports) + 1)
            anchors[edge.id] = (node["position"]["x"] + NODE_W * share, node["position"]["y"] + NODE_H)
    return anchors


def _branch_count(counts, edge):
    """How many runs went out along this edge's port (workflow statistics: a random split's branches, a wait for
    event's `next` and `timeout`), else None."""
    branches = ((counts or {}).get(edge.source) or {}).get("branches")
    return None if branches is None else branches.get(edge.port, 0)


def _edge(edge, start, target, taken=False, runs=None) -> str:
    sx, sy = start
    tx, ty = target["position"]["x"] + NODE_W / 2, target["position"]["y"]
    bend = max(40.0, abs(ty - sy) / 2)
    colour = "#c92a2a" if edge.port in ("timeout", "error") else ("#2b8a3e" if taken else "#98a2b3")
    dash = ' stroke-dasharray="8 6"' if edge.port in UNHAPPY_PORTS else ""
    arrow_tip = ty - 2
    path = (f'<path d="M{sx:g},{sy:g} C{sx:g},{sy + bend:g} {tx:g},{arrow_tip - bend:g} {tx:g},{arrow_tip - 8:g}" '
            f'fill="none" stroke="{colour}" stroke-width="{6 if taken else 3}"{dash}{TAKEN if taken else ""}/>')
    arrow = (f'<path d="M{tx - 7:g},{arrow_tip - 10:g} L{tx + 7:g},{arrow_tip - 10:g} L{tx:g},{arrow_tip:g} Z" '
             f'fill="{colour}"/>')
    if edge.port == "next" and runs is None:
        return path + arrow
    # Halfway along the curve, where the branches of one node are furthest apart.
    port = escape(_clip(edge.port, 14) + ("" if runs is None else f" · {runs}"))
    label = (f'<text x="{(sx + tx) / 2:g}" y="{(sy + ty) / 2 + 5:g}" text-anchor="middle" font-size="15" '
             f'fill="{colour}" stroke="#fff" stroke-width="4" paint-order="stroke" {FONT}>{port}</text>')
    return path + arrow + label


def _kind_look(node) -> tuple[str, str]:
    """(fill, accent) of a node's kind, as the editor colours it."""
    kind = KINDS[node["kind"]]
    return kind.tint, kind.colour


def _description(node) -> str:
    """What the step is set to do (its summary, credentials masked by it), as the ``<desc>`` of its box; empty when
    its type says nothing."""
    said = summary(node, get_type(node["type"], node["kind"]))
    return f"<desc>{escape(said)}</desc>" if said else ""


def _node(node) -> str:
    x, y = node["position"]["x"], node["position"]["y"]
    fill, accent = _kind_look(node)
    lines = _wrap(node["label"])
    first_baseline = y + NODE_H / 2 + 6 - (len(lines) - 1) * 11
    text = "".join(f'<tspan x="{x + 44:g}" y="{first_baseline + 22 * i:g}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines))
    return (f'<g class="preview-node" data-kind="{escape(node["kind"])}"><title>{escape(node["label"])}</title>'
            f'{_description(node)}'
            f'<rect x="{x:g}" y="{y:g}" width="{NODE_W}" height="{NODE_H}" rx="14" fill="{fill}" '
            f'stroke="{accent}" stroke-width="2.5"/>'
            f'<circle cx="{x + 24:g}" cy="{y + NODE_H / 2:g}" r="11" fill="{accent}"/>'
            f'<text font-size="17" font-weight="600" fill="#1d2433" {FONT}>{text}</text></g>')


def _marked(node, entry: dict) -> str:
    """A node of a run: coloured and marked by status, with what it is waiting for, why it was skipped or failed."""
    status = entry.get("status") or "not_reached"
    fill, accent = STATUS_LOOKS.get(status, STATUS_LOOKS["not_reached"])
    detail = _status_detail(status, entry)
    heading = status.replace("_", " ")
    return _annotated(node, f' data-status="{escape(status)}"', (fill, accent, _icon(status)), detail,
                      f"{node['label']} — {heading}{': ' + detail if detail != heading else ''}",
                      dashed=status == "not_reached")


def _counted(node, count: dict) -> str:
    """A node of the statistics diagram: how many runs reached it, wait there and failed there."""
    reached, waiting, failed = (count.get(key, 0) for key in ("reached", "waiting", "failed"))
    fill, accent = _kind_look(node)
    detail = f"{reached} reached · {waiting} waiting · {failed} failed"
    colour = "#c92a2a" if failed else accent
    glyph = (f'<text y="5" text-anchor="middle" font-size="{14 if reached < 100 else 10}" font-weight="700" '
             f'fill="#fff" {FONT}>{reached}</text>')
    return _annotated(node, "", (fill, colour, glyph), detail, f"{node['label']}: {detail}",
                      dashed=not reached)


def _status_detail(status: str, entry: dict) -> str:
    if status == "failed":
        return entry.get("error") or "failed"
    # A timed wait's reason only repeats its time; a task's or an event's says what it waits for.
    if status == "waiting" and entry.get("until") and (entry.get("reason") or "until ").startswith("until "):
        return f"goes on {_moment(entry['until'])}"
    if status == "done" and (entry.get("count") or 0) > 1:
        return f"done · {entry['count']} times"
    reason = entry.get("reason") or status.replace("_", " ")
    # A wait for an event: what it waits for first (its timeout is in the title and on the run page).
    return f"waits {reason.split(', at most until ')[0]}" if status == "waiting" and reason.startswith("for ") \
        else reason


def _moment(value) -> str:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _annotated(node, marks, look, detail: str, title: str, dashed=False) -> str:
    """A node box with one label line, a glyph in its circle, and a second line of annotation."""
    x, y = node["position"]["x"], node["position"]["y"]
    fill, accent, glyph = look
    dash = ' stroke-dasharray="6 5"' if dashed else ""
    ink = "#868e96" if dashed else "#1d2433"
    return (f'<g class="preview-node" data-kind="{escape(node["kind"])}" data-node-id="{escape(node["id"])}"{marks}>'
            f'<title>{escape(title)}</title>{_description(node)}'
            f'<rect x="{x:g}" y="{y:g}" width="{NODE_W}" height="{NODE_H}" rx="14" fill="{fill}" '
            f'stroke="{accent}" stroke-width="{2 if dashed else 3}"{dash}/>'
            f'<g transform="translate({x + 26:g},{y + 27:g})"><circle r="13" fill="{accent}"/>{glyph}</g>'
            f'<text x="{x + 48:g}" y="{y + 33:g}" font-size="17" font-weight="600" fill="{ink}" {FONT}>'
            f'{escape(_clip(node["label"], ANNOTATED_LABEL_CHARS))}</text>'
            f'<text class="node-detail" x="{x + 14:g}" y="{y + 60:g}" font-size="13" fill="{accent}" {FONT}>'
            f'{escape(_clip(detail, DETAIL_CHARS))}</text></g>')


def _icon(status: str) -> str:
    if status not in ICONS:
        return ""
    return (f'<path class="status-icon" d="{ICONS[status]}" fill="none" stroke="#fff" stroke-width="2.4" '
            f'stroke-linecap="round" stroke-linejoin="round"/>')


def status_icon(status: str, size: int = 16) -> str:
    """The disc and glyph the run diagram marks a node of this status with, as a small inline ``<svg>``."""
    fill, accent = STATUS_LOOKS.get(status) or OTHER_LOOKS.get(status) or STATUS_LOOKS["not_reached"]
    disc = (f'<circle r="11" fill="{fill}" stroke="{accent}" stroke-width="2" stroke-dasharray="4 3"/>'
            if status == "not_reached" else f'<circle r="13" fill="{accent}"/>')
    return (f'<svg class="status-disc" viewBox="-13 -13 26 26" width="{size}" height="{size}" aria-hidden="true">'
            f'{disc}{_icon(status)}</svg>')


def status_legend() -> str:
    """One small inline ``<svg>`` per run node status, followed by its name, as the run diagram draws them."""
    return "".join(f'<span class="legend-item">{status_icon(status)}{status.replace("_", " ")}</span>'
                   for status in STATUS_LOOKS)


def _wrap(label: str) -> list:
    """The label in at most two short lines, the last one clipped with an ellipsis."""
    lines, current = [], ""
    for word in label.split():
        if current and len(current) + 1 + len(word) > LINE_CHARS:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES - 1] + [" ".join(lines[LABEL_LINES - 1:])]
    return [_clip(line, LINE_CHARS) for line in lines]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
