"""Unit scores and the ranking, on a small data set worked out by hand.

Period: March 2026; today (the station's) is Friday 20 March 2026. Times below are UTC; Beijing is
UTC+8, so 2026-03-10 15:30Z is 23:30 on the 10th there and 17:00Z is already the 11th.

市司法局 (A)
  sessions  3-04 went live 3-04, head present           → on time, head
            3-11 went live on 3-12 (late), head absent   → not on time, no head
            3-20 (today) not live yet                    → not counted yet
            3-25 scheduled                               → after today, not counted
  cases     C1 settled, answered 3-10 ≤ due 3-20; result callbacks 不满意 (3-08) then 满意 (3-12)
            C2 settled, answered 3-17 > due 3-15 (late); callback 基本满意
            C3 in progress, due 3-18 (overdue today), redone once, nobody-contacted once; callback 不满意
            C4 accepted, due 3-30 (not yet due)
            C5 answered 3-09, due 3-10, waiting for its callback
            merged, returned and February cases are not counted
  on air    满意, 不满意, 基本满意 recorded on aired calls; one aired call unrecorded; one unaired call
  notices   one supervision notice 3-19 (a reminder and a February notice do not count)

  participation 1/2, head 1/2, resolution 2/5, on-time 1/(2+1), handling 2/3, on air 2/3
  composite = (10·½ + 10·½ + 25·⅖ + 25·⅓ + 20·⅔ + 10·⅔) / 100 × 100 = 48.3

市住房和城乡建设局 (B): no session; three cases, all settled on time (one answered 23:30 local on its
due day), one callback 满意 → resolution 3/3, on-time 3/3, handling 1/1, the rest "—":
  composite = (25 + 25 + 20) / 70 × 100 = 100.0, weights shared out 25/70, 25/70, 20/70.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from broadcast.models import AirSession, Guest, SessionState, Unit
from console.models import AirRecord, Call, Channel
from core import clock
from core.extensions import db
from core.matter import Satisfaction
from followup.models import Callback, CallbackKind, Case, CaseState, Notice, NoticeKind
from followup.scores import ranking, unit_scores

Login = Callable[[str], FlaskClient]
START, END = date(2026, 3, 1), date(2026, 3, 31)
TODAY = date(2026, 3, 20)
_seq = itertools.count(1)


def utc(month: int, day: int, hour: int = 2, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def add_session(
    programme_id: int,
    unit_id: int,
    air: date,
    *,
    live_at: datetime | None = None,
    head_present: bool | None = None,
) -> AirSession:
    session = AirSession(
        programme_id=programme_id,
        unit_id=unit_id,
        air_date=air,
        start_time=time(9),
        end_time=time(10),
        state=SessionState.ENDED if live_at else SessionState.SCHEDULED,
        went_live_at=live_at,
    )
    session.guests = [Guest(name="副局长", is_head=False)]
    if head_present is not None:
        session.guests.append(Guest(name="局长", is_head=True, present=head_present))
    db.session.add(session)
    db.session.flush()
    return session


def add_call(
    session: AirSession, *, aired: bool, satisfaction: Satisfaction | None, subject: str = ""
) -> Call:
    call = Call(
        session_id=session.id,
        channel=Channel.PHONE,
        aired_at=utc(session.air_date.month, session.air_date.day, 1, 30) if aired else None,
        subject=subject,
    )
    call.air_record = AirRecord(satisfaction=satisfaction)
    db.session.add(call)
    return call


def add_case(
    programme_id: int,
    unit_id: int,
    state: CaseState,
    *,
    received: date,
    due: date,
    answered: datetime | None = None,
    results: list[tuple[datetime, Satisfaction]] = (),  # type: ignore[assignment]
    redo_count: int = 0,
    no_contact_count: int = 0,
) -> Case:
    seq = next(_seq)
    case = Case(
        programme_id=programme_id,
        year=2026,
        seq=seq,
        number=f"2026-{seq:04d}",
        unit_id=unit_id,
        first_unit_id=unit_id,
        state=state,
        subject="测试",
        received_on=received,
        assigned_at=datetime.combine(received, time(2), UTC),
        due_on=due,
        original_due_on=due,
        answered_at=answered,
        settled_at=answered if state == CaseState.SETTLED else None,
        redo_count=redo_count,
        no_contact_count=no_contact_count,
    )
    for done, satisfaction in results:
        case.callbacks.append(
            Callback(kind=CallbackKind.RESULT, due_on=done.date(), done_at=done, satisfaction=satisfaction)
        )
    db.session.add(case)
    db.session.flush()
    return case


@pytest.fixture
def data(app: Flask, demo: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with app.app_context():
        a = demo.unit_id
        b = db.session.scalar(select(Unit.id).where(Unit.name == "市住房和城乡建设局"))
        p = demo.programme_id
        s1 = add_session(p, a, d(3, 4), live_at=utc(3, 4, 1), head_present=True)
        s2 = add_session(p, a, d(3, 11), live_at=utc(3, 12, 1), head_present=False)
        add_session(p, a, d(3, 20))
        add_session(p, a, d(3, 25))
        add_call(s1, aired=True, satisfaction=Satisfaction.SATISFIED)
        add_call(s1, aired=True, satisfaction=Satisfaction.UNSATISFIED)
        add_call(s1, aired=True, satisfaction=None)
        add_call(s1, aired=False, satisfaction=Satisfaction.UNSATISFIED)
        add_call(s2, aired=True, satisfaction=Satisfaction.BASIC)

        S = CaseState
        add_case(
            p,
            a,
            S.SETTLED,
            received=d(3, 4),
            due=d(3, 20),
            answered=utc(3, 10),
            results=[(utc(3, 8), Satisfaction.UNSATISFIED), (utc(3, 12), Satisfaction.SATISFIED)],
        )
        add_case(
            p,
            a,
            S.SETTLED,
            received=d(3, 4),
            due=d(3, 15),
            answered=utc(3, 17),
            results=[(utc(3, 18), Satisfaction.BASIC)],
        )
        c3 = add_case(
            p,
            a,
            S.IN_PROGRESS,
            received=d(3, 4),
            due=d(3, 18),
            redo_count=1,
            no_contact_count=1,
            results=[(utc(3, 16), Satisfaction.UNSATISFIED)],
        )
        add_case(p, a, S.ACCEPTED, received=d(3, 11), due=d(3, 30))
        add_case(p, a, S.ANSWERED, received=d(3, 4), due=d(3, 10), answered=utc(3, 9))
        add_case(p, a, S.MERGED, received=d(3, 11), due=d(3, 12))
        add_case(p, a, S.RETURNED, received=d(3, 11), due=d(3, 12))
        add_case(p, a, S.SETTLED, received=d(2, 27), due=d(3, 14), answered=utc(3, 1))
        for kind, sent in (
            (NoticeKind.SUPERVISION, utc(3, 19)),
            (NoticeKind.REMINDER, utc(3, 19)),
            (NoticeKind.SUPERVISION, utc(2, 20)),
        ):
            db.session.add(Notice(case_id=c3.id, unit_id=a, kind=kind, message="请尽快办理", sent_at=sent))

        add_case(
            p,
            b,
            S.SETTLED,
            received=d(3, 2),
            due=d(3, 20),
            answered=utc(3, 5),
            results=[(utc(3, 6), Satisfaction.SATISFIED)],
        )
        add_case(p, b, S.SETTLED, received=d(3, 2), due=d(3, 20), answered=utc(3, 6))
        add_case(p, b, S.SETTLED, received=d(3, 2), due=d(3, 10), answered=utc(3, 10, 15, 30))
        db.session.commit()
        return SimpleNamespace(a=a, b=b, programme_id=p)


def scores_by_unit(app: Flask, today: date = TODAY, **kwargs: Any) -> dict[int, Any]:
    with app.app_context():
        return {s.unit_id: s for s in unit_scores(START, END, today, **kwargs)}


def fractions(score: Any) -> dict[str, tuple[int, int]]:
    return {key: (m.numerator, m.denominator) for key, m in score.measures.items()}


def test_each_measure_counts_what_the_rules_say(app: Flask, data: SimpleNamespace) -> None:
    a = scores_by_unit(app)[data.a]
    assert fractions(a) == {
        "participation": (1, 2),
        "head": (1, 2),
        "resolution": (2, 5),
        "on_time_resolution": (1, 3),
        "handling_satisfaction": (2, 3),
        "on_air_satisfaction": (2, 3),
    }
    assert a.handling_satisfaction == {"satisfied": 1, "basic": 1, "unsatisfied": 1}
    assert a.on_air_satisfaction == {"satisfied": 1, "basic": 1, "unsatisfied": 1}


def test_the_unit_counts_beside_the_rates(app: Flask, data: SimpleNamespace) -> None:
    a = scores_by_unit(app)[data.a]
    counts = ("cases", "settled", "overdue_open", "redone", "no_contact", "supervision_notices")
    assert {k: getattr(a, k) for k in counts} == dict(zip(counts, (5, 2, 1, 1, 1, 1), strict=True))


def test_composite_weighs_the_six_measures(app: Flask, data: SimpleNamespace) -> None:
    assert scores_by_unit(app)[data.a].composite == 48.3


def test_measures_without_data_give_their_weight_to_the_others(app: Flask, data: SimpleNamespace) -> None:
    b = scores_by_unit(app)[data.b]
    assert fractions(b) == {
        "participation": (0, 0),
        "head": (0, 0),
        "resolution": (3, 3),
        "on_time_resolution": (3, 3),  # one of them answered 23:30 Beijing time on its due day
        "handling_satisfaction": (1, 1),
        "on_air_satisfaction": (0, 0),
    }
    assert b.measures["participation"].rate is None
    assert b.composite == 100.0
    assert b.effective_weights == {
        "participation": 0.0,
        "head": 0.0,
        "resolution": 35.71,
        "on_time_resolution": 35.71,
        "handling_satisfaction": 28.57,
        "on_air_satisfaction": 0.0,
    }


def test_an_overdue_case_without_answer_lowers_on_time_resolution(app: Flask, data: SimpleNamespace) -> None:
    with app.app_context():
        add_case(data.programme_id, data.b, CaseState.ACCEPTED, received=d(3, 2), due=d(3, 17))
        db.session.commit()
    b = scores_by_unit(app)[data.b]
    assert fractions(b)["on_time_resolution"] == (3, 4)
    assert b.overdue_open == 1
    assert b.composite == 82.1  # (25·¾ + 25·¾ + 20·1) / 70 = 57.5 / 70


def test_a_case_not_yet_due_counts_once_its_day_has_passed(app: Flask, data: SimpleNamespace) -> None:
    later = scores_by_unit(app, today=d(4, 5))[data.a]  # C4 was due 3-30
    assert fractions(later)["on_time_resolution"] == (1, 4)


def test_an_answer_after_midnight_beijing_time_is_late(app: Flask, data: SimpleNamespace) -> None:
    with app.app_context():
        add_case(
            data.programme_id,
            data.b,
            CaseState.SETTLED,
            received=d(3, 2),
            due=d(3, 10),
            answered=utc(3, 10, 17),
        )
        db.session.commit()
    assert fractions(scores_by_unit(app)[data.b])["on_time_resolution"] == (3, 4)


def test_ranking_puts_the_best_composite_first(app: Flask, data: SimpleNamespace) -> None:
    with app.app_context():
        result = ranking(START, END, TODAY, min_cases=3)
    assert [(s.unit_id, s.rank, s.composite) for s in result.ranked] == [
        (data.b, 1, 100.0),
        (data.a, 2, 48.3),
    ]
    assert result.unranked == []


def test_a_unit_with_too_few_cases_is_listed_but_not_ranked(app: Flask, data: SimpleNamespace) -> None:
    with app.app_context():
        result = ranking(START, END, TODAY, min_cases=4)
    assert [(s.unit_id, s.rank) for s in result.ranked] == [(data.a, 1)]
    assert [(s.unit_id, s.rank, s.cases) for s in result.unranked] == [(data.b, None, 3)]


def test_equal_composites_share_a_rank(app: Flask, data: SimpleNamespace) -> None:
    with app.app_context():
        twin = Unit(name="市交通运输局", short_name="交通局")
        db.session.add(twin)
        db.session.flush()
        for day in (5, 6, 7):
            add_case(
                data.programme_id,
                twin.id,
                CaseState.SETTLED,
                received=d(3, 2),
                due=d(3, 20),
                answered=utc(3, day),
            )
        db.session.commit()
        result = ranking(START, END, TODAY, min_cases=3)
        twin_id = twin.id
    ranks = {s.unit_id: s.rank for s in result.ranked}
    assert ranks == {data.b: 1, twin_id: 1, data.a: 3}


# --- the page and its JSON ----------------------------------------------------------------------
def test_oversight_reads_every_figure_with_its_fraction(data: SimpleNamespace, as_user: Login) -> None:
    response = as_user("oversight").get("/api/scores?start=2026-03-01&end=2026-03-31&min_cases=4")
    assert response.status_code == 200
    body = response.json
    (a,) = body["ranked"]
    (b,) = body["unranked"]
    assert (a["unit_id"], a["rank"], a["composite"]) == (data.a, 1, 48.3)
    assert a["measures"]["on_time_resolution"] == {
        "numerator": 1,
        "denominator": 3,
        "rate": 0.3333,
        "weight": 25,
        "effective_weight": 25.0,
    }
    assert (b["unit_id"], b["ranked"], b["cases"]) == (data.b, False, 3)
    assert b["measures"]["head"]["rate"] is None
    assert body["min_cases"] == 4


def test_the_period_defaults_to_this_month(data: SimpleNamespace, as_user: Login) -> None:
    body = as_user("oversight").get("/api/scores").json
    assert (body["start"], body["end"]) == ("2026-03-01", "2026-03-31")
    assert len(body["ranked"]) == 2


def test_a_period_ending_before_it_starts_is_refused(data: SimpleNamespace, as_user: Login) -> None:
    response = as_user("oversight").get("/api/scores?start=2026-03-31&end=2026-03-01")
    assert response.status_code == 422
    assert "end" in response.json["error"]["details"]


def test_the_unit_handler_reads_the_ranking_with_their_unit_marked(
    data: SimpleNamespace, as_user: Login
) -> None:
    handler = as_user("handler")
    page = handler.get("/followup/scores")
    assert page.status_code == 200
    assert "vendor/echarts/echarts.min.js" in page.text
    body = handler.get("/api/scores?start=2026-03-01&end=2026-03-31").json
    own = {row["unit_id"]: row["own"] for row in body["ranked"]}
    assert own == {data.a: True, data.b: False}


@pytest.mark.parametrize("username", ["producer", "host", "clerk", "callback"])
def test_station_seats_and_callback_agents_do_not_see_the_assessment(
    data: SimpleNamespace, as_user: Login, username: str
) -> None:
    client = as_user(username)
    assert client.get("/followup/scores").status_code == 403
    assert client.get("/api/scores").status_code == 403
    assert client.get("/api/hot-topics").status_code == 403


def test_the_page_serves_echarts_from_the_app(data: SimpleNamespace, as_user: Login) -> None:
    response = as_user("oversight").get("/static/vendor/echarts/echarts.min.js")
    assert response.status_code == 200
    assert b"echarts" in response.data[:2000]


# --- the demo -----------------------------------------------------------------------------------
def test_the_demo_history_loads_once_with_cases_in_many_states_for_both_units(app: Flask) -> None:
    from followup.demo import demo_summary, load_followup_demo

    with app.app_context():
        made = load_followup_demo()
        assert load_followup_demo() == 0  # a second run adds nothing
        states = demo_summary()
        assert db.session.scalar(select(db.func.count(Case.id))) == made
        today = clock.today()
        result = ranking(today.replace(day=1) - timedelta(days=45), today, today)
    assert made >= 15
    assert set(states) == {"市司法局", "市住房和城乡建设局"}
    for unit_states in states.values():
        assert unit_states["settled"] >= 3
        assert len(unit_states) >= 5  # settled, answered, drafted, in progress or redo, …
    assert len(result.ranked) == 2
    assert all(s.composite is not None and 0 < s.composite < 100 for s in result.ranked)
