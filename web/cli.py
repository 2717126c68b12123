"""The `flowdesk` command: database, users, tokens, demo data and the server."""
import signal
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from store import audit
from store.db import db
from crm import demo
from crm.models import ROLES
from crm.people import create_user, issue_token
from crm.errors import InvalidInput
from engine.worker import Engine, start_embedded


def _create_app():
    from web import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             help="Flowdesk: visual workflows for CRM operations.")
def main():
    pass


CLI = audit.Actor("cli", "cli")


def _fail(error: InvalidInput):
    db.session.rollback()
    raise click.ClickException("; ".join(f"{k}: {v}" for k, v in error.details.items()))


users = click.Group("users", help="Manage users.")


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email", default=None)
@with_appcontext
def users_create(name, role, password, email):
    """Create a user NAME with a role and password."""
    audit.act_as(CLI)
    try:
        create_user(name, role, password, email)
    except InvalidInput as error:
        _fail(error)
    db.session.commit()
    click.echo(f"created {role} '{name}'")


tokens = click.Group("tokens", help="Manage API tokens.")


@tokens.command("create")
@click.argument("name")
@click.option("--label", default="cli", help="what the token is for")
@with_appcontext
def tokens_create(name, label):
    """Print a new API token acting as user NAME (shown once)."""
    audit.act_as(CLI)
    try:
        _, plain = issue_token(name, label)
    except InvalidInput as error:
        _fail(error)
    db.session.commit()
    click.echo(plain)


demo_group = click.Group("demo", help="Demo data.")


@demo_group.command("load")
@with_appcontext
def demo_load():
    """Load object types, users and a few records (once)."""
    password = demo.load()
    if password:
        click.echo(f"admin password (shown once): {password}")
    else:
        click.echo("demo data already loaded")


@click.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def run(host, port):
    """Serve web, engine and scheduler in one process."""
    from web.server import make_server

    app = current_app._get_current_object()
    engine = start_embedded(app) if app.config["FLOWDESK_EMBEDDED_ENGINE"] else None
    server = make_server(app, host, port)
    # SIGTERM ends the serving loop as Ctrl-C does; stop() then finishes the requests in hand, and the
    # engine stops after its work in hand.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"Flowdesk on http://{host}:{port}/" + (" (with the engine)" if engine else ""))
    try:
        server.start()
    finally:
        server.stop()
        if engine:
            engine.stop()


@click.command("worker")
@with_appcontext
def worker():
    """Run an engine worker until SIGTERM or Ctrl-C (finishing the work in hand first)."""
    engine = Engine(current_app._get_current_object())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: engine.stop_event.set())
    click.echo("Flowdesk worker started")
    engine.start().wait()
    click.echo("Flowdesk worker stopped")


def register(app) -> None:
    for command in (users, tokens, demo_group, run, worker):
        app.cli.add_command(command)
