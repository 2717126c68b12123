"""The JSON API: one flask-smorest blueprint per resource."""
from web.api import catalog, events, objects, records, tokens, users, workflow_versions, workflows  # noqa: F401

BLUEPRINTS = (objects.blp, records.blp, events.blp, tokens.blp, users.blp, workflows.blp, catalog.blp)


def register(api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
