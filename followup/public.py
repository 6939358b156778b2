"""The public page of answered cases, and the editors' picker for the newspaper column.

A case is published only when ``followup.workflow.published`` says so: the citizen has the unit's
answer, consented to publication, the case is not an internal bulletin (内参), and an editor
approved its public text for the reply the citizen was given (followup.publication). The SQL below
says the same, and every row is checked again with ``published`` before it is shown, so a case
marked internal never reaches the public, whatever the query.

What is shown is built field by field in ``public_item`` (never from the case's JSON): the case
number, unit, category, the dates, the editor's approved subject, question and reply, and the
citizen masked (张**, 138****5678). Never the unit's reply as written, no address, notes,
callbacks or history.

The column picker (seed 000: the paper prints 2 to 5 items an issue) is for the station's editors:
the oversight office, producers and administrators, the roles that may take ``column_pick``. Its
script picks through the case API, so each pick goes through ``workflow.perform``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from broadcast.models import Programme, Unit
from core import clock
from core.access import Permission, requires
from core.extensions import db
from core.labels import label
from core.text import mask_number, mask_person
from followup.models import ANSWERED_STATES, Case, Publication, Reply
from followup.publication import approved_text
from followup.workflow import publishable, published

bp = Blueprint("public", __name__)

PER_PAGE = 20
MAX_QUERY = 100
COLUMN_MIN, COLUMN_MAX = 2, 5  # items in one issue of the column (seed 000)
CANDIDATES_SHOWN = 200  # the picker lists the latest answers; the filters reach older ones
INTERNAL_SHOWN = 50
ANONYMOUS = _l("Anonymous")


# --- what may be published, and how it looks ---------------------------------------------------
def publishable_sql() -> ColumnElement[bool]:
    """``workflow.publishable`` as a WHERE clause."""
    return and_(Case.state.in_(ANSWERED_STATES), Case.consent_publish.is_(True), Case.internal.is_(False))


def _published_sql() -> ColumnElement[bool]:
    """``workflow.published`` as a WHERE clause: the approval stands for the latest approved reply."""
    given = (
        select(func.max(Reply.id))
        .where(Reply.case_id == Case.id, Reply.approved.is_(True))
        .correlate(Case)
        .scalar_subquery()
    )
    approved = (
        exists()
        .where(
            Publication.case_id == Case.id,
            Publication.approved_at.is_not(None),
            Publication.reply_id == given,
        )
        .correlate(Case)
    )
    return and_(publishable_sql(), approved)


def mask_name(name: str, anonymous: bool) -> str:
    """The surname and two stars whatever the length (张**), so the length says nothing either."""
    if anonymous or not name.strip():
        return str(ANONYMOUS)
    return mask_person(name)


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = clock.local_date(value) if isinstance(value, datetime) else value
    return format_date(day, "medium")


def public_item(case: Case) -> dict[str, Any]:
    """Everything the public may read about one case, and nothing more: the text is the editor's."""
    text = approved_text(case)
    return {
        "number": case.number,
        "unit": case.unit.name,
        "category": label(case.category),
        "received_on": day_text(case.received_on),
        "citizen": mask_name(case.caller_name, case.anonymous),
        "phone": "" if case.anonymous else mask_number(case.contact_number),
        "subject": text.subject if text else "",
        "details": text.question if text else "",
        "reply": text.reply if text else "",
        "answered_on": day_text(case.answered_at),
    }


# --- the filters ---------------------------------------------------------------------------------
def _filters() -> tuple[int | None, str, int]:
    """unit, free text and page from the query string; nonsense is ignored, not an error page."""
    unit_id = request.args.get("unit", type=int)
    q = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return unit_id, q, page


def _filtered(
    query: Select[tuple[Case]], unit_id: int | None, q: str, *, public: bool = False
) -> Select[tuple[Case]]:
    if unit_id is not None:
        query = query.where(Case.unit_id == unit_id)
    if q:
        # Only what the page shows is searched: never the citizen's name or number, and on the
        # public page never the text as written, which would tell whether a masked name is there.
        text = (
            exists().where(
                Publication.case_id == Case.id,
                or_(
                    Publication.subject.contains(q, autoescape=True),
                    Publication.question.contains(q, autoescape=True),
                ),
            )
            if public
            else or_(Case.subject.contains(q, autoescape=True), Case.details.contains(q, autoescape=True))
        )
        query = query.where(or_(Case.number.contains(q, autoescape=True), text))
    return query


