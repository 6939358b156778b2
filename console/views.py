"""The console's pages: today's and past shows, and the four seats of a live session."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from broadcast.models import AirSession, SessionState, Unit
from console.call_actions import MAX_ON_AIR, state_groups
from console.models import CARD_FIELDS
from core import clock
from core.access import SEATS, may_sit, requires, sits_on_air
from core.extensions import db
from telephony.protocol import LineState

bp = Blueprint("console", __name__)

PAST_SHOWN = 20  # ended shows listed on the home page; older ones are on the plan

# The order the seats count the lines in, busiest first (the strip of static/js/seat.js).
LINE_STRIP_ORDER = (
    LineState.ON_AIR,
    LineState.READY,
    LineState.WITH_PRODUCER,
    LineState.HELD,
    LineState.WAITING,
    LineState.GREETING,
    LineState.RINGING,
    LineState.IDLE,
    LineState.DOWN,
)


@bp.route("/")
@requires()
def home() -> Any:
    if not sits_on_air(current_user):
        # Handlers, reviewers and callback agents work at a desk, not in the studio.
        return redirect(url_for("desks.home"))
    sessions = db.session.scalars(
        select(AirSession)
        .where(or_(AirSession.air_date >= clock.today(), AirSession.state == SessionState.LIVE))
        .order_by(AirSession.air_date, AirSession.start_time)
        .limit(20)
    ).all()
    # Ended shows stay reachable through their summary, latest first.
    past = db.session.scalars(
        select(AirSession)
        .where(AirSession.air_date < clock.today(), AirSession.state == SessionState.ENDED)
        .order_by(AirSession.air_date.desc(), AirSession.start_time.desc())
        .limit(PAST_SHOWN)
    ).all()
    seats = {s.id: [seat for seat in SEATS if may_sit(current_user, seat, s)] for s in sessions}
    return render_template(
        "console/home.html", sessions=sessions, past=past, seats=seats, today=clock.today()
    )


@bp.route("/live/<int:session_id>/<seat>")
@requires()
def seat(session_id: int, seat: str) -> Any:
    session = db.session.get(AirSession, session_id)
    if session is None or seat not in SEATS:
        abort(404)
    if not may_sit(current_user, seat, session):
        abort(403)
    units = db.session.scalars(select(Unit).order_by(Unit.name)).all()
    page = {
        "session_id": session.id,
        "seat": seat,
        "user": current_user.to_json(),
        "max_on_air": MAX_ON_AIR,
        # The lines a show is planned for: a line server holding fewer is warned about.
        "line_count": current_app.config["SIP_LINES"],
        "line_states": LINE_STRIP_ORDER,
        "card_fields": list(CARD_FIELDS),
        "call_states": state_groups(),
        "units": [{"id": u.id, "name": u.name, "sections": [s.to_json() for s in u.sections]} for u in units],
        "web_channel_url": url_for("webchannel.submit", token=session.web_token, _external=True),
        "seats": {
            s: url_for("console.seat", session_id=session.id, seat=s)
            for s in SEATS
            if may_sit(current_user, s, session)
        },
    }
    return render_template(f"console/{seat}.html", session=session, page=page)
