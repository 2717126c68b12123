"""Credentials written into workflows: masked in every read, kept on write, and named in validation.

Credentials belong in the secrets store, referenced as ``{{ secrets.NAME }}`` in a webhook's URL, headers
or body and resolved only when the message is sent. Literal credentials already written into a graph are
write-only: a webhook header value and the password of a ``scheme://user:password@host`` URL read as
:data:`MASK` everywhere, and a save that sends the mask back keeps the stored value
(:func:`keep_masked`).

>>> mask_text("call https://bot:hunter2@api.example.com/x")
'call https://bot:••••@api.example.com/x'
>>> mask_headers({"Authorization": "Bearer {{ secrets.CRM_TOKEN }}", "X-Key": "abc", "Accept": "text/plain"})
{'Authorization': 'Bearer {{ secrets.CRM_TOKEN }}', 'X-Key': '••••', 'Accept': 'text/plain'}
"""
import re

from builder.errors import InvalidWorkflow

MASK = "••••"
SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# The one documented way to use a secret: the whole `{{ }}` is the reference, nothing else in it.
SECRET_REF = re.compile(r"\{\{-?\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}")
# Any mention of `secrets` inside template markup (to find uses outside the documented form and places).
_SECRETS_USE = re.compile(r"\{[{%][^}]*(?<![\w.])secrets\b")
# scheme://user:password@ — the password is a reference, or literal text without spaces, slashes or '@'.
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:]*:)"
                           r"(?P<password>\{\{\s*secrets\.\w+\s*\}\}|[^\s/@]+)@")
# Headers that never carry a credential: shown as written.
_PLAIN_HEADERS = frozenset(("accept", "content-type"))
# A header value with no literal text that could be a credential: references to data (a secret included, or
# `{{ record.id }}`, with plain filters) after at most an auth scheme word ("Bearer "). A constant in `{{ }}`
# could be one, so it does not count.
_SIMPLE_EXPRESSION = r"\{\{-?\s*[A-Za-z_][\w.]*(?:\s*\|\s*[A-Za-z_]\w*)*\s*-?\}\}"
_REFERENCE_ONLY = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9\-]*\s+)?(?:" + _SIMPLE_EXPRESSION + r"\s*)+")
# Where secret references are resolved (the webhook sender); anywhere else they would print nothing.
SECRET_FIELDS = ("url", "headers", "body")
_MAX_DEPTH = 20


def _password_masked(match: re.Match) -> str:
    password = match["password"]
    if password == MASK or SECRET_REF.fullmatch(password):
        return match[0]
    return f"{match['head']}{MASK}@"


def mask_text(text):
    """`text` with every literal URL password replaced by the mask (references stay); non-text unchanged."""
    if not isinstance(text, str) or "://" not in text:
        return text
    return _URL_PASSWORD.sub(_password_masked, text)


def header_shown(name, value) -> bool:
    """True when a header value holds no literal credential: a plain header, or references only."""
    return str(name).lower() in _PLAIN_HEADERS or (isinstance(value, str) and bool(_REFERENCE_ONLY.fullmatch(value)))


def mask_headers(headers):
    if not isinstance(headers, dict):
        return headers
    return {name: value if header_shown(name, value) or value in ("", MASK) else MASK
            for name, value in headers.items()}


def mask_data(value, depth=0):
    """Any JSON value (a node's config, a step's input or output) with its credentials masked: URL passwords
    in every text, every value of a ``headers`` mapping."""
    if isinstance(value, str):
        return mask_text(value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {key: mask_headers(item) if key == "headers" and isinstance(item, dict)
                else mask_data(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_data(item, depth + 1) for item in value]
    return value


def mask_graph(graph):
    """The graph document as every reader sees it: each node's config with its credentials masked."""
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list):
        return graph
    nodes = [{**node, "config": mask_data(node["config"])}
             if isinstance(node, dict) and isinstance(node.get("config"), dict) else node
             for node in graph["nodes"]]
    return {**graph, "nodes": nodes}


def keep_masked(graph, stored):
    """`graph` (as a client sends it back) with every value still equal to the masked form of the stored value
    at the same node and place replaced by the stored value, so saving what was read loses no credential."""
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list) or not isinstance(stored, dict):
        return graph
    before = {node.get("id"): node.get("config") for node in stored.get("nodes") or [] if isinstance(node, dict)}
    nodes = [{**node, "config": _restore(node["config"], before.get(node.get("id")))}
             if isinstance(node, dict) and isinstance(node.get("config"), dict) else node
             for node in graph["nodes"]]
    return {**graph, "nodes": nodes}


