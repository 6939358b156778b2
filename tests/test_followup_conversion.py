"""Conversion of what was not settled on air into cases, as the oversight office finds them after a
show: which calls become cases and which do not, numbering per programme and year, conversion of
one call, likely duplicates held for merging, and the due dates the cases are given (次日起,
complex cases, a working-day policy over the Spring Festival, a year the holiday calendar does
not know yet)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date, time
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import core.clock
from broadcast.models import AirSession, Programme, Section, SessionState
from console.flow import create_call
from console.models import CallState, Channel
from core.extensions import db
from followup import conversion
from followup.conversion import Converted, convert_session
from followup.deadlines import DeadlineRule, describe_rule, due_date
from followup.models import CaseState
from followup.scheduler import run_daily
from tests.followup_helpers import act, add_call, make_case

Login = Callable[[str], FlaskClient]
SHOW_DAY = date(2026, 3, 4)  # a Wednesday
SUNDAY = date(2026, 3, 8)


@pytest.fixture
def show_day(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(core.clock, "today", lambda: SHOW_DAY)
    return SHOW_DAY


def set_today(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(core.clock, "today", lambda: day)


# --- a show, as the studio runs it ----------------------------------------------------------------
def new_card(producer: FlaskClient, session_id: int, **fields: Any) -> int:
    response = producer.post(f"/api/sessions/{session_id}/calls", json={"category": "complaint"} | fields)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def aired(as_user: Login, session_id: int, record: dict[str, Any], **card: Any) -> int:
    """A caller put on air, what the official said recorded by the clerk, then off air."""
    producer = as_user("producer")
    call_id = new_card(producer, session_id, **card)
    for step in ("pickup", "ready", "air"):
        assert producer.post(f"/api/calls/{call_id}/{step}").status_code == 200
    response = as_user("clerk").put(f"/api/calls/{call_id}/record", json=record)
    assert response.status_code == 200, response.json
    assert as_user("host").post(f"/api/calls/{call_id}/end-air").status_code == 200
    return call_id


def registered(app: Flask, session_id: int, channel: Channel, **fields: Any) -> int:
    """A matter taken down but never aired: a phone call the producer screened, a web question."""
    with app.app_context():
        session = db.session.get(AirSession, session_id)
        assert session is not None
        return create_call(session, channel, **fields).id


def unit_section(app: Flask, unit_id: int, name: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Section.id).where(Section.unit_id == unit_id, Section.name == name))
        assert found is not None
        return found


FOLLOWUP = "社区矫正人员外出审批太慢"
COMMITTED = "法律援助申请三个月没有指派律师"
ANSWERED = "继承公证需要多长时间"
WEB = "小区调解委员会不受理邻里纠纷"
PHONE = "公证处收费标准不公开"


@pytest.fixture
def ended_show(
    app: Flask, live: SimpleNamespace, as_user: Login, show_day: date
) -> Iterator[SimpleNamespace]:
    """Today's show with one call of each kind, ended by the host (which converts it)."""
    section_id = unit_section(app, live.unit_id, "社区矫正科")
    calls = SimpleNamespace(
        followup=aired(
            as_user,
            live.id,
            {"outcome": "followup", "answer": "节目后由社区矫正科核实答复"},
            caller_name="陈先生",
            contact_number="13900001111",
            address="西湖区文三路1号",
            subject=FOLLOWUP,
            details="申请外出就医一周未批",
            section_id=section_id,
        ),
        commitment=aired(
            as_user,
            live.id,
            {
                "outcome": "commitment",
                "answer": "局长当场承诺",
                "commitment_what": "三个工作日内指派律师",
                "commitment_due": "2026-03-09",
                "commitment_how": "电话告知来电人",
            },
            contact_number="13900002222",
            subject=COMMITTED,
        ),
        answered=aired(
            as_user,
            live.id,
            {"outcome": "answered", "answer": "一般15个工作日内办结"},
            contact_number="13900003333",
            subject=ANSWERED,
        ),
        web=registered(
            app, live.id, Channel.WEB, contact_number="13900004444", subject=WEB, details="已去三次"
        ),
        phone=registered(app, live.id, Channel.PHONE, caller_number="13900005555", subject=PHONE),
        abandoned=add_call(app, live.id, caller_number="13900006666", subject="", state=CallState.ABANDONED),
    )
    response = as_user("host").post(f"/api/sessions/{live.id}/end")
    assert response.status_code == 200, response.json
    yield calls


