"""A node type only the tests know, declared in this one place: "Send postcard" (an action).

Everything else (palette, form, summary, validation, diagrams, runs) must pick it up from this declaration and
its executor alone; :func:`postcard` installs both for one test and takes them out again afterwards.
"""
from contextlib import contextmanager

import pytest

from builder import schemas as s
from builder.node_type import NodeType, declare, withdraw
from crm.models import Notification, User
from engine.node_executors import check_complete, executes, unregister
from engine.outcomes import Advance, Fail
from store.db import db

MAX_GREETING = 120


def _greeting_fits(config, scope, add) -> None:
    if len(config["greeting"]) > MAX_GREETING:
        add("error", "config.greeting", f"a postcard holds at most {MAX_GREETING} characters")


POSTCARD = NodeType(
    type="send_postcard", kind="action", label="Send postcard", icon="mail", help="Mails a postcard to an address.",
    ports=("next", "error"), needs_record=True, summary=("postcard to {address}",), rules=(_greeting_fits,),
    fields={"address": s.text("Address", required=True), "greeting": s.text("Greeting", multiline=True)})


def send_postcard(node, ctx):
    """The record's owner is told in the app what the postcard says (the tests' stand-in for a print shop)."""
    address, greeting = ctx.render(node["config"]["address"]).strip(), ctx.render(node["config"]["greeting"])
    shown = {"address": address, "greeting": greeting}
    owner = (ctx.view or {}).get("owner")
    if owner is None:
        return Fail("the record has no owner to send the postcard for", input=shown)
    if ctx.dry:
        return Advance(reason=f"would mail a postcard to {address}", input=shown)
    user = db.session.execute(db.select(User).filter_by(username=owner["username"])).scalar_one()
    db.session.add(Notification(user_id=user.id, message=f"Postcard to {address}: {greeting}", run_id=ctx.run_id,
                                link=f"/runs/{ctx.run_id}", created_at=ctx.now()))
    return Advance(input=shown, output={"mailed_to": address})


@contextmanager
def installed():
    declare(POSTCARD)
    executes(*POSTCARD.key)(send_postcard)
    try:
        check_complete()
        yield POSTCARD
    finally:
        withdraw(POSTCARD)
        unregister(*POSTCARD.key)


@pytest.fixture
def postcard():
    with installed() as node_type:
        yield node_type
