"""The plan's units, sections and sessions that calls refer to stay: console answers broadcast's
``deleting`` signal, since broadcast cannot look at calls from below."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select

from broadcast.models import AirSession, Section, Unit
from broadcast.signals import deleting
from console.models import Call
from core.extensions import db


def _has_calls(where: ColumnElement[bool]) -> bool:
    return db.session.scalar(select(Call.id).where(where).limit(1)) is not None


def _unit(sender: type[Unit], row: Unit) -> str | None:
    if _has_calls(Call.unit_id == row.id):
        return _("Calls are assigned to this unit; it cannot be deleted.")
    return None


def _section(sender: type[Section], row: Section) -> str | None:
    if _has_calls(Call.section_id == row.id):
        return _("Calls are assigned to this section; it cannot be deleted.")
    return None


def _session(sender: type[AirSession], row: AirSession) -> str | None:
    if _has_calls(Call.session_id == row.id):
        return _("The session has calls; it cannot be deleted.")
    return None


def connect() -> None:
    deleting.connect(_unit, sender=Unit)
    deleting.connect(_section, sender=Section)
    deleting.connect(_session, sender=AirSession)
