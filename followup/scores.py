"""Each unit's hotline scores for a period, computed from the data only (seed 002: on-time
participation, head-of-unit attendance, resolution rate, satisfaction with handling and with the
answers given on air), and the ranking the oversight office publishes.

Every measure is a count over a count, kept as both, so a page can show "12 / 15" beside the
percentage and anyone can check it. What each counts (all dates are station-local):

- on-time participation (按时上线): the unit's sessions with an air date in the period and not after
  today, that went live on their air date no later than the slot's start (station time) plus the
  programme's ``on_time_tolerance_minutes``. A session today that has not gone live yet is still to
  come and is not counted.
- head-of-unit attendance (一把手上线率): of the unit's sessions held in the period, those with the
  head of the unit (is_head) present.
- resolution rate (诉求办结率): of the unit's cases received in the period, those settled. Merged
  cases, possible duplicates not yet decided and cases returned to the office for reassignment are
  not the unit's and are left out.
- on-time resolution rate: settled cases answered on or before their due date, over settled cases
  plus cases already overdue today that the citizen still has no answer to. A case not yet due
  counts neither way; one answered but waiting for its callback counts once it is settled.
- satisfaction with handling (办理满意率): of those cases whose latest result callback gave a
  satisfaction, the satisfied and basically satisfied. The callback row is read rather than the
  case's own field: sending a case back to be redone clears the case's, and an unsatisfied citizen
  must count against the unit until a new answer satisfies them.
- satisfaction with on-air answers (现场答复满意率): of the aired calls of the unit's sessions in
  the period whose satisfaction was recorded (by the producer when the caller is back after air,
  or by the clerk), the satisfied and basically satisfied.

Beside them, not weighed in the composite (seed 002 names no weight for them), the on-air
commitments of those cases that have a date: how many are due soon (or today) and how many overdue
today, not kept; and commitments kept on time: kept on or before their date, over those kept plus
those overdue today and not kept (as the on-time resolution rate counts).

The composite (0–100) weighs them 10, 10, 25, 25, 20, 10; a measure without data (nothing to count)
gives its weight to the others in proportion. A unit with fewer cases than ``min_cases`` in the
period is listed, not ranked. Units with equal composite (to one decimal, as shown) share a rank.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from broadcast.models import AirSession, SessionState, Unit
from console.models import AirRecord, Call
from core import clock
from core.extensions import db
from core.matter import Satisfaction
from followup.deadlines import DeadlineStatus
from followup.models import (
    NOT_THE_UNITS,
    UNIT_OWES,
    Callback,
    CallbackKind,
    Case,
    CaseState,
    Notice,
    NoticeKind,
)
from followup.policy import policy_for
from followup.serialize import commitment_deadline

DEFAULT_MIN_CASES = 3

# Measure keys in the order the page shows them, with their weight in the composite.
WEIGHTS: dict[str, int] = {
    "participation": 10,
    "head": 10,
    "resolution": 25,
    "on_time_resolution": 25,
    "handling_satisfaction": 20,
    "on_air_satisfaction": 10,
}
# Cases that are not (or no longer) the unit's to handle.
HELD = frozenset({SessionState.LIVE, SessionState.ENDED})
CONTENT = frozenset({Satisfaction.SATISFIED, Satisfaction.BASIC})
SOON = frozenset({DeadlineStatus.DUE_SOON, DeadlineStatus.DUE_TODAY})


@dataclass(frozen=True)
class Measure:
    key: str
    numerator: int
    denominator: int
    weight: int

    @property
    def rate(self) -> float | None:
        """0–1, or None when there is nothing to count (shown as "—")."""
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    unit_name: str
    measures: dict[str, Measure]
    short_name: str = ""
    cases: int = 0
    settled: int = 0
    overdue_open: int = 0
    redone: int = 0
    no_contact: int = 0  # cases where the citizen said nobody contacted them
    supervision_notices: int = 0
    handling_satisfaction: dict[str, int] = field(default_factory=dict)  # satisfied/basic/unsatisfied
    on_air_satisfaction: dict[str, int] = field(default_factory=dict)
    commitments_due_soon: int = 0  # on-air commitments due soon or today, not kept
    commitments_overdue: int = 0  # past their date, not kept
    commitments_kept_on_time: Measure = Measure("commitments_kept_on_time", 0, 0, 0)  # not weighed
    enough_cases: bool = True  # at least the minimum number of cases to be ranked
    rank: int | None = None  # set by ranking(); None: not ranked

    @property
    def composite(self) -> float | None:
        """0–100, weights of measures without data shared out over the others; one decimal."""
        present = [m for m in self.measures.values() if m.rate is not None]
        total = sum(m.weight for m in present)
        if not total:
            return None
        return round(100 * sum(m.weight * (m.rate or 0) for m in present) / total, 1)

    @property
    def effective_weights(self) -> dict[str, float]:
        """Each measure's share of the composite after redistribution (0 for a measure without data)."""
        total = sum(m.weight for m in self.measures.values() if m.rate is not None)
        return {
            key: (round(100 * m.weight / total, 2) if total and m.rate is not None else 0.0)
            for key, m in self.measures.items()
        }


