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

import config
from core import access, i18n
from core.api import register_error_handlers
from core.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, overrides)
    if app.config["PROXY_COUNT"]:
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    # Socket.IO handlers must be declared before init_app binds them to this app's server.
    import console.realtime
    import console.telephony_link  # the line server's namespace
    import followup.realtime  # noqa: F401  (the desks' namespace)

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
    register_error_handlers(app)
    i18n.init_app(app)
    console.init_app(app)
    access.init_app(app)
    _register_parts(app)
    return app


def _register_parts(app: Flask) -> None:
    # Imported here so that every model is known before the CLI or a request needs it.
    import followup
    from broadcast.api import bp as broadcast_api_bp
    from broadcast.cli import schedule_cli
    from broadcast.users import bp as users_bp
    from broadcast.views import bp as broadcast_bp
    from console.api import bp as console_api_bp
    from console.demo import demo_cli
    from console.summary_page import bp as summary_page_bp
    from console.views import bp as console_bp
    from console.webchannel import bp as webchannel_bp
    from core.accounts import bp as auth_bp
    from core.accounts import users_cli
    from followup.api import bp as followup_api_bp
    from followup.callbacks_desk import bp as callbacks_bp
    from followup.case_page import bp as case_page_bp
    from followup.demo import followup_demo_cli
    from followup.desks import bp as desks_bp
    from followup.public import bp as public_bp
    from followup.scheduler import followup_cli
    from followup.scores_page import bp as scores_bp

    for blueprint in (
        auth_bp,
        users_bp,
        broadcast_bp,
        broadcast_api_bp,
        console_bp,
        console_api_bp,
        webchannel_bp,
        summary_page_bp,
        followup_api_bp,
        callbacks_bp,
        case_page_bp,
        desks_bp,
        public_bp,
        scores_bp,
    ):
        app.register_blueprint(blueprint)
    demo_cli.add_command(followup_demo_cli)
    for group in (users_cli, schedule_cli, demo_cli, followup_cli):
        app.cli.add_command(group)
    followup.init_app(app)


if __name__ == "__main__":
    from core import text
    from followup import scheduler

    application = create_app()
    text.warm_up()  # jieba's dictionary loads in seconds; not while a seat waits for it
    scheduler.start(application)  # the daily reminders, supervision and look-backs
    socketio.run(application, host=application.config["HTTP_HOST"], port=application.config["HTTP_PORT"])
