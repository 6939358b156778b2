"""The figures of one show: calls received, screened, aired, answered, committed, left for
follow-up, average waiting and on-air time, and whether the head of the unit was on air."""

from __future__ import annotations

from statistics import mean
from typing import Any

from sqlalchemy import select

from broadcast.models import AirSession
from console.models import Call, CallState, Channel, Outcome
from core.extensions import db


def _seconds(start: Any, end: Any) -> float | None:
    return (end - start).total_seconds() if start and end else None


def _avg(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(mean(present), 1) if present else None


def needs_followup(call: Call) -> bool:
    """Not settled on air: marked for after the show, or never aired but registered with a matter
    (also when the caller hung up before air: the matter was taken down and is owed an answer)."""
    outcome = call.air_record.outcome if call.air_record else None
    if call.aired_at is not None:
        return outcome == Outcome.FOLLOWUP
    return bool(call.subject or call.details)


def session_summary(session: AirSession) -> dict[str, Any]:
    calls = list(db.session.scalars(select(Call).where(Call.session_id == session.id)))
    aired = [c for c in calls if c.aired_at is not None]
    outcomes = [c.air_record.outcome for c in aired if c.air_record]
    phone = [c for c in calls if c.channel == Channel.PHONE]
    return {
        "received": len(calls),
        "by_channel": {ch.value: sum(1 for c in calls if c.channel == ch) for ch in Channel},
        "screened": sum(1 for c in calls if c.picked_at is not None or c.ready_at is not None),
        "aired": len(aired),
        "answered_on_air": sum(1 for o in outcomes if o in (Outcome.ANSWERED, Outcome.EXPLAINED)),
        "committed": sum(1 for o in outcomes if o == Outcome.COMMITMENT),
        "followup": sum(1 for c in calls if needs_followup(c)),
        "abandoned": sum(1 for c in calls if c.state == CallState.ABANDONED),
        # Waiting: from the call's arrival until a producer picked it up (or it hung up).
        "avg_wait_seconds": _avg([_seconds(c.arrived_at, c.picked_at or c.finished_at) for c in phone]),
        "avg_on_air_seconds": _avg([_seconds(c.aired_at, c.air_ended_at) for c in aired]),
        "head_present": session.head_present,
    }
