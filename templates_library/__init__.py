"""Ready-made workflows: one JSON file per template in this folder.

A template is ``{"id", "name", "category", "description", "tags", "graph"}`` plus optional ``settings``;
its graph is in normal form (:func:`builder.graph.read_graph`) with positions from auto-arrange.

>>> [c["name"] for c in categories()][:2]
['Integrations', 'Onboarding']
>>> [t["id"] for t in list_templates(category="integrations")]
['deal-won-webhook']
"""
import copy
import json
from functools import lru_cache
from pathlib import Path

from builder.graph import read_graph
from store.models import DEFAULT_SETTINGS

FOLDER = Path(__file__).parent


@lru_cache(maxsize=1)
def _all() -> dict[str, dict]:
    loaded = [json.loads(path.read_text()) for path in FOLDER.glob("*.json")]
    return {t["id"]: t for t in sorted(loaded, key=lambda t: (t["category"], t["name"]))}


def list_templates(category: str | None = None, query: str | None = None) -> list[dict]:
    """The templates, by category and name; only those of `category` (any case) and matching every word of
    `query` when given."""
    found = list(_all().values())
    if category:
        found = [t for t in found if t["category"].casefold() == category.strip().casefold()]
    words = (query or "").casefold().split()
    if words:
        found = [t for t in found if all(word in _searchable(t) for word in words)]
    return found


def get_template(template_id: str) -> dict | None:
    return _all().get(template_id)


def categories() -> list[dict]:
    """``[{"name", "count"}]`` for every category, by name."""
    counts = {}
    for template in _all().values():
        counts[template["category"]] = counts.get(template["category"], 0) + 1
    return [{"name": name, "count": counts[name]} for name in sorted(counts)]


def start_draft(workflow, template: dict) -> None:
    """Fill a new workflow draft from `template`; the API and the gallery's Use button both come here."""
    workflow.template_id = template["id"]
    workflow.description = template.get("description", "")
    workflow.settings = copy.deepcopy(template.get("settings") or DEFAULT_SETTINGS)
    workflow.graph = read_graph(template["graph"])


def _searchable(template: dict) -> str:
    labels = [node.get("label", "") for node in template["graph"]["nodes"]]
    return " ".join([template["name"], template["category"], template["description"], *template.get("tags", []),
                     *labels]).casefold()
