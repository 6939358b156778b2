"""热线直播台 (Hotline On-Air Console): the application factory.

``python app.py`` serves the console with eventlet (what the README's run command does);
``flask --app app <command>`` reaches the CLI (db upgrade, users, demo, schedule import).
"""

from __future__ import annotations

if __name__ == "__main__":
    # eventlet must patch sockets and threads before anything else imports them.
    import eventlet

    eventlet.monkey_patch()

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import broadcast
import config
import console
import core
import followup
from core import i18n
from core.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, overrides)
    if app.config["PROXY_COUNT"]:
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    db.init_app(app)
    # Batch mode lets Alembic alter tables on SQLite, the embedded default.
    migrations = os.path.join(os.path.dirname(__file__), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    socketio.init_app(
        app,
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        # Seats live on the same origin; other origins must not drive a show.
        cors_allowed_origins=[],
    )
    # Each part wires itself, the lower first: a part may subscribe to the one below it.
    for part in (core, broadcast, console, followup):
        part.init_app(app)
    return app


if __name__ == "__main__":
    from core import text
    from followup import scheduler

    application = create_app()
    text.warm_up()  # jieba's dictionary loads in seconds; not while a seat waits for it
    scheduler.start(application)  # the daily reminders, supervision and look-backs
    socketio.run(application, host=application.config["HTTP_HOST"], port=application.config["HTTP_PORT"])
