"""send_email: render the message and put it in the outbox (delivered over SMTP_URL, or to the mailbox)."""
from email.utils import getaddresses

from engine import outbox
from engine.node_executors import executes
from engine.outcomes import Advance, Fail


def recipients(text: str) -> tuple[list, list]:
    """The addresses in a rendered To/Cc line, and the parts that are not addresses."""
    found, wrong = [], []
    for name, address in getaddresses([text]):
        local, at, domain = address.partition("@")
        (found if at and local and domain and " " not in address else wrong).append(address or name)
    return found, [w for w in wrong if w]


@executes("action", "send_email")
def execute(node, ctx):
    config = node["config"]
    to_line, cc_line = ctx.render(config.get("to")).strip(), ctx.render(config.get("cc")).strip()
    subject, body = ctx.render(config.get("subject")), ctx.render(config.get("body"))
    message = {"to": to_line, "cc": cc_line or None, "subject": subject, "body": body}
    to, wrong = recipients(to_line)
    cc, wrong_cc = recipients(cc_line)
    if wrong or wrong_cc:
        return Fail(f"not an email address: {', '.join(wrong + wrong_cc)}", input=message)
    if not to:
        return Advance(status="skipped", reason="no recipient: 'To' is empty for this record", input=message)
    if ctx.dry:
        return Advance(reason=f"would send an email to {', '.join(to)}", input=message)
    return outbox.queue(ctx, node, "email", ", ".join(to), cc=", ".join(cc) or None, subject=subject, body=body,
                        shown=message)
