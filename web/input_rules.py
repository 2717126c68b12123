"""The rule every request's input passes before any view reads it (and before it is authenticated):
JSON nested no deeper than MAX_DEPTH, and no text a database column cannot hold.

PostgreSQL text cannot hold NUL (U+0000): 400, as unreadable on every backend. Half of a surrogate pair
(U+D800 to U+DFFF, which JSON can spell as "\\ud800") cannot be written as UTF-8 by either backend or page:
422 naming the field, as any other invalid value.
"""
import re

from flask import request
from flask_smorest import abort

# Far deeper than any workflow, condition group or record needs; far shallower than Python's recursion limit.
MAX_DEPTH = 64
_HALF_PAIR = re.compile("[\ud800-\udfff]")


def check_request_input():
    body = _json_body()
    inputs = {"url": request.view_args or {}, "query": request.args.to_dict(flat=False),
              "form": request.form.to_dict(flat=False), "body": body}
    for location, value in inputs.items():
        for where, text in _texts(value, location):
            if "\x00" in text:
                abort(400, message="Text may not contain NUL (U+0000) characters.", details={where: "contains NUL"})
            if _HALF_PAIR.search(text):
                field = re.sub(r"^(url|query|form|body)\.?", "", where) or where  # body[3].name: [3].name
                abort(422, message="Text may not contain half of a surrogate pair (U+D800 to U+DFFF).",
                      details={field: "contains half of a surrogate pair"})


def _json_body():
    if not request.is_json:
        return None
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the parser refused to go deeper: far past MAX_DEPTH
        body, deep = None, True
    else:
        deep = _deeper_than(body, MAX_DEPTH)
    if deep:
        abort(400, message=f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels).",
              details={"body": f"nested more than {MAX_DEPTH} levels"})
    return body


def _deeper_than(value, limit: int) -> bool:
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth >= limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _texts(value, path: str):
    """Every string in `value` (dict keys included) with where it is: body.fields.name, query.q[0]."""
    pending = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield where, str(key)
                pending.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
