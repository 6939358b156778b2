"""The printable summary page of one show: its figures (computed now while it runs, the frozen
ones once it has ended), the guests with the head of the unit's attendance, and every call with
what was answered or promised on air."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from broadcast.models import AirSession
from console.models import Call, Channel
from console.summary import session_summary
from core.access import Permission, requires
from core.extensions import db

bp = Blueprint("summary_page", __name__)


@bp.get("/live/<int:session_id>/summary")
@requires(Permission.SUMMARIES)
def summary(session_id: int) -> Any:
    session = db.session.get(AirSession, session_id)
    if session is None:
        abort(404)
    calls = db.session.scalars(
        select(Call)
        .where(Call.session_id == session.id)
        .options(selectinload(Call.air_record))
        .order_by(Call.arrived_at, Call.id)
    ).all()
    figures = session.summary or session_summary(session)
    return render_template(
        "console/summary.html",
        show=session,
        figures=figures,
        # The figures are plain JSON once frozen: the channels come back as their names.
        by_channel={Channel(name): count for name, count in figures["by_channel"].items()},
        frozen=session.summary is not None,
        calls=calls,
    )
