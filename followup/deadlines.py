"""Due dates of follow-up cases (转办件) from a programme's deadline policy.

Time limits are counted as Chinese administrative time limits are: from the day after receipt
(次日起). A calendar-day limit whose last day is a weekend or public holiday ends on the next working
day (期间届满的最后一日是节假日的，以节假日后的第一日为期间届满的日期); a working-day limit counts
working days only. Public holidays and make-up working days (调休) come from ``chinese_calendar``,
which knows a fixed range of years: outside it Monday to Friday are taken as working days and the
result says so, rather than refusing to give a date.

Pure logic: no database, no Flask app needed (texts fall back to English outside a request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from pydantic import BaseModel, ConfigDict, Field

from core.labels import register

ONE_DAY = timedelta(days=1)


class DayCount(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class DeadlineRule(BaseModel):
    """A time limit: so many calendar or working days, optionally for one category and/or urgency."""

    # Frozen: a rule is a value, and Due (a frozen dataclass holding one) stays hashable.
    model_config = ConfigDict(frozen=True)

    days: int = Field(ge=0, le=365)  # 0 = the same day
    count: DayCount = DayCount.CALENDAR
    category: str | None = None  # console.models.Category value
    urgency: str | None = None  # console.models.Urgency value

    def matches(self, category: str | None, urgency: str | None) -> bool:
        """True when every condition the rule names holds (a rule naming none matches anything)."""
        return (self.category is None or self.category == category) and (
            self.urgency is None or self.urgency == urgency
        )

    @property
    def specificity(self) -> int:
        return (self.category is not None) + (self.urgency is not None)


def _default_phrases() -> list[str]:
    # Seed 001: replies that are too short and perfunctory to count as a result.
    return ["正在联系处理中", "已前去执法", "将现场核实", "已解释"]


class DeadlinePolicy(BaseModel):
    """A programme's deadlines, reply requirements and on-time tolerance; defaults follow the station's
    standard (seed 002), PRESET_12345 the 12345 hotline's time limits (seed 001)."""

    default: DeadlineRule = DeadlineRule(days=15)  # 002: 15 days from acceptance
    complex: DeadlineRule = DeadlineRule(days=30)  # 002: 30 days when the matter is complex
    redo: DeadlineRule = DeadlineRule(days=2, count=DayCount.WORKING)  # 001: returned or redone
    rules: list[DeadlineRule] = Field(default_factory=list)
    due_soon_days: int = Field(default=2, ge=0)
    perfunctory_phrases: list[str] = Field(default_factory=_default_phrases)
    min_reply_chars: int = Field(default=30, ge=0)
    head_signoff_required: bool = False
    # A show counts as on time (按时上线) when it went live at most this long after its slot's start.
    on_time_tolerance_minutes: int = Field(default=10, ge=0, le=240)

    def rule_for(
        self, *, category: str | None, urgency: str | None, complex: bool, redo: bool
    ) -> DeadlineRule:
        """Redo, then complex, then the most specific matching rule (first listed on a tie), else default."""
        if redo:
            return self.redo
        if complex:
            return self.complex
        best: DeadlineRule | None = None
        for rule in self.rules:
            # Strictly greater: among equally specific rules the first listed wins.
            if rule.matches(category, urgency) and (best is None or rule.specificity > best.specificity):
                best = rule
        return best or self.default


# Seed 001 (12345 hotline): general matters 5 working days, enquiries the same day, emergencies at
# once (minutes, so the same day), matters sent back or redone 1–2 working days.
PRESET_12345 = DeadlinePolicy(
    default=DeadlineRule(days=5, count=DayCount.WORKING),
    complex=DeadlineRule(days=30),
    redo=DeadlineRule(days=2, count=DayCount.WORKING),
    rules=[
        # Urgency first: an urgent enquiry is urgent before it is an enquiry.
        DeadlineRule(days=0, urgency="urgent"),
        DeadlineRule(days=0, urgency="major"),
        DeadlineRule(days=0, count=DayCount.WORKING, category="enquiry"),
    ],
)


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working day?, known to the holiday library?) — unknown years count Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True)
class Due:
    on: date
    rule: DeadlineRule
    calendar_fallback: bool  # some day counted lies in a year without holiday data: Mon–Fri assumed

    def describe(self) -> str:
        text = describe_rule(self.rule)
        if self.calendar_fallback:
            text += " " + _(
                "(public holidays unknown for this year: Monday to Friday counted as working days)"
            )
        return text


def describe_rule(rule: DeadlineRule) -> str:
    if rule.days == 0:
        if rule.count is DayCount.WORKING:
            return _("Same day (next working day if received on a day off)")
        return _("Same day, a rest day too")
    if rule.count is DayCount.WORKING:
        return ngettext(
            "%(num)d working day from the next day", "%(num)d working days from the next day", rule.days
        )
    return ngettext(
        "%(num)d calendar day from the next day", "%(num)d calendar days from the next day", rule.days
    )


def due_date(received: date, rule: DeadlineRule) -> Due:
    if rule.count is DayCount.WORKING and rule.days > 0:
        on, all_known = _nth_working_day_after(received, rule.days)
    elif rule.count is DayCount.CALENDAR and rule.days == 0:
        # Same calendar day means that day, a Sunday too: emergencies (001) do not wait for Monday.
        on, all_known = received, is_working_day(received)[1]
    else:
        # Calendar days (and any same-day limit): the last day, moved off a day off.
        on, all_known = _first_working_day_from(received + rule.days * ONE_DAY)
    return Due(on=on, rule=rule, calendar_fallback=not all_known)


def _first_working_day_from(day: date) -> tuple[date, bool]:
    """The day itself if it is a working day, else the next one; and whether every day looked at was known."""
    all_known = True
    while True:
        working, known = is_working_day(day)
        all_known = all_known and known
        if working:
            return day, all_known
        day += ONE_DAY


def _nth_working_day_after(received: date, n: int) -> tuple[date, bool]:
    day, counted, all_known = received, 0, True
    while counted < n:
        day += ONE_DAY
        working, known = is_working_day(day)
        all_known = all_known and known
        counted += working
    return day, all_known


class DeadlineStatus(StrEnum):
    ON_TIME = "on_time"  # open, not yet due soon
    DUE_SOON = "due_soon"  # open, due within the policy's due_soon_days
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # open past its due date
    MET = "met"  # closed on or before the due date
    LATE = "late"  # closed after the due date


register(
    DeadlineStatus,
    {
        DeadlineStatus.ON_TIME: _l("On time"),
        DeadlineStatus.DUE_SOON: _l("Due soon"),
        DeadlineStatus.DUE_TODAY: _l("Due today"),
        DeadlineStatus.OVERDUE: _l("Overdue"),
        DeadlineStatus.MET: _l("Answered on time"),
        DeadlineStatus.LATE: _l("Answered late"),
    },
)


def deadline_status(due: date, today: date, closed_on: date | None, due_soon_days: int) -> DeadlineStatus:
    if closed_on is not None:
        return DeadlineStatus.MET if closed_on <= due else DeadlineStatus.LATE
    if today > due:
        return DeadlineStatus.OVERDUE
    if today == due:
        return DeadlineStatus.DUE_TODAY
    if (due - today).days <= due_soon_days:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TIME
