"""The workflow graph: reading a document into its normal form, and networkx views of it (the typed value
made of the normal form is :class:`builder.workflow_graph.WorkflowGraph`).

The normal form is a plain dict ``{"nodes": [...], "edges": [...], "notes": [...]}`` where every node
has exactly ``id, kind, type, label, config, position``, every edge ``id, source, target, port`` and
every note ``id, text, position, size``. Keys outside these are dropped.

>>> graph = read_graph({"nodes": [{"id": "t", "kind": "trigger", "type": "manual"}]})
>>> graph["nodes"][0]["position"], graph["nodes"][0]["label"]
({'x': 0, 'y': 0}, 'Manual')
"""
import copy
import json
import math

import networkx as nx

from builder.catalog import get_type
from builder.errors import InvalidWorkflow, UnknownNodeType

MAX_NODES = 2000
MAX_BYTES = 1_000_000
MAX_ID_LENGTH = 100
MAX_LABEL_LENGTH = 200
MAX_REPORTED = 50
DEFAULT_NOTE_SIZE = {"w": 200, "h": 120}


class _Findings:
    """Collects shape problems, then raises them together."""

    def __init__(self):
        self.details, self.problems, self.unknown_type = {}, [], False

    def add(self, path, message, node_id=None, edge_id=None):
        if len(self.details) < MAX_REPORTED:
            self.details[path] = message
            self.problems.append({"severity": "error", "node_id": node_id, "edge_id": edge_id,
                                  "field": path, "message": message})

    def raise_if_any(self):
        if not self.details:
            return
        first = next(iter(self.details.values()))
        more = f" (and {len(self.details) - 1} more problems)" if len(self.details) > 1 else ""
        error = UnknownNodeType if self.unknown_type else InvalidWorkflow
        raise error(f"The graph cannot be read: {first}{more}.", self.details, self.problems)


def read_graph(doc) -> dict:
    """Check the shape of a graph document and return its normal form with defaults filled in.

    Raises
    ------
    InvalidWorkflow
        When the document cannot be read (CONTRACT.md §4): its `details` map each location
        (``nodes[3].type``, ``edges[0].target``, ...) to what is wrong there, naming the node or
        edge id; :class:`UnknownNodeType` when a node names a type the catalog does not have.
    """
    found = _Findings()
    if not isinstance(doc, dict):
        found.add("graph", "the graph must be an object with 'nodes' and 'edges'")
        found.raise_if_any()
    try:
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode())
    except (TypeError, ValueError, RecursionError):
        found.add("graph", "the graph is not a plain JSON document")
        found.raise_if_any()
    if size > MAX_BYTES:
        found.add("graph", f"the graph is larger than {MAX_BYTES // 1_000_000} MB")
    parts = {}
    for key in ("nodes", "edges", "notes"):
        parts[key] = doc.get(key) if doc.get(key) is not None else []
        if not isinstance(parts[key], list):
            found.add(key, f"'{key}' must be a list")
    if isinstance(parts["nodes"], list) and len(parts["nodes"]) > MAX_NODES:
        found.add("nodes", f"a workflow may have at most {MAX_NODES} nodes")
    found.raise_if_any()
    try:
        nodes = [_read_node(index, raw, found) for index, raw in enumerate(parts["nodes"])]
    except RecursionError:
        found.add("graph", "the graph is nested too deeply")
        found.raise_if_any()
    node_ids = _unique_ids(nodes, "nodes", found)
    edges = [_read_edge(index, raw, node_ids, found) for index, raw in enumerate(parts["edges"])]
    _number_edges(edges, found)
    notes = [_read_note(index, raw, found) for index, raw in enumerate(parts["notes"])]
    _unique_ids(notes, "notes", found)
    found.raise_if_any()
    return {"nodes": nodes, "edges": edges, "notes": notes}


def _read_node(index, raw, found) -> dict | None:
    path = f"nodes[{index}]"
    if not isinstance(raw, dict):
        found.add(path, "a node must be an object")
        return None
    node_id = raw.get("id")
    if not _is_id(node_id):
        found.add(f"{path}.id", f"a node needs an id (text of 1 to {MAX_ID_LENGTH} characters)")
        node_id = None
    who = f"node '{node_id}'" if node_id else "a node"
    kind, type_name = raw.get("kind"), raw.get("type")
    node_type = None
    if not isinstance(type_name, str) or not type_name:
        found.add(f"{path}.type", f"{who} has no type", node_id)
    else:
        try:
            node_type = get_type(type_name, kind if isinstance(kind, str) else None)
        except UnknownNodeType:
            node_type = _type_or_none(type_name)
            if node_type is None:
                found.unknown_type = True
                found.add(f"{path}.type", f"{who}: unknown node type '{type_name}'", node_id)
            else:
                found.add(f"{path}.kind", f"{who}: type '{type_name}' is not of kind {kind!r}", node_id)
        else:
            if kind != node_type.kind:
                found.add(f"{path}.kind", f"{who}: kind must be '{node_type.kind}' for type '{type_name}'", node_id)
    label = raw.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > MAX_LABEL_LENGTH):
        found.add(f"{path}.label", f"{who}: the label must be text of at most {MAX_LABEL_LENGTH} characters",
                  node_id)
    config = raw.get("config")
    if config is not None and not isinstance(config, dict):
        found.add(f"{path}.config", f"{who}: the config must be an object", node_id)
    position = _read_point(raw.get("position"), ("x", "y"), {"x": 0, "y": 0})
    if position is None:
        found.add(f"{path}.position", f"{who}: the position must be {{\"x\": number, \"y\": number}}", node_id)
    if node_type is None or found.details:
        return {"id": node_id}
    defaults = node_type.defaults()
    return {"id": node_id, "kind": node_type.kind, "type": node_type.type, "label": label or node_type.label,
            "config": {**defaults, **copy_json(config or {})}, "position": position}


