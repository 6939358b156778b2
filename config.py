"""Settings for one station's console, read from the environment.

Every setting has a default that runs the whole console on one machine: SQLite in the instance
folder, the SIP line server on loopback. Environment variables are prefixed ``HOTLINE_``.
Secrets that must survive a restart (the session key, the line server's shared secret) are
generated once and kept in the instance folder, so restarting mid-show logs no seat out.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


def _env(name: str, default: str) -> str:
    return os.environ.get(f"HOTLINE_{name}", default)


def _persistent_secret(instance: Path, name: str) -> str:
    """A random secret stored in the instance folder on first use and reused afterwards."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


def load(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    instance = Path(_env("INSTANCE", app.instance_path))
    instance.mkdir(parents=True, exist_ok=True)
    app.instance_path = str(instance)
    app.config.update(
        SECRET_KEY=os.environ.get("HOTLINE_SECRET_KEY") or _persistent_secret(instance, "secret_key"),
        SQLALCHEMY_DATABASE_URI=_env("DATABASE_URL", f"sqlite:///{instance / 'hotline.db'}"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        # The line server authenticates to the /telephony namespace with this.
        TELEPHONY_SECRET=os.environ.get("HOTLINE_TELEPHONY_SECRET")
        or _persistent_secret(instance, "telephony_secret"),
        # Where listeners' SIP calls arrive (used by the line server and shown on the seats).
        SIP_BIND=_env("SIP_BIND", "127.0.0.1"),
        SIP_PORT=int(_env("SIP_PORT", "5070")),
        SIP_LINES=int(_env("SIP_LINES", "64")),
        HTTP_HOST=_env("HTTP_HOST", "127.0.0.1"),
        HTTP_PORT=int(_env("HTTP_PORT", "5000")),
        # Behind a reverse proxy, how many proxies to trust for the client's address (the web
        # channel's rate limit is per listener, not per proxy).
        PROXY_COUNT=int(_env("PROXY_COUNT", "0")),
        # On-air segments recorded by the line server, served to the seats from here.
        RECORDINGS_DIR=_env("RECORDINGS", str(instance / "recordings")),
        # Photos and documents sent with a unit's reply.
        ATTACHMENTS_DIR=_env("ATTACHMENTS", str(instance / "attachments")),
        TIMEZONE=_env("TIMEZONE", "Asia/Shanghai"),
        # The station's day pinned (YYYY-MM-DD), for a rehearsal or a browser test of deadlines.
        TODAY=_env("TODAY", ""),
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_DEFAULT_TIMEZONE=_env("TIMEZONE", "Asia/Shanghai"),
        LANGUAGES={"zh_CN": "中文", "en": "English"},
        # Web channel abuse limits (Flask-Limiter syntax).
        WEB_CHANNEL_RATE=_env("WEB_CHANNEL_RATE", "5 per minute;30 per hour"),
        # Receipt lookups per address: four digits must not be guessed by trying them all.
        RECEIPT_LOOKUP_RATE=_env("RECEIPT_LOOKUP_RATE", "5 per minute;20 per hour"),
        # A form sent faster than a person can type is a robot's.
        WEB_CHANNEL_MIN_SECONDS=float(_env("WEB_CHANNEL_MIN_SECONDS", "3")),
        RATELIMIT_STORAGE_URI=_env("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_HEADERS_ENABLED=True,
        # Socket.IO across several web processes needs a message queue (e.g. redis://).
        SOCKETIO_MESSAGE_QUEUE=_env("SOCKETIO_MESSAGE_QUEUE", "") or None,
        PASSWORD_HASH_METHOD="scrypt",
        WTF_CSRF_TIME_LIMIT=None,  # a seat stays open for a whole show
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,  # a reply's photo straight from a phone
    )
    if overrides:
        app.config.update(overrides)
