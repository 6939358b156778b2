"""The planning pages for the oversight office: programmes, units and the schedule with its import
(/plan), one unit's editor (/plan/units/<id>) and one session's editor (/plan/sessions/<id>).

Each page is a server-rendered shell with its first data embedded as JSON; the page's script then
edits through the planning JSON API (broadcast/api.py, its own blueprint).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template

from broadcast import api
from broadcast.models import AirSession, ContactRole, MaterialKind, Unit
from core.access import SEATS, Permission, requires  # SEATS: the live seats a session links to
from core.extensions import db
from core.labels import choices

bp = Blueprint("broadcast", __name__)

PLANNER = requires(Permission.PLAN)
# The schedule opens on recent and coming sessions; the filter reaches the rest.
RECENT = timedelta(days=30)


def station_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


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
    return render_template("broadcast/plan.html", data=data)


@bp.get("/plan/units/<int:unit_id>")
@PLANNER
def unit_page(unit_id: int) -> str:
    unit = db.get_or_404(Unit, unit_id)
    data = {
        "unit": unit.to_json(),
        "sessions": api.sessions_json(api.SessionQuery(unit_id=unit.id)),
    }
    return render_template("broadcast/unit.html", unit=unit, data=data, contact_roles=choices(ContactRole))


@bp.get("/plan/sessions/<int:session_id>")
@PLANNER
def session_page(session_id: int) -> str:
    session = db.get_or_404(AirSession, session_id)
    data = {"session": api.plan_json(session), "units": api.units_json(), "seats": SEATS}
    return render_template(
        "broadcast/session.html", session=session, data=data, material_kinds=choices(MaterialKind)
    )