@dataclass(frozen=True)
class Ranking:
    ranked: list[UnitScore]
    unranked: list[UnitScore]
    min_cases: int


def unit_scores(
    start: date, end: date, today: date | None = None, min_cases: int = DEFAULT_MIN_CASES
) -> list[UnitScore]:
    """The scores of every unit that had a session or a case in [start, end], by unit name.
    ``min_cases`` only decides ``enough_cases``; it changes none of the figures."""
    today = today or clock.today()
    sessions = _sessions(start, min(end, today))
    cases = _cases(start, end)
    on_air = _on_air_satisfaction(start, min(end, today))
    notices = _supervision_notices(start, end)
    unit_ids = {s.unit_id for s in sessions} | {c.unit_id for c in cases}
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all() if unit_ids else []
    by_unit_sessions: dict[int, list[AirSession]] = defaultdict(list)
    for session in sessions:
        by_unit_sessions[session.unit_id].append(session)
    by_unit_cases: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_unit_cases[case.unit_id].append(case)
    scores = [
        _score(
            unit,
            by_unit_sessions[unit.id],
            by_unit_cases[unit.id],
            on_air.get(unit.id, Counter()),
            notices.get(unit.id, 0),
            today,
            min_cases,
        )
        for unit in units
    ]
    return sorted(scores, key=lambda s: s.unit_name)


def ranking(start: date, end: date, today: date | None = None, min_cases: int = DEFAULT_MIN_CASES) -> Ranking:
    """Units with at least ``min_cases`` cases, best composite first, equal composites sharing a
    rank (1, 1, 3); the others after them, unranked, most cases first."""
    scores = unit_scores(start, end, today, min_cases)
    eligible = [s for s in scores if s.enough_cases and s.composite is not None]
    others = [s for s in scores if not (s.enough_cases and s.composite is not None)]
    eligible.sort(key=lambda s: (-(s.composite or 0), s.unit_name))
    ranked: list[UnitScore] = []
    for position, score in enumerate(eligible, start=1):
        tied = ranked and ranked[-1].composite == score.composite
        ranked.append(replace(score, rank=ranked[-1].rank if tied else position))
    others.sort(key=lambda s: (-s.cases, s.unit_name))
    return Ranking(ranked=ranked, unranked=others, min_cases=min_cases)


# --- reading the data ---------------------------------------------------------------------------
def _sessions(start: date, end: date) -> list[AirSession]:
    if end < start:
        return []
    query = (
        select(AirSession)
        .where(AirSession.air_date >= start, AirSession.air_date <= end)
        .options(selectinload(AirSession.guests))
    )
    return list(db.session.scalars(query))


def _cases(start: date, end: date) -> list[Case]:
    query = (
        select(Case)
        .where(Case.received_on >= start, Case.received_on <= end, Case.state.not_in(NOT_THE_UNITS))
        .options(selectinload(Case.callbacks))
    )
    return list(db.session.scalars(query))


