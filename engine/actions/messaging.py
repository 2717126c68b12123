"""send_sms and send_whatsapp: `{to, body}` POSTed to the provider URL by the outbox (or kept in the mailbox)."""
from builder.catalog import get_type
from engine import outbox
from engine.node_executors import executes
from engine.outcomes import Advance


@executes("action", "send_sms", "send_whatsapp")
def execute(node, ctx):
    channel = get_type(node["type"], node["kind"]).channel
    to, body = ctx.render(node["config"].get("to")).strip(), ctx.render(node["config"].get("body"))
    if not to:
        return Advance(status="skipped", reason="no recipient: 'To' is empty for this record",
                       input={"to": to, "body": body})
    if ctx.dry:
        return Advance(reason=f"would send a {channel} message to {to}", input={"to": to, "body": body})
    return outbox.queue(ctx, node, channel, to, body=body, shown={"to": to, "body": body})
