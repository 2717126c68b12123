"""webhook: an HTTP request through the outbox; targets are checked against SSRF when it is delivered."""
import json

from engine import outbox
from engine.outcomes import Advance, Fail

# Step inputs are visible to viewers; these header values are kept out of them.
SECRET_HEADERS = ("authorization", "cookie", "proxy-authorization", "x-api-key", "api-key")


def default_payload(ctx) -> dict:
    """What an empty body sends: the run's record, trigger and workflow."""
    return {"record": ctx.view, "trigger": ctx.trigger, "payload": ctx.payload,
            "workflow": {"id": ctx.spec.workflow_id, "name": ctx.spec.name}, "run": {"id": ctx.run_id}}


def execute(node, ctx):
    config = node["config"]
    url, method = ctx.render(config.get("url")).strip(), (config.get("method") or "POST").upper()
    headers = {str(name): ctx.render(value) for name, value in (config.get("headers") or {}).items()}
    text = ctx.render(config.get("body"))
    shown = {"url": url, "method": method, "body": text,
             "headers": {k: "***" if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}}
    if not url.lower().startswith(("http://", "https://")):
        return Fail(f"the URL must start with http:// or https://, not {url[:200]!r}", input=shown)
    try:
        payload = json.loads(text) if text.strip() else default_payload(ctx)
    except ValueError as exc:
        return Fail(f"the body is not JSON ({exc}); use the tojson filter for inserted values", input=shown)
    if ctx.dry:
        return Advance(reason=f"would call {method} {url}", input=shown)
    return outbox.queue(ctx, node, "webhook", url, subject=method, body=text, shown=shown,
                        request={"method": method, "headers": headers, "payload": payload})
