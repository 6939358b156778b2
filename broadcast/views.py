"""The planning pages for the oversight office: programmes, units and the schedule with its import
(/plan), one unit's editor (/plan/units/<id>) and one session's editor (/plan/sessions/<id>).

Each page is a server-rendered shell with its first data embedded as JSON; the page's script then
edits through the planning JSON API (broadcast/api.py), whose routes live on this blueprint too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template

from broadcast.models import (
    CONTACT_ROLE_LABELS,
    MATERIAL_KIND_LABELS,
    AirSession,
    Unit,
)
from console.realtime import SEATS  # the live seats a session links to (/live/<id>/<seat>)
from core.access import Permission, requires
from core.extensions import db

bp = Blueprint("broadcast", __name__)

PLANNER = requires(Permission.PLAN)
# The schedule opens on recent and coming sessions; the filter reaches the rest.
RECENT = timedelta(days=30)


def station_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _page(template: str, **context: Any) -> str:
    labels = {**CONTACT_ROLE_LABELS, **MATERIAL_KIND_LABELS}
    return render_template(
        template,
        contact_roles=[(role.value, label) for role, label in CONTACT_ROLE_LABELS.items()],
        material_kinds=[(kind.value, label) for kind, label in MATERIAL_KIND_LABELS.items()],
        # For the scripts, keyed as Hotline.label() looks them up: "ContactRole.chief".
        enum_labels={f"{type(key).__name__}.{key.value}": str(label) for key, label in labels.items()},
        **context,
    )


@bp.get("/plan")
@PLANNER
def plan() -> str:
    since = station_today() - RECENT
    data = {
        "seats": SEATS,
        "programmes": api.programmes_json(),
        "units": api.units_json(),
        "sessions": api.sessions_json(api.SessionQuery.model_validate({"from": since})),
        "since": since.isoformat(),
    }
    return _page("broadcast/plan.html", data=data)


@bp.get("/plan/units/<int:unit_id>")
@PLANNER
def unit_page(unit_id: int) -> str:
    unit = db.get_or_404(Unit, unit_id)
    data = {
        "unit": unit.to_json(),
        "sessions": api.sessions_json(api.SessionQuery(unit_id=unit.id)),
    }
    return _page("broadcast/unit.html", unit=unit, data=data)


@bp.get("/plan/sessions/<int:session_id>")
@PLANNER
def session_page(session_id: int) -> str:
    session = db.get_or_404(AirSession, session_id)
    data = {"session": api.plan_json(session), "units": api.units_json(), "seats": SEATS}
    return _page("broadcast/session.html", session=session, data=data)


# Registers the planning API's routes on ``bp``; imported last because it needs ``bp``.
from broadcast import api  # noqa: E402
