"""Ready-made workflows: one JSON file per template in this folder."""
import json
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).parent


@lru_cache(maxsize=1)
def _all() -> dict[str, dict]:
    templates = {}
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text())
        templates[data["id"]] = data
    return templates


def list_templates() -> list[dict]:
    return list(_all().values())


def get_template(template_id: str) -> dict | None:
    return _all().get(template_id)
