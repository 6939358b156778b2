"""The follow-up desks: the unit's desk (its own cases in work queues), the oversight office's desk
(all units, filters, bulk reminders, extension decisions, reassignment of returns, duplicates),
the deadline-policy editor and the Excel export of a filtered list.

The pages are shells with their first data embedded as JSON; their scripts read and act through
the case API (followup/api.py), so every change still goes through ``workflow.perform``. The only
JSON added here is the list of extension requests across cases, for the office's panel.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Blueprint, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from broadcast.models import AirSession, Programme, Unit
from core import clock
from core.access import Permission, may, requires
from core.accounts import Role
from core.api import listing, parse
from core.extensions import db
from core.labels import choices, label
from core.matter import Category, Urgency
from followup import export
from followup.deadlines import PRESET_12345, DayCount, DeadlinePolicy, DeadlineRule, due_date
from followup.models import Case, CaseState, Extension, ExtensionState, NoticeKind
from followup.queries import apply_filter, filter_from_args, visible_cases, with_row_data
from followup.serialize import case_row, extension_json

bp = Blueprint("desks", __name__)

EXAMPLE_SUNDAY = date(2026, 3, 8)  # a Sunday of a year the holiday calendar knows
RECENT_SESSIONS = 200  # the session filter reaches this far back

# Where /followup sends a person: the first desk of these the person may use.
HOMES = (
    (Permission.OVERSIGHT_DESK, "/followup/oversight"),
    (Permission.UNIT_DESK, "/followup/unit"),
    (Permission.CALLBACKS, "/followup/callbacks"),
)


@bp.get("/followup")
@requires()
def home() -> Any:
    return redirect(next((path for permission, path in HOMES if may(current_user, permission)), "/"))


@bp.get("/followup/unit")
@requires(Permission.UNIT_DESK)
def unit_desk() -> str:
    unit = db.session.get(Unit, current_user.unit_id) if current_user.unit_id else None
    data = {
        "unit": unit.name if unit else "",
        "reviewer": current_user.role == Role.UNIT_REVIEWER,
        "today": clock.today().isoformat(),
    }
    return render_template("followup/unit.html", data=data, unit=unit, strings=table_strings())


@bp.get("/followup/oversight")
# Producers, hosts and clerks look at the office's desk to follow up their shows; they act on none.
@requires(Permission.OVERSIGHT_DESK)
def oversight_desk() -> str:
    data = {
        "units": [_unit_json(u) for u in db.session.scalars(select(Unit).order_by(Unit.name))],
        "sessions": _sessions_json(),
        "states": choices(CaseState),
        "categories": choices(Category),
        "notice_kinds": choices(NoticeKind),
        "manage": may(current_user, Permission.MANAGE_CASES),
        "today": clock.today().isoformat(),
    }
    return render_template("followup/oversight.html", data=data, strings=table_strings())


@bp.get("/followup/policy")
@requires(Permission.MANAGE_CASES)
def policy_page() -> str:
    programmes = db.session.scalars(select(Programme).order_by(Programme.id))
    data = {
        "programmes": [{"id": p.id, "name": p.name} for p in programmes],
        "preset_12345": PRESET_12345.model_dump(mode="json"),
        "defaults": DeadlinePolicy().model_dump(mode="json"),
        "categories": choices(Category),
        "urgencies": choices(Urgency),
        "counts": [
            {"value": DayCount.CALENDAR.value, "label": _("calendar days")},
            {"value": DayCount.WORKING.value, "label": _("working days")},
        ],
    }
    return render_template("followup/policy.html", data=data, example=_counting_example())


def _counting_example() -> dict[str, str]:
    """The counting rule shown on a worked example, computed, so the words never drift from the code."""
    received = EXAMPLE_SUNDAY
    return {
        "received": received.isoformat(),
        "calendar": due_date(received, DeadlineRule(days=15)).on.isoformat(),
        "working": due_date(received, DeadlineRule(days=5, count=DayCount.WORKING)).on.isoformat(),
    }


class _ExtensionQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    state: ExtensionState = ExtensionState.PENDING


@bp.get("/api/extensions")
@requires(Permission.MANAGE_CASES)
def extensions() -> Any:
    """Extension requests across all cases (pending by default, oldest first), each with its case's
    row, for the office's panel of decisions to take."""
    state = parse(_ExtensionQuery, request.args.to_dict()).state
    rows = db.session.execute(
        select(Extension, Case)
        .join(Case, Extension.case_id == Case.id)
        .where(Extension.state == state)
        .order_by(Extension.requested_at, Extension.id)
    )
    today = clock.today()
    return listing([extension_json(e) | {"case": case_row(c, today)} for e, c in rows])


