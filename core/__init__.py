"""What every part of the console shares: extensions, the database base, people and their roles,
who may do what, the shared words (labels, the matter's enums, text helpers), the JSON API
conventions, the station's clock and the interface language."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire what every page and route relies on: errors, language, access, login and users' CLI."""
    from core import access, i18n
    from core.accounts import bp, users_cli
    from core.api import register_error_handlers

    register_error_handlers(app)
    i18n.init_app(app)
    access.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