def newest_first(query: Select[tuple[Case]]) -> Select[tuple[Case]]:
    return query.order_by(Case.answered_at.desc(), Case.id.desc())


def _units_with_answers() -> list[Unit]:
    with_answers = select(Case.unit_id).where(_published_sql())
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(with_answers)).order_by(Unit.name)))


def _programme() -> Programme | None:
    """The programme named in the page's header, when the station runs just one."""
    programmes = list(db.session.scalars(select(Programme).order_by(Programme.id).limit(2)))
    return programmes[0] if len(programmes) == 1 else None


# --- the public page -----------------------------------------------------------------------------
@bp.get("/public/answers")
def answers() -> str:
    unit_id, q, page = _filters()
    query = _filtered(select(Case).where(_published_sql()), unit_id, q, public=True)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    rows = db.session.scalars(newest_first(query).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    items = [public_item(case) for case in rows if published(case)]
    return render_template(
        "followup/public_answers.html",
        items=items,
        total=total,
        page=page,
        pages=pages,
        unit_id=unit_id,
        q=q,
        units=_units_with_answers(),
        programme=_programme(),
    )


# --- the column picker ---------------------------------------------------------------------------
def column_item(case: Case) -> dict[str, Any]:
    """A public item plus what the picker needs to pick it."""
    return public_item(case) | {
        "id": case.id,
        "picked": case.column_pick,
        "version": case.version,
        "state": label(case.state),
        "publishable": published(case),
        "why_not": "" if published(case) else why_not(case),
        "answered_at": case.answered_at.isoformat() if case.answered_at else "",  # the picks' order
    }


def why_not(case: Case) -> str:
    """Why a picked case left the printed list."""
    if case.internal:
        return _("Marked internal (内参)")
    if not case.consent_publish:
        return _("The citizen did not consent to publication")
    if publishable(case):
        return _("The public text awaits the editor's approval")
    return _("Now: %(state)s", state=label(case.state))


@bp.get("/followup/column")
@requires(Permission.COLUMN)
def column() -> str:
    unit_id, q, _page = _filters()
    picked = db.session.scalars(newest_first(select(Case).where(Case.column_pick.is_(True))))
    picks = [column_item(c) for c in picked]
    candidates_query = _filtered(select(Case).where(_published_sql()), unit_id, q)
    candidates = [
        column_item(c)
        for c in db.session.scalars(newest_first(candidates_query).limit(CANDIDATES_SHOWN))
        if published(c)
    ]
    candidates_total = db.session.scalar(select(func.count()).select_from(candidates_query.subquery())) or 0
    internal = list(
        db.session.scalars(
            newest_first(
                _filtered(
                    select(Case).where(Case.state.in_(ANSWERED_STATES), Case.internal.is_(True)), unit_id, q
                )
            ).limit(INTERNAL_SHOWN)
        )
    )
    not_consented = (
        db.session.scalar(
            select(func.count()).where(
                Case.state.in_(ANSWERED_STATES), Case.internal.is_(False), Case.consent_publish.is_(False)
            )
        )
        or 0
    )
    awaiting_review = db.session.scalar(select(func.count()).where(publishable_sql(), ~_published_sql())) or 0
    data = {
        # Picks that stopped being publishable (sent back to redo, marked internal) are listed
        # apart so that the editor unpicks them; they never reach the printed list.
        "picks": [p for p in picks if p["publishable"]],
        "stale_picks": [p for p in picks if not p["publishable"]],
        "candidates": candidates,
        "candidates_total": candidates_total,
        "min": COLUMN_MIN,
        "max": COLUMN_MAX,
    }
    return render_template(
        "followup/column.html",
        data=data,
        internal=[public_item(c) | {"subject": c.subject, "state": label(c.state)} for c in internal],
        not_consented=not_consented,
        awaiting_review=awaiting_review,
        units=_units_with_answers(),
        unit_id=unit_id,
        q=q,
        shown=CANDIDATES_SHOWN,
    )