def copy_json(value):
    """A deep copy of a plain JSON value (as the whole document was checked to be), several times
    faster than copy.deepcopy, which looks after cycles and shared parts JSON cannot have."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(copy_json(item) for item in value)
    return value


def _type_or_none(name):
    try:
        return get_type(name)
    except UnknownNodeType:
        return None


def _read_edge(index, raw, node_ids, found) -> dict:
    path = f"edges[{index}]"
    if not isinstance(raw, dict):
        found.add(path, "an edge must be an object")
        return {}
    edge_id = raw.get("id")
    if edge_id is not None and not _is_id(edge_id):
        found.add(f"{path}.id", f"an edge id must be text of 1 to {MAX_ID_LENGTH} characters")
    who = f"edge '{edge_id}'" if _is_id(edge_id) else "an edge"
    edge_id = edge_id if _is_id(edge_id) else None
    for end in ("source", "target"):
        if not _is_id(raw.get(end)) or raw.get(end) not in node_ids:
            found.add(f"{path}.{end}", f"{who}: its {end} {raw.get(end)!r} is not a node of this graph",
                      edge_id=edge_id)
    port = raw.get("port")
    if port is not None and not _is_id(port):
        found.add(f"{path}.port", f"{who}: the port must be text", edge_id=edge_id)
    return {"id": edge_id, "source": raw.get("source"), "target": raw.get("target"), "port": port or "next"}


def _read_note(index, raw, found) -> dict:
    path = f"notes[{index}]"
    if not isinstance(raw, dict):
        found.add(path, "a note must be an object")
        return {}
    note_id = raw.get("id") if raw.get("id") is not None else f"note-{index + 1}"
    if not _is_id(note_id):
        found.add(f"{path}.id", f"a note id must be text of 1 to {MAX_ID_LENGTH} characters")
    text = raw.get("text") if raw.get("text") is not None else ""
    if not isinstance(text, str):
        found.add(f"{path}.text", "the note text must be text")
    position = _read_point(raw.get("position"), ("x", "y"), {"x": 0, "y": 0})
    if position is None:
        found.add(f"{path}.position", "the position must be {\"x\": number, \"y\": number}")
    size = _read_point(raw.get("size"), ("w", "h"), dict(DEFAULT_NOTE_SIZE))
    if size is None or size["w"] <= 0 or size["h"] <= 0:
        found.add(f"{path}.size", "the size must be {\"w\": number, \"h\": number}, both positive")
    return {"id": note_id, "text": text, "position": position, "size": size}


def _read_point(value, keys, default):
    if value is None:
        return default
    if not isinstance(value, dict):
        return None
    numbers = {key: value.get(key, 0) for key in keys}
    if not all(_is_number(n) for n in numbers.values()):
        return None
    return numbers


def _unique_ids(items, where, found) -> set:
    seen = set()
    for index, item in enumerate(items):
        item_id = (item or {}).get("id")
        if not _is_id(item_id):
            continue
        if item_id in seen:
            found.add(f"{where}[{index}].id", f"the id '{item_id}' is used twice",
                      node_id=item_id if where == "nodes" else None)
        seen.add(item_id)
    return seen


def _number_edges(edges, found) -> None:
    """Check edge ids are unique and give the edges without one a free, stable id."""
    taken = set()
    for index, edge in enumerate(edges):
        if edge.get("id") is not None:
            if edge["id"] in taken:
                found.add(f"edges[{index}].id", f"the id '{edge['id']}' is used twice", edge_id=edge["id"])
            taken.add(edge["id"])
    for edge in edges:
        if edge and edge.get("id") is None:
            base = f"{edge['source']}-{edge['port']}-{edge['target']}"
            candidate, n = base, 1
            while candidate in taken:
                n += 1
                candidate = f"{base}-{n}"
            edge["id"] = candidate
            taken.add(candidate)


def _is_id(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def to_networkx(graph: dict) -> nx.MultiDiGraph:
    """A MultiDiGraph of a normal-form graph: node attributes ``kind, type, label, config, position``,
    edges keyed by edge id with attribute ``port``; notes and the edge order ride along in ``g.graph``."""
    g = nx.MultiDiGraph(notes=copy.deepcopy(graph.get("notes", [])), edge_order=[e["id"] for e in graph["edges"]])
    for node in graph["nodes"]:
        g.add_node(node["id"], **{key: copy.deepcopy(value) for key, value in node.items() if key != "id"})
    for edge in graph["edges"]:
        g.add_edge(edge["source"], edge["target"], key=edge["id"], port=edge["port"])
    return g


def from_networkx(g: nx.MultiDiGraph) -> dict:
    """The normal-form graph of a MultiDiGraph built by :func:`to_networkx` (edges keep their order)."""
    nodes = [{"id": node_id, **copy.deepcopy(data)} for node_id, data in g.nodes(data=True)]
    by_id = {key: {"id": key, "source": u, "target": v, "port": data.get("port", "next")}
             for u, v, key, data in g.edges(keys=True, data=True)}
    order = [key for key in g.graph.get("edge_order", []) if key in by_id]
    listed = set(order)
    order += [key for key in by_id if key not in listed]
    return {"nodes": nodes, "edges": [by_id[key] for key in order], "notes": copy.deepcopy(g.graph.get("notes", []))}


def trigger_of(graph: dict) -> dict | None:
    """The first trigger node of `graph`, or None."""
    return next((node for node in graph.get("nodes", []) if node.get("kind") == "trigger"), None)
