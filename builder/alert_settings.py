"""A workflow's "when a run fails" settings (`settings.on_failure`), read with their defaults.

>>> read({})["mode"], read({})["owner"]
('each', True)
>>> read({"on_failure": {"roles": ["admin"], "owner": False, "mode": "digest"}})["roles"]
['admin']
"""
MODES = ("each", "digest")
DEFAULTS = {"owner": True, "users": [], "roles": [], "in_app": True, "email": True, "mode": "each",
            "error_workflow": None}


def read(settings: dict | None) -> dict:
    """`settings.on_failure` with every key present; a workflow that never set it tells its owner of each failure."""
    given = (settings or {}).get("on_failure") or {}
    return {**DEFAULTS, **{key: value for key, value in given.items() if key in DEFAULTS}}
