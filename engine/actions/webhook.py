"""webhook: an HTTP request through the outbox; targets are checked against SSRF when it is delivered.

Credentials never reach what readers see. ``{{ secrets.NAME }}`` renders as a placeholder that only the
sender resolves (engine.vault); the step input and the message row show the reference, and literal
credentials (header values, URL passwords) masked. What the transport needs is sealed in the message row.
"""
import json

from builder.credentials import header_shown, mask_headers, mask_text
from engine import outbox, vault
from engine.node_executors import executes
from engine.outcomes import Advance, Fail


def default_payload(ctx) -> dict:
    """What an empty body sends: the run's record, trigger and workflow."""
    return {"record": ctx.view, "trigger": ctx.trigger, "payload": ctx.payload,
            "workflow": {"id": ctx.spec.workflow_id, "name": ctx.spec.name}, "run": {"id": ctx.run_id}}


@executes("action", "webhook")
def execute(node, ctx):
    config = node["config"]
    written = config.get("headers") or {}
    nonce = vault.new_nonce()
    refs = {"secrets": vault.placeholders([config.get("url"), config.get("body"), *written.values()], nonce)}
    url, method = ctx.render(config.get("url"), extra=refs).strip(), (config.get("method") or "POST").upper()
    headers = {str(name): ctx.render(value, extra=refs) for name, value in written.items()}
    text = ctx.render(config.get("body"), extra=refs)
    shown_url, shown_body = mask_text(vault.shown(url, nonce)), mask_text(vault.shown(text, nonce))
    shown = {"url": shown_url, "method": method, "body": shown_body,
             "headers": mask_headers(vault.shown(headers, nonce))}
    if not url.lower().startswith(("http://", "https://")):
        return Fail(f"the URL must start with http:// or https://, not {shown_url[:200]!r}", input=shown)
    try:
        payload = json.loads(text) if text.strip() else default_payload(ctx)
    except ValueError as exc:
        return Fail(f"the body is not JSON ({exc}); use the tojson filter for inserted values", input=shown)
    if ctx.dry:
        return Advance(reason=f"would call {method} {shown_url}", input=shown)
    literal = [str(name) for name, value in written.items() if not header_shown(name, value)]
    sealed = vault.seal(json.dumps({"url": url, "headers": headers, "payload": payload, "nonce": nonce,
                                    "literal_headers": literal}, default=str))
    return outbox.queue(ctx, node, "webhook", shown_url, subject=method, body=shown_body, shown=shown,
                        request={"method": method, "headers": shown["headers"], "sealed": sealed})
