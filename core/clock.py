"""The station's calendar day. Deadlines are counted in the station's local dates, never in UTC:
a case received at 07:30 in Beijing is received that day, not the day before.

Every module asks ``clock.today()`` / ``clock.local_date()`` (never ``date.today()``, the
machine's date, often UTC) so the day is the station's and tests can move the clock: a test in
process replaces ``today``; a whole server's day is pinned with the TODAY setting (HOTLINE_TODAY)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from core.db import utcnow

_DEFAULT_ZONE = "Asia/Shanghai"


def zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", _DEFAULT_ZONE) if has_app_context() else _DEFAULT_ZONE
    return ZoneInfo(name)


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def today() -> date:
    pinned = current_app.config.get("TODAY") if has_app_context() else ""
    return date.fromisoformat(pinned) if pinned else local_date(utcnow())