def convert(app: Flask, session_id: int) -> Converted:
    """The session's calls made cases, as the end of the show or the daily duty does."""
    with app.app_context():
        session = db.session.get(AirSession, session_id)
        assert session is not None
        result = convert_session(session, None)
        for case in result.created + result.duplicates:
            case.number  # noqa: B018  (loaded while the session is open)
        return result


def cases_by_subject(as_user: Login) -> dict[str, dict[str, Any]]:
    rows = as_user("oversight").get("/api/cases?per_page=500").json["items"]
    return {row["subject"]: row for row in rows}


# --- which calls become cases -------------------------------------------------------------------
@pytest.mark.parametrize("subject", [FOLLOWUP, COMMITTED, WEB, PHONE])
def test_ending_the_show_makes_a_case_of_each_matter_not_settled_on_air(
    ended_show: SimpleNamespace, as_user: Login, subject: str
) -> None:
    row = cases_by_subject(as_user)[subject]
    assert (row["state"], row["unit"]) == (CaseState.ASSIGNED, "市司法局")


@pytest.mark.parametrize("subject", [ANSWERED, ""])
def test_a_call_answered_on_air_or_an_empty_abandoned_one_makes_no_case(
    ended_show: SimpleNamespace, as_user: Login, subject: str
) -> None:
    assert subject not in cases_by_subject(as_user)


def test_the_show_makes_four_cases_and_no_more(ended_show: SimpleNamespace, as_user: Login) -> None:
    assert sorted(cases_by_subject(as_user)) == sorted([FOLLOWUP, COMMITTED, WEB, PHONE])


def test_a_case_carries_the_callers_card_and_the_on_air_answer(
    app: Flask, ended_show: SimpleNamespace, as_user: Login
) -> None:
    case_id = cases_by_subject(as_user)[FOLLOWUP]["id"]
    case = as_user("oversight").get(f"/api/cases/{case_id}").json
    assert {k: case[k] for k in ("caller_name", "contact_number", "address", "details", "on_air_answer")} == {
        "caller_name": "陈先生",
        "contact_number": "13900001111",
        "address": "西湖区文三路1号",
        "details": "申请外出就医一周未批",
        "on_air_answer": "节目后由社区矫正科核实答复",
    }
    assert (case["unit"], case["section"], case["received_on"]) == ("市司法局", "社区矫正科", "2026-03-04")


def test_a_case_from_a_commitment_carries_what_by_when_and_how(
    ended_show: SimpleNamespace, as_user: Login
) -> None:
    case_id = cases_by_subject(as_user)[COMMITTED]["id"]
    case = as_user("oversight").get(f"/api/cases/{case_id}").json
    assert case["commitment"] == {
        "what": "三个工作日内指派律师",
        "due": "2026-03-09",
        "how": "电话告知来电人",
        "fulfilled_on": None,
    }
    assert case["commitment_open"] is True


def test_a_phone_call_never_aired_keeps_the_callers_number(
    ended_show: SimpleNamespace, as_user: Login
) -> None:
    case_id = cases_by_subject(as_user)[PHONE]["id"]
    assert as_user("oversight").get(f"/api/cases/{case_id}").json["contact_number"] == "13900005555"


def test_cases_are_numbered_per_programme_and_year_in_call_order(
    ended_show: SimpleNamespace, as_user: Login
) -> None:
    rows = cases_by_subject(as_user)
    assert [rows[s]["number"] for s in (FOLLOWUP, COMMITTED, WEB, PHONE)] == [
        "2026-0001",
        "2026-0002",
        "2026-0003",
        "2026-0004",
    ]


