"""The time zone a page's create form sends from the browser, so a new workflow starts in its creator's zone."""
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, request


def browser_zone() -> str:
    """The form's ``timezone`` (filled in by static/js/zone.js); UTC only when no script ran to send one."""
    name = (request.form.get("timezone") or "").strip()
    if not name:
        return "UTC"
    try:
        if len(name) > 64:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        abort(400, description=f"'{name[:64]}' is not a time zone (use a name such as Asia/Jakarta).")
    return name
