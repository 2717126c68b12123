"""Which record fields a template reads (``record.fields.<name>``), for the checks that flag unknown fields."""
import functools

from jinja2 import nodes

from builder.templating import ENVIRONMENT, is_template, template_problem


def record_field_names(text) -> list:
    """The names `text` reads as ``record.fields.<name>`` (or ``record.fields["name"]``), in order, once each;
    an empty list for text that is not a template or does not parse (:func:`template_problem` reports that).

    >>> record_field_names("Hi {{ record.fields.name }}, {{ record['fields']['nmae'] | upper }}")
    ['name', 'nmae']
    """
    if not is_template(text) or template_problem(text) is not None:
        return []
    return list(_field_names_of(text))


@functools.lru_cache(maxsize=512)
def _field_names_of(text: str) -> tuple:
    tree, found = ENVIRONMENT.parse(text), {}
    called = {id(call.node) for call in tree.find_all(nodes.Call)}  # record.fields.items() is a method, not a field
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        path = _lookup_path(node)
        if path is not None and id(node) not in called and len(path) == 3 and path[:2] == ["record", "fields"]:
            found.setdefault(path[2], None)
    return tuple(found)


def _lookup_path(node) -> list | None:
    """``record.fields.x`` as ["record", "fields", "x"]; None when a part is not a constant name."""
    parts = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return [node.name, *reversed(parts)]
