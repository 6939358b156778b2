"""Due dates of follow-up cases: counted from the day after receipt, off weekends and the 2026 public
holidays (with their make-up working days), Monday to Friday in years the holiday library does not
know, and the policy's choice of rule.

Expected dates are worked out by hand from the 2026 State Council holiday schedule:
Spring Festival off 15–23 Feb (Sun–Mon), worked Sat 14 Feb and Sat 28 Feb; National Day off 1–7 Oct,
worked Sun 20 Sep and Sat 10 Oct. 1 Mar 2026 is a Sunday.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from followup.deadlines import (
    PRESET_12345,
    DayCount,
    DeadlinePolicy,
    DeadlineRule,
    DeadlineStatus,
    deadline_status,
    due_date,
    is_working_day,
)

CALENDAR_15 = DeadlineRule(days=15)
WORKING_5 = DeadlineRule(days=5, count=DayCount.WORKING)
SAME_WORKING_DAY = DeadlineRule(days=0, count=DayCount.WORKING)
SUNDAY = date(2026, 3, 8)


def test_fifteen_calendar_days_from_a_sunday_end_fifteen_days_later() -> None:
    due = due_date(SUNDAY, CALENDAR_15)
    assert due.on == date(2026, 3, 23)  # a Monday
    assert not due.calendar_fallback


def test_five_working_days_from_a_sunday_end_that_friday() -> None:
    assert due_date(SUNDAY, WORKING_5).on == date(2026, 3, 13)


def test_a_same_day_enquiry_received_on_sunday_is_due_monday() -> None:
    assert due_date(SUNDAY, SAME_WORKING_DAY).on == date(2026, 3, 9)


def test_working_days_skip_the_spring_festival_and_count_its_make_up_saturday() -> None:
    # Received Fri 13 Feb: Sat 14 (worked) is day 1, then 24, 25, 26, 27 Feb after the holiday.
    assert due_date(date(2026, 2, 13), WORKING_5).on == date(2026, 2, 27)


def test_a_calendar_deadline_inside_the_spring_festival_moves_to_the_first_day_back() -> None:
    # 3 Feb + 15 = Wed 18 Feb, a holiday: the first working day after is Tue 24 Feb.
    assert due_date(date(2026, 2, 3), CALENDAR_15).on == date(2026, 2, 24)


def test_a_calendar_deadline_on_a_make_up_saturday_stays_on_that_saturday() -> None:
    assert is_working_day(date(2026, 2, 28)) == (True, True)
    assert due_date(date(2026, 2, 13), CALENDAR_15).on == date(2026, 2, 28)


def test_working_days_skip_national_day_and_count_its_make_up_saturday() -> None:
    # Received Wed 30 Sep: 1–7 Oct off; Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
    assert due_date(date(2026, 9, 30), WORKING_5).on == date(2026, 10, 13)


def test_in_2027_monday_to_friday_are_assumed_and_the_due_date_is_flagged() -> None:
    # 1 Jan 2027 is a Friday; the library has no 2027 data, so it counts as a working day.
    due = due_date(date(2026, 12, 31), DeadlineRule(days=1, count=DayCount.WORKING))
    assert due.on == date(2027, 1, 1)
    assert due.calendar_fallback
    assert "Monday to Friday" in due.describe()


def test_a_calendar_deadline_on_a_2027_weekend_moves_to_monday_and_is_flagged() -> None:
    due = due_date(date(2027, 1, 8), CALENDAR_15)  # 8 + 15 = Sat 23 Jan
    assert due.on == date(2027, 1, 25)
    assert due.calendar_fallback


def test_the_rule_is_described_in_english_without_an_app() -> None:
    assert due_date(SUNDAY, CALENDAR_15).describe() == "15 calendar days from the next day"
    assert due_date(SUNDAY, DeadlineRule(days=1, count=DayCount.WORKING)).describe() == (
        "1 working day from the next day"
    )


POLICY = DeadlinePolicy(
    rules=[
        # Listed first, yet the rule naming both category and urgency must still win for that pair.
        DeadlineRule(days=10, category="complaint"),
        DeadlineRule(days=1, count=DayCount.WORKING, category="complaint", urgency="urgent"),
    ]
)


@pytest.mark.parametrize(
    ("category", "urgency", "complex_", "redo", "expected"),
    [
        ("complaint", "urgent", True, True, POLICY.redo),
        ("complaint", "urgent", True, False, POLICY.complex),
        ("complaint", "urgent", False, False, POLICY.rules[1]),
        ("complaint", "normal", False, False, POLICY.rules[0]),
        ("enquiry", "urgent", False, False, POLICY.default),
    ],
    ids=["redo", "complex", "category+urgency", "category", "default"],
)
def test_rule_precedence(
    category: str, urgency: str, complex_: bool, redo: bool, expected: DeadlineRule
) -> None:
    assert POLICY.rule_for(category=category, urgency=urgency, complex=complex_, redo=redo) == expected


def test_the_default_policy_follows_seed_002() -> None:
    policy = DeadlinePolicy()
    assert (policy.default.days, policy.default.count) == (15, DayCount.CALENDAR)
    assert (policy.complex.days, policy.complex.count) == (30, DayCount.CALENDAR)


@pytest.mark.parametrize(
    ("received", "category", "urgency", "redo", "expected"),
    [
        (SUNDAY, "complaint", "normal", False, date(2026, 3, 13)),  # 5 working days
        (SUNDAY, "enquiry", "normal", False, date(2026, 3, 9)),  # same working day
        (date(2026, 3, 10), "help", "urgent", False, date(2026, 3, 10)),  # same day
        (date(2026, 3, 10), "enquiry", "major", False, date(2026, 3, 10)),  # urgency before category
        (date(2026, 3, 13), "complaint", "normal", True, date(2026, 3, 17)),  # redo: 2 working days
    ],
    ids=["general", "enquiry", "urgent", "major-enquiry", "redo"],
)
def test_preset_12345(received: date, category: str, urgency: str, redo: bool, expected: date) -> None:
    rule = PRESET_12345.rule_for(category=category, urgency=urgency, complex=False, redo=redo)
    assert due_date(received, rule).on == expected


DUE = date(2026, 3, 13)


@pytest.mark.parametrize(
    ("today", "closed_on", "expected"),
    [
        (date(2026, 3, 10), None, DeadlineStatus.ON_TIME),
        (date(2026, 3, 11), None, DeadlineStatus.DUE_SOON),
        (DUE, None, DeadlineStatus.DUE_TODAY),
        (date(2026, 3, 14), None, DeadlineStatus.OVERDUE),
        (date(2026, 3, 20), DUE, DeadlineStatus.MET),
        (date(2026, 3, 20), date(2026, 3, 14), DeadlineStatus.LATE),
    ],
    ids=lambda value: str(value),
)
def test_deadline_status(today: date, closed_on: date | None, expected: DeadlineStatus) -> None:
    assert deadline_status(DUE, today, closed_on, due_soon_days=2) is expected


@pytest.mark.parametrize(
    "body",
    [{"default": {"days": -1}}, {"default": {"days": 15, "count": "hours"}}, {"rules": [{"days": 366}]}],
    ids=["negative days", "unknown count", "over a year"],
)
def test_policy_validation_rejects(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DeadlinePolicy.model_validate(body)


def test_policy_accepts_a_json_body() -> None:
    policy = DeadlinePolicy.model_validate({"default": {"days": 5, "count": "working"}})
    assert policy.default == WORKING_5


def test_an_emergency_received_on_a_sunday_is_due_that_sunday():
    # 0 calendar days is the day itself: emergencies (001) are not left until Monday.
    assert due_date(date(2026, 3, 8), DeadlineRule(days=0, count=DayCount.CALENDAR)).on == date(2026, 3, 8)
