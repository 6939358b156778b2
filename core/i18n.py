"""The interface language: Chinese (zh_CN) unless a person picks English, remembered in a cookie.

Scripts get their strings from the page (``window.I18N``), rendered through the same catalogue;
enum labels come from the one registry (core.labels): ``label()`` in templates, ``window.I18N``
in scripts.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request
from flask_babel import gettext as _

from core.labels import label, script_labels

bp = Blueprint("i18n", __name__)
COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():  # the CLI speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


@bp.route("/lang/<code>")
def switch(code: str) -> Any:
    target = request.referrer or "/"
    response = redirect(target if target.startswith(request.host_url) or target.startswith("/") else "/")
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    install_strings(app)
    app.add_template_global(label)

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {"languages": app.config["LANGUAGES"], "current_locale": select_locale()}


def _strings() -> dict[str, str]:
    """Labels every page's scripts need: the enum labels and the common messages."""
    strings = script_labels()
    strings.update(
        {
            "error.network": _(
                "The server cannot be reached. Your typing is kept in this browser "
                "and will be sent when it is back."
            ),
            "error.generic": _("Something went wrong."),
            "conn.online": _("Connected"),
            "conn.offline": _("Reconnecting…"),
            "saved": _("Saved"),
            "saving": _("Saving…"),
            "unsaved": _("Not yet saved"),
        }
    )
    return strings


def install_strings(app: Flask) -> None:
    @app.context_processor
    def _i18n_strings() -> dict[str, Any]:
        return {"i18n_strings": _strings}
