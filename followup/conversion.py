"""Turning what was not settled on air into cases.

At the end of a show every call that needs it becomes a case; a producer, clerk or the office can
also convert one call at any time. A call left for after the show, a call with an on-air
commitment, and a listener's registered matter that never went on air (phone or web) each become
one case, numbered per programme and year (2026-0042). Converting twice creates nothing twice: a
call has at most one case. A matter that looks like an open case of the same caller is held as a
possible duplicate for the office to merge or keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from flask_babel import gettext as _
from sqlalchemy import func, select

from broadcast.models import AirSession
from console.models import Call, Outcome
from console.summary import needs_followup
from core import clock
from core.accounts import User
from core.api import ApiError
from core.extensions import db
from core.text import words
from followup.models import OPEN_STATES, Case, CaseState
from followup.workflow import one_transaction, perform

SIMILAR_WORDS = 0.5  # share of the subjects' words in common (Jaccard)
SIMILAR_TEXT = 0.6  # difflib ratio, for subjects too short to have many words


@dataclass
class Converted:
    created: list[Case] = field(default_factory=list)
    duplicates: list[Case] = field(default_factory=list)
    already: int = 0


def wants_case(call: Call) -> bool:
    outcome = call.air_record.outcome if call.air_record else None
    return needs_followup(call) or outcome == Outcome.COMMITMENT


def convert_session(session: AirSession, actor: User | None) -> Converted:
    """Every call of the show that wants a case and has none becomes one, in one transaction."""
    result = Converted()
    calls = db.session.scalars(select(Call).where(Call.session_id == session.id).order_by(Call.id)).all()
    with one_transaction():
        for call in calls:
            if not wants_case(call):
                continue
            if _case_of(call) is not None:
                result.already += 1
                continue
            case = _make_case(call, actor)
            (result.duplicates if case.state == CaseState.DUPLICATE else result.created).append(case)
    return result


def convert_call(call: Call, actor: User | None) -> Case:
    if _case_of(call) is not None:
        raise ApiError(409, "already_a_case", _("This call is already a case."))
    if not (call.subject or call.details):
        raise ApiError(422, "empty_matter", _("Write down the caller's matter before making it a case."))
    return _make_case(call, actor)


def _case_of(call: Call) -> Case | None:
    return db.session.scalar(select(Case).where(Case.call_id == call.id))


def _make_case(call: Call, actor: User | None) -> Case:
    """The call's words copied into a new case, made by the workflow's ``created`` action."""
    session = call.session
    record = call.air_record
    unit_id = call.unit_id or session.unit_id
    year = clock.today().year
    case = Case(
        programme_id=session.programme_id,
        year=year,
        seq=_next_seq(session.programme_id, year),
        call=call,
        session_id=session.id,
        unit_id=unit_id,
        first_unit_id=unit_id,
        section_id=call.section_id if call.unit_id in (None, unit_id) else None,
        caller_name=call.caller_name,
        district=call.district,
        contact_number=call.contact_number or call.caller_number or "",
        address=call.address,
        anonymous=call.anonymous,
        consent_publish=call.consent_publish,
        category=call.category,
        urgency=call.urgency,
        subject=call.subject,
        details=call.details,
        on_air_answer=record.answer if record else "",
        commitment_what=record.commitment_what if record and record.outcome == Outcome.COMMITMENT else "",
        commitment_due=record.commitment_due if record and record.outcome == Outcome.COMMITMENT else None,
        commitment_how=record.commitment_how if record and record.outcome == Outcome.COMMITMENT else "",
        received_on=clock.today(),
        callbacks=[],
    )
    case.number = f"{year}-{case.seq:04d}"
    case.duplicate_of = likely_duplicate(case)
    note = _("Possible duplicate of %(number)s", number=case.duplicate_of.number) if case.duplicate_of else ""
    return perform(case, "created", actor, {"call_id": call.id, "note": note}, system=True)


def _next_seq(programme_id: int, year: int) -> int:
    db.session.flush()
    last = db.session.scalar(
        select(func.max(Case.seq)).where(Case.programme_id == programme_id, Case.year == year)
    )
    return (last or 0) + 1


def likely_duplicate(case: Case) -> Case | None:
    """An open case of the same caller about a similar matter."""
    if not case.contact_number:
        return None
    candidates = db.session.scalars(
        select(Case).where(
            Case.contact_number == case.contact_number,
            Case.state.in_(OPEN_STATES - {CaseState.DUPLICATE}),
            Case.id != case.id if case.id else True,
        )
    )
    return next((other for other in candidates if similar(case.subject, other.subject)), None)


def similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    wa, wb = words(a), words(b)
    if wa and wb and len(wa & wb) / len(wa | wb) >= SIMILAR_WORDS:
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_TEXT
