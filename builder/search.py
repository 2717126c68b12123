"""The text a workflow is found by on the workflows list: its name, description, trigger type and every node's text.

>>> graph = {"nodes": [{"id": "start", "kind": "trigger", "type": "record_created", "label": "New deal",
...                     "config": {"object": "deal", "filter": None}},
...                    {"id": "mail", "kind": "action", "type": "send_email", "label": "Welcome",
...                     "config": {"to": "{{ record.fields.email }}", "subject": "Hello there"}}]}
>>> matches(search_text("Onboarding", "", graph), "hello THERE")
True
>>> matches(search_text("Onboarding", "", graph), "record created")
True
>>> matches(search_text("Onboarding", "", graph), "invoice")
False
>>> hook = {"nodes": [{"id": "w", "kind": "action", "type": "webhook", "label": "Post",
...                    "config": {"url": "https://bot:hunter2@api.example.com", "headers": {"X-Key": "abc123"}}}]}
>>> [matches(search_text("Hook", "", hook), word) for word in ("api.example.com", "hunter2", "abc123")]
[True, False, False]
"""
from builder.catalog import NODE_TYPES
from builder.credentials import mask_graph

_LABELS = {node_type.type: node_type.label for node_type in NODE_TYPES.values()}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def search_text(name: str, description: str, graph: dict | None) -> str:
    """One lower-case text: name, description, each node's label, type (as written and as labelled, so
    "record created" finds ``record_created``), the texts of its settings, and the sticky notes.

    Credentials written into the graph are masked first, as in every read: the text is sent to viewers, and a
    search must not tell whether a password contains what was typed.
    """
    graph = mask_graph(graph)
    parts = [name or "", description or ""]
    for node in (graph or {}).get("nodes") or []:
        kind_type = str(node.get("type") or "")
        parts += [str(node.get("label") or ""), kind_type, kind_type.replace("_", " "), _LABELS.get(kind_type, "")]
        parts += _strings(node.get("config") or {})
    parts += [str(note.get("text") or "") for note in (graph or {}).get("notes") or []]
    return " ".join(" ".join(parts).split()).lower()


def matches(text: str, query: str) -> bool:
    """Every word of `query` is somewhere in `text` (the words in any order)."""
    return all(word in text for word in query.lower().split())