def test_numbering_continues_in_the_programmes_next_session(
    app: Flask, live: SimpleNamespace, ended_show: SimpleNamespace, as_user: Login
) -> None:
    with app.app_context():
        next_session = db.session.scalar(select(AirSession.id).where(AirSession.id != live.id))
    assert next_session is not None
    add_call(app, next_session, channel=Channel.WEB, state=CallState.WAITING, subject="公证预约排队太久")

    assert [case.number for case in convert(app, next_session).created] == ["2026-0005"]


def test_another_programme_numbers_from_one(
    app: Flask, live: SimpleNamespace, ended_show: SimpleNamespace, as_user: Login
) -> None:
    with app.app_context():
        programme = Programme(name="民生直通车", station="市广播电台", frequency="FM 93.0", time_slot="周五")
        session = AirSession(
            programme=programme,
            unit_id=live.unit_id,
            air_date=SHOW_DAY,
            topic="民生",
            start_time=time(8),
            end_time=time(9),
        )
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    add_call(app, session_id, channel=Channel.WEB, state=CallState.WAITING, subject="公证预约排队太久")

    assert [case.number for case in convert(app, session_id).created] == ["2026-0001"]


def test_a_new_year_numbers_from_one(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_today(monkeypatch, date(2026, 12, 31))
    make_case(app, demo)
    set_today(monkeypatch, date(2027, 1, 4))
    call_id = add_call(app, demo.id)
    response = as_user("oversight").post(f"/api/calls/{call_id}/case")
    assert response.json["number"] == "2027-0001"


def test_converting_a_session_twice_creates_nothing_twice(
    app: Flask, live: SimpleNamespace, ended_show: SimpleNamespace, as_user: Login
) -> None:
    result = convert(app, live.id)
    assert (result.created, result.duplicates, result.already) == ([], [], 4)
    assert len(cases_by_subject(as_user)) == 4


# --- the daily duty: an ended show never stays without its cases --------------------------------
def daily(app: Flask, day: date) -> dict[str, int]:
    with app.app_context():
        return run_daily(day)


def test_calls_added_to_an_ended_show_are_made_cases_by_the_daily_duty_once(
    app: Flask, live: SimpleNamespace, ended_show: SimpleNamespace, as_user: Login, show_day: date
) -> None:
    late = "人民调解协议如何司法确认"
    add_call(app, live.id, channel=Channel.WEB, state=CallState.WAITING, subject=late)

    first, second = daily(app, show_day), daily(app, show_day)

    assert (first["converted"], second["converted"]) == (1, 0)
    rows = cases_by_subject(as_user)
    assert (rows[late]["state"], rows[late]["number"]) == (CaseState.ASSIGNED, "2026-0005")
    assert len(rows) == 5


def test_a_show_whose_conversion_failed_at_its_end_gets_its_cases_from_the_daily_duty_once(
    app: Flask, live: SimpleNamespace, as_user: Login, show_day: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(app, live.id, Channel.WEB, contact_number="13900004444", subject=WEB, details="已去三次")
    registered(app, live.id, Channel.PHONE, caller_number="13900005555", subject=PHONE)
    make_case = conversion._make_case

    def broken(*args: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(conversion, "_make_case", broken)
    with contextlib.suppress(RuntimeError):  # the show's end is committed before its calls are made cases
        as_user("host").post(f"/api/sessions/{live.id}/end")
    monkeypatch.setattr(conversion, "_make_case", make_case)
    with app.app_context():
        session = db.session.get(AirSession, live.id)
        assert session is not None and session.state == SessionState.ENDED
    assert cases_by_subject(as_user) == {}

    first, second = daily(app, show_day), daily(app, show_day)

    assert (first["converted"], second["converted"]) == (2, 0)
    assert sorted(cases_by_subject(as_user)) == sorted([WEB, PHONE])


def test_the_daily_duty_leaves_a_show_still_on_air_alone(
    app: Flask, live: SimpleNamespace, as_user: Login, show_day: date
) -> None:
    registered(app, live.id, Channel.WEB, subject=WEB)

    assert daily(app, show_day)["converted"] == 0
    assert cases_by_subject(as_user) == {}


def test_the_daily_duty_makes_nothing_of_an_ended_show_settled_on_air(
    app: Flask, live: SimpleNamespace, as_user: Login, show_day: date
) -> None:
    aired(as_user, live.id, {"outcome": "answered", "answer": "一般15个工作日内办结"}, subject=ANSWERED)
    assert as_user("host").post(f"/api/sessions/{live.id}/end").status_code == 200

    assert daily(app, show_day)["converted"] == 0
    assert cases_by_subject(as_user) == {}


# --- one call at a time -------------------------------------------------------------------------
def test_a_single_call_becomes_a_case(
    app: Flask, demo: SimpleNamespace, as_user: Login, show_day: date
) -> None:
    call_id = add_call(app, demo.id, subject="人民调解协议如何司法确认")
    response = as_user("producer").post(f"/api/calls/{call_id}/case")
    assert response.status_code == 201, response.json
    assert (response.json["number"], response.json["state"], response.json["subject"]) == (
        "2026-0001",
        CaseState.ASSIGNED,
        "人民调解协议如何司法确认",
    )


def test_a_call_already_a_case_is_not_converted_again(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    call_id = add_call(app, demo.id)
    office = as_user("oversight")
    assert office.post(f"/api/calls/{call_id}/case").status_code == 201
    response = office.post(f"/api/calls/{call_id}/case")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_a_case"
    assert office.get("/api/cases").json["total"] == 1


def test_a_call_with_no_matter_written_down_is_not_converted(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    call_id = add_call(app, demo.id, subject="", details="")
    response = as_user("oversight").post(f"/api/calls/{call_id}/case")
    assert response.status_code == 422
    assert as_user("oversight").get("/api/cases").json["total"] == 0


@pytest.mark.parametrize("username", ["handler", "official", "callback"])
def test_units_and_callback_agents_do_not_convert_calls(
    app: Flask, demo: SimpleNamespace, as_user: Login, username: str
) -> None:
    call_id = add_call(app, demo.id)
    assert as_user(username).post(f"/api/calls/{call_id}/case").status_code == 403


# --- likely duplicates --------------------------------------------------------------------------
LAMP = "小区路灯坏了三个月没人修"
LAMP_AGAIN = "小区路灯坏了三个月还是没人修"


def second_call(app: Flask, demo: SimpleNamespace, as_user: Login, subject: str = LAMP_AGAIN) -> Any:
    call_id = add_call(app, demo.id, contact_number="13700001234", subject=subject)
    return as_user("oversight").post(f"/api/calls/{call_id}/case")


@pytest.fixture
def first_case(app: Flask, demo: SimpleNamespace) -> int:
    return make_case(app, demo, CaseState.ACCEPTED, contact_number="13700001234", subject=LAMP)


def test_the_same_caller_on_a_similar_matter_is_held_as_a_likely_duplicate(
    app: Flask, demo: SimpleNamespace, as_user: Login, first_case: int
) -> None:
    first_number = as_user("oversight").get(f"/api/cases/{first_case}").json["number"]

    response = second_call(app, demo, as_user)

    assert response.status_code == 201, response.json
    assert (response.json["state"], response.json["duplicate_of"]) == (CaseState.DUPLICATE, first_number)


def test_the_same_caller_on_another_matter_is_a_new_case(
    app: Flask, demo: SimpleNamespace, as_user: Login, first_case: int
) -> None:
    response = second_call(app, demo, as_user, subject="公证费用太高")
    assert (response.json["state"], response.json["duplicate_of"]) == (CaseState.ASSIGNED, None)


def test_a_matter_like_a_settled_case_is_a_new_case(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    make_case(app, demo, CaseState.SETTLED, contact_number="13700001234", subject=LAMP)
    response = second_call(app, demo, as_user)
    assert (response.json["state"], response.json["duplicate_of"]) == (CaseState.ASSIGNED, None)


def test_a_merged_duplicate_shows_in_the_open_cases_history(
    app: Flask, demo: SimpleNamespace, as_user: Login, first_case: int
) -> None:
    duplicate = second_call(app, demo, as_user).json
    office = as_user("oversight")

    response = office.post(f"/api/cases/{duplicate['id']}/actions/merge", json={})

    assert response.status_code == 200, response.json
    assert response.json["state"] == CaseState.MERGED
    merged_in = office.get(f"/api/cases/{first_case}").json["events"][-1]
    assert merged_in["action"] == "merged_in"
    assert duplicate["number"] in merged_in["note"]


def test_a_duplicate_kept_apart_is_assigned_to_the_unit(
    app: Flask, demo: SimpleNamespace, as_user: Login, first_case: int
) -> None:
    duplicate = second_call(app, demo, as_user).json

    response = as_user("oversight").post(
        f"/api/cases/{duplicate['id']}/actions/keep", json={"note": "不同路段"}
    )

    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["duplicate_of"]) == (CaseState.ASSIGNED, None)
    assert [c["kind"] for c in response.json["callbacks"]] == ["process"]


def test_a_duplicate_is_not_merged_into_a_case_settled_meanwhile(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    first = make_case(app, demo, CaseState.CALLED_BACK, contact_number="13700001234", subject=LAMP)
    duplicate = second_call(app, demo, as_user).json
    act(app, first, "settle", "oversight")

    response = as_user("oversight").post(f"/api/cases/{duplicate['id']}/actions/merge", json={})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "merge_target_closed"


# --- due dates ----------------------------------------------------------------------------------
def convert_on(app: Flask, demo: SimpleNamespace, as_user: Login, **fields: Any) -> dict[str, Any]:
    call_id = add_call(app, demo.id, **fields)
    response = as_user("oversight").post(f"/api/calls/{call_id}/case")
    assert response.status_code == 201, response.json
    return dict(response.json)


def test_a_case_received_on_a_sunday_is_due_fifteen_days_counted_from_monday(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_today(monkeypatch, SUNDAY)
    row = convert_on(app, demo, as_user)
    assert (row["received_on"], row["due_on"], row["calendar_fallback"]) == (
        "2026-03-08",
        "2026-03-23",
        False,
    )
    assert "15" in row["due_rule"]


def test_a_case_marked_complex_gets_thirty_days(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_today(monkeypatch, SUNDAY)
    row = convert_on(app, demo, as_user)

    response = as_user("oversight").post(f"/api/cases/{row['id']}/actions/edit", json={"complex": True})

    assert response.status_code == 200, response.json
    # 8 March + 30 = Tue 7 April, the first day back after Qingming (4–6 April).
    assert (response.json["complex"], response.json["due_on"]) == (True, "2026-04-07")


def test_a_working_day_policy_skips_the_spring_festival(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = {"default": {"days": 5, "count": "working"}}
    assert (
        as_user("oversight")
        .put(f"/api/programmes/{demo.programme_id}/deadline-policy", json=policy)
        .status_code
        == 200
    )
    set_today(monkeypatch, date(2026, 2, 13))  # the Friday before the holiday

    row = convert_on(app, demo, as_user)

    # Sat 14 Feb (made up) is day 1; 15–23 Feb are off; 24, 25, 26, 27 Feb are days 2 to 5.
    assert row["due_on"] == "2026-02-27"


def test_a_year_the_holiday_calendar_does_not_know_is_flagged_on_the_case(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_today(monkeypatch, date(2027, 3, 3))
    case_id = convert_on(app, demo, as_user)["id"]

    row = as_user("oversight").get("/api/cases").json["items"][0]

    assert (row["id"], row["calendar_fallback"], row["due_on"]) == (case_id, True, "2027-03-18")
    with app.test_request_context():  # the note in the station's language, whichever it is
        note = due_date(date(2027, 3, 3), DeadlineRule(days=15)).describe()
        plain = describe_rule(DeadlineRule(days=15))
    assert row["due_rule"] == note
    assert note.startswith(plain) and note != plain
