"""The scores page: every unit's measures for a period, the ranking with its charts, and the hot
topics callers raised; with the JSON the page draws from.

Who may look: the oversight office (it scores the units) and the units' own people (rankings are
published in the newspaper anyway; their page marks their own unit). The station's seats
(producer, host, clerk) and the callback agents are not assessors and are refused.

Hot topics quote callers' subjects, so a unit's people get only their own unit's: another unit's
callers' matters are not theirs to read (unit isolation), however the request is made.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from broadcast.models import Unit
from core import clock
from core.access import Permission, requires
from core.accounts import UNIT_ROLES
from core.api import ApiError, parse
from core.extensions import db
from followup.hot_topics import hot_topics
from followup.scores import DEFAULT_MIN_CASES, WEIGHTS, UnitScore, ranking

bp = Blueprint("scores", __name__)


MEASURE_LABELS = {
    "participation": _l("On-time participation"),
    "head": _l("Head-of-unit attendance"),
    "resolution": _l("Resolution rate"),
    "on_time_resolution": _l("On-time resolution rate"),
    "handling_satisfaction": _l("Satisfaction with handling"),
    "on_air_satisfaction": _l("Satisfaction with on-air answers"),
}
PRESET_LABELS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"),
    "this_year": _l("This year"),
    "custom": _l("Custom"),
}


class Period(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start: date | None = None
    end: date | None = None


class ScoresQuery(Period):
    min_cases: int = Field(default=DEFAULT_MIN_CASES, ge=0, le=1000)


class TopicsQuery(Period):
    limit: int = Field(default=20, ge=1, le=100)
    unit_id: int | None = None
    min_calls: int = Field(default=1, ge=1, le=1000)  # a word raised by fewer calls is left out


# --- periods ------------------------------------------------------------------------------------
def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def presets(today: date) -> dict[str, tuple[date, date]]:
    """The named periods around ``today`` (whole months, quarter, year)."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    quarter_end = _month_end(quarter_start.replace(month=quarter_start.month + 2))
    return {
        "this_month": (month_start, _month_end(today)),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "this_quarter": (quarter_start, quarter_end),
        "this_year": (today.replace(month=1, day=1), today.replace(month=12, day=31)),
    }


def _period(query: Period, today: date) -> tuple[date, date]:
    default_start, default_end = presets(today)["this_month"]
    start, end = query.start or default_start, query.end or default_end
    if end < start:
        raise ApiError(422, "invalid", _("Some fields are not valid."), {"end": _("Before the start.")})
    return start, end


def _args(model: type[Any]) -> Any:
    # Empty strings from a form mean "not given".
    return parse(model, {k: v for k, v in request.args.items() if v != ""})


# --- JSON ---------------------------------------------------------------------------------------
def score_json(score: UnitScore, own_unit_id: int | None) -> dict[str, Any]:
    weights = score.effective_weights
    return {
        "unit_id": score.unit_id,
        "unit": score.unit_name,
        "short_name": score.short_name,
        "own": score.unit_id == own_unit_id,
        "rank": score.rank,
        "ranked": score.rank is not None,
        "composite": score.composite,
        "measures": {
            key: {
                "numerator": m.numerator,
                "denominator": m.denominator,
                "rate": None if m.rate is None else round(m.rate, 4),
                "weight": m.weight,
                "effective_weight": weights[key],
            }
            for key, m in score.measures.items()
        },
        "cases": score.cases,
        "settled": score.settled,
        "overdue_open": score.overdue_open,
        "redone": score.redone,
        "no_contact": score.no_contact,
        "supervision_notices": score.supervision_notices,
        "commitments": {
            "due_soon": score.commitments_due_soon,
            "overdue": score.commitments_overdue,
            "kept_on_time": {
                "numerator": score.commitments_kept_on_time.numerator,
                "denominator": score.commitments_kept_on_time.denominator,
                "rate": None if (rate := score.commitments_kept_on_time.rate) is None else round(rate, 4),
            },
        },
        "handling_satisfaction": score.handling_satisfaction,
        "on_air_satisfaction": score.on_air_satisfaction,
    }


def _measures() -> list[dict[str, Any]]:
    return [{"key": key, "label": str(MEASURE_LABELS[key]), "weight": w} for key, w in WEIGHTS.items()]


def _own_unit_id() -> int | None:
    return current_user.unit_id if current_user.role in UNIT_ROLES else None


# --- routes -------------------------------------------------------------------------------------
@bp.get("/followup/scores")
@requires(Permission.SCORES)
def page() -> Any:
    today = clock.today()
    own = _own_unit_id()
    units = db.session.scalars(select(Unit).order_by(Unit.name)).all()
    config = {
        "today": today.isoformat(),
        "presets": {key: [s.isoformat(), e.isoformat()] for key, (s, e) in presets(today).items()},
        "min_cases": DEFAULT_MIN_CASES,
        "own_unit_id": own,
        "measures": _measures(),
        # A unit's people see their own unit's hot topics only.
        "all_topics": current_user.role not in UNIT_ROLES,
        "topic_units": [
            {"id": u.id, "name": u.name} for u in units if current_user.role not in UNIT_ROLES or u.id == own
        ],
    }
    return render_template(
        "followup/scores.html",
        config=config,
        measures=MEASURE_LABELS,
        weights=WEIGHTS,
        presets=PRESET_LABELS,
        own_unit=next((u for u in units if u.id == own), None),
    )


@bp.get("/api/scores")
@requires(Permission.SCORES)
def scores() -> Any:
    query = _args(ScoresQuery)
    today = clock.today()
    start, end = _period(query, today)
    result = ranking(start, end, today, query.min_cases)
    own = _own_unit_id()
    return jsonify(
        start=start.isoformat(),
        end=end.isoformat(),
        today=today.isoformat(),
        min_cases=result.min_cases,
        weights=WEIGHTS,
        measures=_measures(),
        ranked=[score_json(s, own) for s in result.ranked],
        unranked=[score_json(s, own) for s in result.unranked],
    )


@bp.get("/api/hot-topics")
@requires(Permission.SCORES)
def topics() -> Any:
    query = _args(TopicsQuery)
    start, end = _period(query, clock.today())
    unit_id = query.unit_id
    if current_user.role in UNIT_ROLES:
        own = _own_unit_id()
        if own is None or (unit_id is not None and unit_id != own):
            raise ApiError(403, "forbidden", _("A unit sees the hot topics of its own matters only."))
        unit_id = own
    result = hot_topics(start, end, query.limit, unit_id, query.min_calls)
    return jsonify(
        start=start.isoformat(),
        end=end.isoformat(),
        unit_id=unit_id,
        min_calls=query.min_calls,
        calls=result.calls,
        topics=[{"word": t.word, "count": t.count, "examples": t.examples} for t in result.topics],
    )
