"""A small static SVG picture of a workflow graph, for gallery cards (no script, no ids, escaped text).

Nodes are drawn at their saved positions as rounded boxes tinted by kind; edges are curves from the
port they leave (spread along the bottom of the node) to the top of their target. The SVG scales to
its container through its ``viewBox``.

>>> svg = preview_svg({"nodes": [{"id": "t", "kind": "trigger", "type": "manual", "label": "<Go>"}]})
>>> svg.startswith("<svg") and "&lt;Go&gt;" in svg and "<Go>" not in svg
True
"""
from html import escape

from builder.catalog import ports_of
from builder.graph import read_graph
from builder.layout import NODE_H, NODE_W

PADDING = 28
# Small diagrams are centred in at least this much room, so that every card draws boxes at a similar size.
MIN_VIEW_W, MIN_VIEW_H = 640, 330
LINE_CHARS = 16
LABEL_LINES = 2
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
# kind -> (fill, accent)
KIND_COLORS = {"trigger": ("#fff4ec", "#f76707"), "condition": ("#f3f0ff", "#7048e8"),
               "wait": ("#fff9db", "#e67700"), "human_task": ("#e6fcf5", "#0c8599"),
               "action": ("#e7f5ff", "#1c7ed6")}
UNHAPPY_PORTS = ("false", "timeout", "error")
TAKEN = ' data-taken="true"'
# run node status -> (fill, accent, glyph)
STATUS_LOOKS = {"done": ("#ebfbee", "#2b8a3e", "✓"), "skipped": ("#f8f9fa", "#868e96", "–"),
                "waiting": ("#e7f5ff", "#1971c2", "…"), "failed": ("#fff5f5", "#c92a2a", "✗"),
                "cancelled": ("#f1f3f5", "#495057", "⊘"), "not_reached": ("#ffffff", "#ced4da", "")}


def preview_svg(graph: dict, *, title: str | None = None, statuses: dict | None = None,
                counts: dict | None = None) -> str:
    """An ``<svg>`` element showing `graph` (any readable graph document).

    Parameters
    ----------
    graph : dict
        A graph document; it is read with :func:`builder.graph.read_graph`.
    title : str, optional
        The accessible name of the picture.
    statuses : dict, optional
        node id -> a run's node entry (``status``, ``reason``, ``until``, ``error``): each node is then marked
        by its status, and edges whose both ends were reached are drawn stronger.
    counts : dict, optional
        node id -> ``{"reached", "waiting", "failed"}``, written on each node (workflow statistics).

    Raises
    ------
    InvalidWorkflow
        When `graph` cannot be read.
    """
    graph = read_graph(graph)
    nodes = {node["id"]: node for node in graph["nodes"]}
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
    starts = _port_anchors(graph, nodes)
    reached = {n for n, entry in (statuses or {}).items() if entry.get("status") not in (None, "not_reached")}
    parts += [_edge(edge, starts[edge["id"]], nodes[edge["target"]],
                    taken=statuses is not None and {edge["source"], edge["target"]} <= reached)
              for edge in graph["edges"]]
    parts += [_node(node, (statuses or {}).get(node["id"]) if statuses is not None else None,
                    (counts or {}).get(node["id"], {}) if counts is not None else None)
              for node in graph["nodes"]]
    parts.append("</svg>")
    return "".join(parts)


def _widen(start, size, least):
    """(start, size) of a span grown to at least `least`, around the same centre."""
    grow = max(0, least - size)
    return start - grow / 2, size + grow


def _port_anchors(graph, nodes) -> dict:
    """Edge id -> (x, y) where it leaves its source: the wired ports spread evenly, in catalog order."""
    wired = {}
    for edge in graph["edges"]:
        wired.setdefault(edge["source"], []).append(edge)
    anchors = {}
    for source, edges in wired.items():
        node = nodes[source]
        order = {port: index for index, port in enumerate(ports_of(node))}
        ports = sorted({edge["port"] for edge in edges}, key=lambda port: (order.get(port, len(order)), port))
        for edge in edges:
            share = (ports.index(edge["port"]) + 1) / (len(ports) + 1)
            anchors[edge["id"]] = (node["position"]["x"] + NODE_W * share, node["position"]["y"] + NODE_H)
    return anchors


