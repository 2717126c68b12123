"""The JSON API: one flask-smorest blueprint per resource."""
from web.api import (audit, catalog, enrollments, events, folders, health, messages, notifications, objects,  # noqa: F401
                     pipelines, records, runs, secrets, stage_rules, stats, tasks, tokens, users, workflow_versions,
                     workflows)

BLUEPRINTS = (objects.blp, pipelines.blp, records.blp, events.blp, tokens.blp, users.blp, stage_rules.blp,
              workflows.blp, catalog.blp, runs.blp, messages.blp, notifications.blp, health.blp, tasks.blp, stats.blp,
              secrets.blp, audit.blp, enrollments.blp, folders.blp)


def register(api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
