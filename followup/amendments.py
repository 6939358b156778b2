"""A call's on-air record corrected after its case was made reaches the case: the console's
``record_saved`` signal brings the change, and the workflow's ``record_amended`` action makes the
case follow it and writes in the history what changed, from what to what."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from broadcast.models import Guest
from console.flow import RECORD_FIELDS
from console.models import Call
from core.accounts import User
from core.extensions import db
from core.labels import label
from followup.models import Case
from followup.workflow import perform


def _field_names() -> dict[str, str]:
    return {
        "outcome": _("outcome"),
        "answer": _("answer"),
        "answered_by_guest_id": _("guest who answered"),
        "commitment_what": _("commitment"),
        "commitment_due": _("commitment due"),
        "commitment_how": _("how"),
        "satisfaction": _("satisfaction"),
    }


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field in ("outcome", "satisfaction"):
        return str(label(value))
    if field == "answered_by_guest_id":
        guest = db.session.get(Guest, value)
        return guest.name if guest else str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def amend_case(call: Call, before: dict[str, Any], actor: User | None) -> Case | None:
    """The case of ``call``, if it has one, follows its record as saved; ``before`` is the record
    as it was. Nothing is written when nothing changed."""
    case = db.session.scalar(select(Case).where(Case.call_id == call.id))
    record = call.air_record
    if case is None or record is None:
        return None
    changed = [f for f in RECORD_FIELDS if (before.get(f) or None) != (getattr(record, f) or None)]
    if not changed:
        return None
    names = _field_names()
    note = _(
        "On-air record amended: %(changes)s",
        changes="; ".join(
            f"{names[f]}: {_shown(f, before.get(f))} → {_shown(f, getattr(record, f))}" for f in changed
        ),
    )
    return perform(
        case, "record_amended", actor, {"call_id": call.id, "changed": changed, "note": note}, system=True
    )
