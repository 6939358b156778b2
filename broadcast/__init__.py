"""The programme and its plan: the station's programme, the government units with their sections
and contacts, and each unit's on-air session (date, topic, guests, prepared material and Q&A),
including the yearly schedule import and the session's life from scheduled to live to ended."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The planning pages and API, the users page and the schedule import."""
    from broadcast.api import bp as api_bp
    from broadcast.cli import schedule_cli
    from broadcast.users import bp as users_bp
    from broadcast.views import bp as views_bp

    for blueprint in (views_bp, api_bp, users_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(schedule_cli)