@bp.get("/followup/cases.xlsx")
@requires()
def export_cases() -> Any:
    """The filtered case list as a register a Chinese office files and prints; the same filters as
    GET /api/cases, every matching case (no paging), only the cases the person may see."""
    f = filter_from_args(request.args)
    cases = list(db.session.scalars(with_row_data(apply_filter(visible_cases(current_user), f))))
    now = datetime.now(clock.zone())
    content = export.workbook(cases, describe_filter(f), now)
    day = now.date().isoformat()
    name = f"{_('Follow-up cases').replace(' ', '-')}_{day}.xlsx"
    response = send_file(content, mimetype=export.XLSX, as_attachment=True, download_name=name)
    # RFC 5987/6266: the name in UTF-8 for today's browsers, a readable ASCII one for the rest
    # (send_file's own fallback would strip a Chinese name down to "_2026-11-23.xlsx").
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"cases_{day}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def table_strings() -> dict[str, str]:
    """The case table's words, shared by both desks' scripts (window.I18N)."""
    return {
        "desk.col.number": _("Case number"),
        "desk.col.subject": _("Subject"),
        "desk.col.unit": _("Handling unit"),
        "desk.col.category": _("Category"),
        "desk.col.received": _("Received"),
        "desk.col.due": _("Due"),
        "desk.col.state": _("State"),
        "desk.col.notices": _("Notices"),
        "desk.col.extension": _("Extension"),
        "desk.unseen": _("Reminders and notices not yet seen by the unit"),
        "desk.extension_pending": _("Requested"),
        "desk.anonymous": _("Anonymous"),
        "desk.redo_count": _("Redone"),
        "desk.commitment": _("On-air commitment"),
        "desk.assisting": _("Assisting; led by {unit}"),
        "desk.select_all": _("Select all"),
    }


def describe_filter(f: Any) -> str:
    """The filters in words, for the line under the export's title."""
    parts = []
    if f.unit_id is not None:
        unit = db.session.get(Unit, f.unit_id)
        parts.append(_("Unit: %(name)s", name=unit.name if unit else f.unit_id))
    if f.state:
        parts.append(_("State: %(states)s", states="、".join(label(s) for s in f.state)))
    if f.category is not None:
        parts.append(_("Category: %(category)s", category=label(f.category)))
    if f.due:
        parts.append(_("Deadline: %(due)s", due=_due_labels()[f.due]))
    if f.session_id is not None:
        session = db.session.get(AirSession, f.session_id)
        parts.append(_("Session: %(session)s", session=_session_label(session) if session else f.session_id))
    if f.received_from or f.received_to:
        parts.append(
            _(
                "Received: %(start)s – %(end)s",
                start=f.received_from.isoformat() if f.received_from else "…",
                end=f.received_to.isoformat() if f.received_to else "…",
            )
        )
    if f.q:
        parts.append(_("Text: %(q)s", q=f.q))
    return "; ".join(parts) if parts else _("All cases")


def _due_labels() -> dict[str, str]:
    # Built per call: the words follow the person's language.
    return {
        "overdue": _("Overdue"),
        "due_soon": _("Due soon"),
        "due_today": _("Due today"),
        "open": _("Open"),
        "closed": _("Closed"),
    }


def _unit_json(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "sections": [{"id": s.id, "name": s.name} for s in unit.sections],
    }


def _session_label(session: AirSession) -> str:
    topic = f" {session.topic}" if session.topic else ""
    return f"{session.air_date.isoformat()} {session.unit.name}{topic}"


def _sessions_json() -> list[dict[str, Any]]:
    """Recent sessions, newest first, for the session filter."""
    sessions = db.session.scalars(
        select(AirSession)
        .order_by(AirSession.air_date.desc(), AirSession.start_time.desc())
        .limit(RECENT_SESSIONS)
    )
    return [{"id": s.id, "label": _session_label(s)} for s in sessions]