def _on_air_satisfaction(start: date, end: date) -> dict[int, Counter[str]]:
    """Per unit of the session: the recorded satisfactions of its aired calls."""
    if end < start:
        return {}
    query = (
        select(AirSession.unit_id, AirRecord.satisfaction)
        .join(Call, Call.session_id == AirSession.id)
        .join(AirRecord, AirRecord.call_id == Call.id)
        .where(
            AirSession.air_date >= start,
            AirSession.air_date <= end,
            Call.aired_at.is_not(None),
            AirRecord.satisfaction.is_not(None),
        )
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for unit_id, satisfaction in db.session.execute(query):
        counts[unit_id][str(satisfaction)] += 1
    return counts


def _supervision_notices(start: date, end: date) -> dict[int, int]:
    """Per unit: formal supervision notices (督办) sent to it on a day of the period."""
    counts: Counter[int] = Counter()
    for unit_id, sent_at in db.session.execute(
        select(Notice.unit_id, Notice.sent_at).where(Notice.kind == NoticeKind.SUPERVISION)
    ):
        if start <= clock.local_date(sent_at) <= end:
            counts[unit_id] += 1
    return dict(counts)


# --- the figures --------------------------------------------------------------------------------
def _score(
    unit: Unit,
    sessions: list[AirSession],
    cases: list[Case],
    on_air: Counter[str],
    supervision_notices: int,
    today: date,
    min_cases: int,
) -> UnitScore:
    due_sessions = [s for s in sessions if s.air_date < today or s.state in HELD]
    held = [s for s in sessions if s.state in HELD]
    settled = [c for c in cases if c.state == CaseState.SETTLED]
    overdue = [c for c in cases if _overdue_unanswered(c, today)]
    satisfactions = Counter(str(s) for c in cases if (s := result_satisfaction(c)) is not None)
    numbers = {
        "participation": (sum(1 for s in due_sessions if _went_live_on_time(s)), len(due_sessions)),
        "head": (sum(1 for s in held if s.head_present), len(held)),
        "resolution": (len(settled), len(cases)),
        "on_time_resolution": (sum(1 for c in settled if _answered_on_time(c)), len(settled) + len(overdue)),
        "handling_satisfaction": (_content(satisfactions), sum(satisfactions.values())),
        "on_air_satisfaction": (_content(on_air), sum(on_air.values())),
    }
    promised = [commitment_deadline(c, today) for c in cases]
    kept = [c for c in cases if c.commitment_due and c.commitment_fulfilled_on]
    overdue_commitments = promised.count(DeadlineStatus.OVERDUE)
    kept_on_time = sum(1 for c in kept if c.commitment_fulfilled_on <= c.commitment_due)  # type: ignore[operator]
    return UnitScore(
        unit_id=unit.id,
        unit_name=unit.name,
        short_name=unit.short_name,
        measures={key: Measure(key, n, d, WEIGHTS[key]) for key, (n, d) in numbers.items()},
        cases=len(cases),
        settled=len(settled),
        overdue_open=len(overdue),
        redone=sum(1 for c in cases if c.redo_count > 0),
        no_contact=sum(1 for c in cases if c.no_contact_count > 0),
        supervision_notices=supervision_notices,
        commitments_due_soon=sum(1 for p in promised if p in SOON),
        commitments_overdue=overdue_commitments,
        commitments_kept_on_time=Measure(
            "commitments_kept_on_time", kept_on_time, len(kept) + overdue_commitments, 0
        ),
        handling_satisfaction=_three(satisfactions),
        on_air_satisfaction=_three(on_air),
        enough_cases=len(cases) >= min_cases,
    )


def _went_live_on_time(session: AirSession) -> bool:
    if session.state not in HELD or session.went_live_at is None:
        return False
    tolerance = timedelta(minutes=policy_for(session.programme_id).on_time_tolerance_minutes)
    slot = datetime.combine(session.air_date, session.start_time, tzinfo=clock.zone())
    live = session.went_live_at
    return clock.local_date(live) == session.air_date and live <= slot + tolerance


def _answered_on_time(case: Case) -> bool:
    answered = case.answered_at or case.settled_at
    return answered is not None and clock.local_date(answered) <= case.due_on


def _overdue_unanswered(case: Case, today: date) -> bool:
    return case.state in UNIT_OWES and case.due_on < today


def result_satisfaction(case: Case) -> Satisfaction | None:
    """What the citizen said at the latest result callback made (None: none made yet)."""
    done = [c for c in case.callbacks if c.kind == CallbackKind.RESULT and c.done_at and c.satisfaction]
    latest: Callback | None = max(done, key=lambda c: (c.done_at, c.id), default=None)
    return latest.satisfaction if latest else None


def _content(counts: Counter[str]) -> int:
    return sum(counts[str(s)] for s in CONTENT)


def _three(counts: Counter[str]) -> dict[str, int]:
    return {str(s): counts.get(str(s), 0) for s in Satisfaction}