def restore_masked(graph, stored):
    """:func:`keep_masked`, refusing a mask left where a credential goes (a new step's, or an imported one's):
    no value is stored for it, and saving the mask itself would send ``••••`` as the credential."""
    graph = keep_masked(graph, stored)
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for index, node in enumerate(nodes if isinstance(nodes, list) else ()):
        config = node.get("config") if isinstance(node, dict) else None
        left = [path for path, text in strings_in(config, "config") if _mask_left(path, text)] \
            if isinstance(config, dict) else []
        if left:
            name = f"'{node.get('label')}' ({node.get('id')})" if node.get("label") else f"'{node.get('id')}'"
            raise InvalidWorkflow(
                f"Step {name} holds a masked credential ({MASK}) with no stored value to keep: write the "
                "credential again, or use {{ secrets.NAME }}.",
                {f"nodes[{index}].{path}": f"step '{node.get('id')}': {MASK} stands for no stored value"
                 for path in left})
    return graph


def _mask_left(path: str, text: str) -> bool:
    if text == MASK and ".headers." in path:
        return True
    return any(match["password"] == MASK for match in _URL_PASSWORD.finditer(text))


def _restore(sent, stored, depth=0):
    if isinstance(sent, str) and isinstance(stored, str):
        if MASK not in sent or sent == stored:
            return sent
        if sent == mask_text(stored):
            return stored
        # The URL was edited around its masked password: the password stays (when there was exactly one).
        passwords = {m["password"] for m in _URL_PASSWORD.finditer(stored) if mask_text(m[0]) != m[0]}
        return sent.replace(f":{MASK}@", f":{passwords.pop()}@") if len(passwords) == 1 else sent
    if depth < _MAX_DEPTH and isinstance(sent, dict) and isinstance(stored, dict):
        return {key: _restore_headers(item, stored[key]) if key == "headers"
                else _restore(item, stored[key], depth + 1) if key in stored else item
                for key, item in sent.items()}
    if depth < _MAX_DEPTH and isinstance(sent, list) and isinstance(stored, list):
        return [_restore(item, stored[index], depth + 1) if index < len(stored) else item
                for index, item in enumerate(sent)]
    return sent


def _restore_headers(sent, stored):
    if not isinstance(sent, dict) or not isinstance(stored, dict):
        return _restore(sent, stored)
    return {name: stored[name] if value == MASK and isinstance(stored.get(name), str)
            else _restore(value, stored.get(name)) for name, value in sent.items()}


def credential_problems(node: dict) -> list:
    """``(severity, field, message)`` for the literal credentials in `node`'s config, and for secret references
    where they are not resolved."""
    config = node.get("config") if isinstance(node, dict) else None
    if not isinstance(config, dict):
        return []
    found = []
    webhook = node.get("type") == "webhook"
    headers = config.get("headers") if webhook else None
    for name, value in (headers.items() if isinstance(headers, dict) else ()):
        if isinstance(value, str) and value.strip() and not header_shown(name, value):
            found.append(("warning", f"config.headers.{name}",
                          f"header {name} holds its value in the workflow, where it is stored and exported: "
                          "put this credential in a secret (Settings) and write {{ secrets.NAME }} here"))
    for path, text in strings_in(config, "config"):
        if mask_text(text) != text:
            found.append(("warning", path, "a password is written in this URL: put this credential in a secret "
                                           "(Settings) and write {{ secrets.NAME }} in its place"))
        top = path.split(".")[1].split("[")[0]
        if _SECRETS_USE.search(text) and not (webhook and top in SECRET_FIELDS):
            found.append(("error", path, "secrets can only be used in a webhook's URL, headers and body"))
        elif _SECRETS_USE.search(text) and len(_SECRETS_USE.findall(text)) != len(SECRET_REF.findall(text)):
            found.append(("error", path, "write a secret as {{ secrets.NAME }} alone, without filters or "
                                         "other expressions"))
    return found


def strings_in(value, path, depth=0):
    """Each string inside `value` (nested dicts and lists) with where it stands: ``config.headers.X-Key``."""
    if isinstance(value, str):
        yield path, value
    elif depth < _MAX_DEPTH and isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{path}.{key}", depth + 1)
    elif depth < _MAX_DEPTH and isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}[{index}]", depth + 1)
