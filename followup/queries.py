"""Which cases a person may see, and the desks' filters over them. The list API, the Excel
export and the scores all start from ``visible_cases``, so a unit's people never reach another
unit's case through any of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from core import clock
from core.accounts import STAFF_ROLES, UNIT_ROLES, User
from core.api import parse
from core.extensions import db
from core.matter import Category
from followup.deadlines import DeadlinePolicy
from followup.models import OPEN_STATES, UNANSWERED_STATES, Case, CaseAssist, CaseState, DeadlinePolicyRecord


class CaseFilter(BaseModel):
    """The filters of the case lists (query string), shared by the desks and the export."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    unit_id: int | None = None
    state: list[CaseState] = Field(default_factory=list)
    category: Category | None = None
    due: str | None = Field(default=None, pattern="^(overdue|due_soon|due_today|open|closed)$")
    session_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = Field(default="", max_length=100)
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)


def visible_cases(user: User) -> Select[tuple[Case]]:
    query = select(Case)
    if user.role in UNIT_ROLES:
        if user.unit_id is None:
            return query.where(false())
        assisted = select(CaseAssist.case_id).where(CaseAssist.unit_id == user.unit_id)
        return query.where(or_(Case.unit_id == user.unit_id, Case.id.in_(assisted)))
    if user.role in STAFF_ROLES:
        return query
    return query.where(false())


def with_row_data(query: Select[tuple[Case]]) -> Select[tuple[Case]]:
    """Load what a list row shows (followup.serialize.case_row, the export) in a few queries for
    the whole list, not a few for every case."""
    return query.options(
        selectinload(Case.unit),
        selectinload(Case.section),
        selectinload(Case.assisting).selectinload(CaseAssist.unit),
        selectinload(Case.duplicate_of),
        selectinload(Case.extensions),
        selectinload(Case.notices),
        selectinload(Case.commitment_reports),
    )


def apply_filter(query: Select[tuple[Case]], f: CaseFilter, today: date | None = None) -> Select[tuple[Case]]:
    today = today or clock.today()
    if f.unit_id is not None:
        query = query.where(Case.unit_id == f.unit_id)
    if f.state:
        query = query.where(Case.state.in_(f.state))
    if f.category is not None:
        query = query.where(Case.category == f.category)
    if f.session_id is not None:
        query = query.where(Case.session_id == f.session_id)
    if f.received_from is not None:
        query = query.where(Case.received_on >= f.received_from)
    if f.received_to is not None:
        query = query.where(Case.received_on <= f.received_to)
    if f.q:
        like = f"%{f.q}%"
        query = query.where(or_(Case.number.like(like), Case.subject.like(like), Case.details.like(like)))
    # A deadline filter finds a case by the policy's deadline or by its open on-air commitment's.
    waiting = Case.state.in_(UNANSWERED_STATES)
    promised = and_(
        Case.state.in_(OPEN_STATES),
        Case.commitment_what != "",
        Case.commitment_due.is_not(None),
        Case.commitment_fulfilled_on.is_(None),
    )
    if f.due == "overdue":
        query = query.where(
            or_(and_(waiting, Case.due_on < today), and_(promised, Case.commitment_due < today))
        )
    elif f.due == "due_today":
        query = query.where(
            or_(and_(waiting, Case.due_on == today), and_(promised, Case.commitment_due == today))
        )
    elif f.due == "due_soon":
        query = query.where(
            or_(
                and_(waiting, Case.due_on >= today, _due_soon(today, Case.due_on)),
                and_(promised, Case.commitment_due >= today, _due_soon(today, Case.commitment_due)),
            )
        )
    elif f.due == "open":
        query = query.where(Case.state.in_(OPEN_STATES))
    elif f.due == "closed":
        query = query.where(Case.state.not_in(OPEN_STATES))
    return query.order_by(Case.due_on, Case.id)


def _due_soon(today: date, due: InstrumentedAttribute[date]) -> ColumnElement[bool]:
    """``due`` (a date column) within the programme's own due-soon days, as the deadline badges
    count it."""
    default = today + timedelta(days=DeadlinePolicy().due_soon_days)
    own = {
        record.programme_id: today + timedelta(days=DeadlinePolicy.model_validate(record.rules).due_soon_days)
        for record in db.session.scalars(select(DeadlinePolicyRecord))
    }
    if not own:
        return due <= default
    return or_(
        *(and_(Case.programme_id == pid, due <= soon) for pid, soon in own.items()),
        and_(Case.programme_id.not_in(own), due <= default),
    )


def filter_from_args(args: Any) -> CaseFilter:
    """A CaseFilter from a query string (``state`` may repeat or be comma-separated)."""
    data = {key: args.get(key) for key in args if key != "state"}
    states = [s for value in args.getlist("state") for s in value.split(",") if s]
    return parse(CaseFilter, {k: v for k, v in data.items() if v not in ("", None)} | {"state": states})
