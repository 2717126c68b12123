"""Builders for graph documents, and hypothesis strategies that generate them."""
from hypothesis import strategies as st

from builder.catalog import NODE_TYPES, get_type, ports_of
from builder.objects import DEMO_OBJECTS

OBJECTS = DEMO_OBJECTS


def node(node_id, type_, kind=None, label=None, **config):
    """A node dict; `kind` is looked up in the catalog when not given."""
    kind = kind or get_type(type_).kind
    found = {"id": node_id, "kind": kind, "type": type_, "config": config}
    if label is not None:
        found["label"] = label
    return found


def edge(source, target, port="next", edge_id=None):
    return {"id": edge_id or f"{source}-{port}-{target}", "source": source, "target": target, "port": port}


def make_graph(*nodes, edges=(), notes=()):
    return {"nodes": list(nodes), "edges": list(edges), "notes": list(notes)}


def reminder_graph(**mail_config):
    """The contract's example: a new task, a condition, an email. Valid as is."""
    mail = {"to": "{{ record.owner.email }}", "subject": "Reminder: {{ record.fields.title }}", "body": "Hi"}
    mail.update(mail_config)
    return make_graph(
        node("start", "record_created", object="task", filter=None),
        node("todo", "condition", match="all", rules=[{"field": "status", "op": "eq", "value": "To Do"}]),
        node("mail", "send_email", **mail),
        edges=[edge("start", "todo"), edge("todo", "mail", "true")])


def chain(trigger, *steps):
    """A trigger followed by `steps` wired one after the other through their first port."""
    nodes = [trigger, *steps]
    return make_graph(*nodes, edges=[edge(a["id"], b["id"], ports_of(a)[0]) for a, b in zip(nodes, nodes[1:])])


ids = st.text(alphabet="abcdefghij0123456789-_", min_size=1, max_size=8)
numbers = st.integers(-10_000, 10_000) | st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@st.composite
def graphs(draw, max_nodes=12):
    """Readable graphs: catalog types with their default configs, edges between existing nodes."""
    node_ids = draw(st.lists(ids, min_size=1, max_size=max_nodes, unique=True))
    kinds_and_types = sorted(NODE_TYPES)
    nodes = []
    for node_id in node_ids:
        kind, type_ = draw(st.sampled_from(kinds_and_types))
        nodes.append({"id": node_id, "kind": kind, "type": type_, "label": draw(st.text(max_size=10)),
                      "config": NODE_TYPES[kind, type_].defaults(),
                      "position": {"x": draw(numbers), "y": draw(numbers)}})
    edges = []
    for index in range(draw(st.integers(0, 2 * len(nodes)))):
        source, target = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
        edges.append({"id": f"e{index}", "source": source["id"], "target": target["id"],
                      "port": draw(st.sampled_from(ports_of(source)))})
    notes = [{"id": f"n{index}", "text": draw(st.text(max_size=20)), "position": {"x": 1, "y": 2},
              "size": {"w": 100, "h": 50}} for index in range(draw(st.integers(0, 2)))]
    return {"nodes": nodes, "edges": edges, "notes": notes}


@st.composite
def graphish(draw):
    """Documents that look like graphs but may be wrong anywhere: odd configs, ports, ids and types."""
    type_names = [t for _, t in NODE_TYPES] + ["nope"]
    kinds = [k for k, _ in NODE_TYPES] + ["nope", None]
    raw_ids = st.sampled_from(["a", "b", "c", "d"]) | json_values
    nodes = draw(st.lists(st.fixed_dictionaries(
        {"id": raw_ids, "kind": st.sampled_from(kinds), "type": st.sampled_from(type_names)},
        optional={"config": st.dictionaries(st.sampled_from(["object", "rules", "outcomes", "to", "duration",
                                                             "cron", "fields", "filter", "assignee", "stage"]),
                                            json_values, max_size=4) | json_values,
                  "position": json_values, "label": json_values}), max_size=6))
    edges = draw(st.lists(st.fixed_dictionaries(
        {"source": raw_ids, "target": raw_ids},
        optional={"id": raw_ids, "port": st.sampled_from(["next", "true", "false", "error", "done"]) | json_values}),
        max_size=6))
    return {"nodes": nodes, "edges": edges, **draw(st.fixed_dictionaries({}, optional={"notes": json_values}))}