def _edge(edge, start, target, taken=False) -> str:
    sx, sy = start
    tx, ty = target["position"]["x"] + NODE_W / 2, target["position"]["y"]
    bend = max(40.0, abs(ty - sy) / 2)
    colour = "#c92a2a" if edge["port"] in ("timeout", "error") else ("#2b8a3e" if taken else "#98a2b3")
    dash = ' stroke-dasharray="8 6"' if edge["port"] in UNHAPPY_PORTS else ""
    arrow_tip = ty - 2
    path = (f'<path d="M{sx:g},{sy:g} C{sx:g},{sy + bend:g} {tx:g},{arrow_tip - bend:g} {tx:g},{arrow_tip - 8:g}" '
            f'fill="none" stroke="{colour}" stroke-width="{6 if taken else 3}"{dash}{TAKEN if taken else ""}/>')
    arrow = (f'<path d="M{tx - 7:g},{arrow_tip - 10:g} L{tx + 7:g},{arrow_tip - 10:g} L{tx:g},{arrow_tip:g} Z" '
             f'fill="{colour}"/>')
    if edge["port"] == "next":
        return path + arrow
    # Halfway along the curve, where the branches of one node are furthest apart.
    port = escape(_clip(edge["port"], 14))
    label = (f'<text x="{(sx + tx) / 2:g}" y="{(sy + ty) / 2 + 5:g}" text-anchor="middle" font-size="15" '
             f'fill="{colour}" stroke="#fff" stroke-width="4" paint-order="stroke" {FONT}>{port}</text>')
    return path + arrow + label


def _node(node, entry: dict | None = None, count: dict | None = None) -> str:
    x, y = node["position"]["x"], node["position"]["y"]
    fill, accent = KIND_COLORS.get(node["kind"], ("#f1f3f5", "#868e96"))
    label, marks, glyph = node["label"], "", ""
    if entry is not None:
        status = entry.get("status") or "not_reached"
        fill, accent, symbol = STATUS_LOOKS.get(status, STATUS_LOOKS["not_reached"])
        detail = entry.get("error") or entry.get("reason") or (f"until {entry['until']}" if entry.get("until") else "")
        label = f"{label} — {status.replace('_', ' ')}{': ' + detail if detail else ''}"
        marks = f' data-node-id="{escape(node["id"])}" data-status="{escape(status)}"'
        glyph = (f'<text x="{x + 24:g}" y="{y + NODE_H / 2 + 5:g}" text-anchor="middle" font-size="14" '
                 f'fill="#fff" {FONT}>{symbol}</text>')
    if count is not None:
        numbers = f'{count.get("reached", 0)} reached · {count.get("waiting", 0)} waiting · {count.get("failed", 0)} failed'
        marks = f' data-node-id="{escape(node["id"])}"'
        glyph = (f'<text x="{x + NODE_W - 10:g}" y="{y + NODE_H + 18:g}" text-anchor="end" font-size="13" '
                 f'fill="{"#c92a2a" if count.get("failed") else "#495057"}" class="node-count" {FONT}>{numbers}</text>')
    lines = _wrap(node["label"])
    first_baseline = y + NODE_H / 2 + 6 - (len(lines) - 1) * 11
    text = "".join(f'<tspan x="{x + 44:g}" y="{first_baseline + 22 * i:g}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines))
    return (f'<g class="preview-node" data-kind="{escape(node["kind"])}"{marks}><title>{escape(label)}</title>'
            f'<rect x="{x:g}" y="{y:g}" width="{NODE_W}" height="{NODE_H}" rx="14" fill="{fill}" '
            f'stroke="{accent}" stroke-width="2.5"/>'
            f'<circle cx="{x + 24:g}" cy="{y + NODE_H / 2:g}" r="11" fill="{accent}"/>{glyph}'
            f'<text font-size="17" font-weight="600" fill="#1d2433" {FONT}>{text}</text></g>')


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
