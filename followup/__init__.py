"""After the show: follow-up cases (转办件) with deadlines, callbacks, supervision and scores."""

from __future__ import annotations

from flask import Flask

from broadcast.models import AirSession
from console.signals import session_ended
from core.accounts import User
from followup.conversion import convert_session


def init_app(app: Flask) -> None:
    """Follow-up listens to the console: the matters of a show become cases when the show ends."""
    session_ended.connect(_convert_ended_session, app)


def _convert_ended_session(app: Flask, *, session: AirSession, actor: User | None) -> None:
    convert_session(session, actor)
