"""The follow-up desks: where /followup sends each role, the unit desk's isolation, the oversight
desk's overdue filter and bulk reminders, the office's list of extension requests, the deadline
policy editor, and the pages in both languages.

Cases are made as after a show: calls registered on the demo session, then ``convert_session``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from broadcast.models import AirSession, Unit
from console.demo import OTHER_UNIT
from console.models import Call, Channel
from core import clock
from core.db import utcnow
from core.extensions import db
from followup.conversion import convert_session
from followup.models import Case, CaseState

AsUser = Callable[[str], FlaskClient]
MONDAY = date(2026, 3, 2)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[date], None]]:
    """Moves the station's clock: ``today(date(...))``."""
    current = {"day": MONDAY}
    monkeypatch.setattr(clock, "today", lambda: current["day"])
    yield lambda day: current.update(day=day)


def other_unit_id(app: Flask) -> int:
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == OTHER_UNIT))
        assert unit is not None
        return unit.id


def make_cases(
    app: Flask, demo: SimpleNamespace, subjects: list[str], unit_id: int | None = None
) -> list[str]:
    """Calls registered on the demo session for ``unit_id`` (the session's unit when None),
    converted into cases; returns their numbers."""
    with app.app_context():
        for subject in subjects:
            number = f"139{zlib.crc32(subject.encode()) % 10**8:08d}"  # one caller per matter
            db.session.add(
                Call(
                    session_id=demo.id,
                    channel=Channel.PHONE,
                    subject=subject,
                    caller_number=number,
                    unit_id=unit_id,
                )
            )
        db.session.commit()
        session = db.session.get(AirSession, demo.id)
        assert session is not None
        return [case.number for case in convert_session(session, None).created]


def case_id(app: Flask, number: str) -> int:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        return case.id


def desk_numbers(client: FlaskClient, query: str = "due=open&per_page=500") -> set[str]:
    """The case numbers a desk shows for its list query."""
    response = client.get(f"/api/cases?{query}")
    assert response.status_code == 200, response.json
    return {row["number"] for row in response.json["items"]}


@pytest.mark.parametrize(
    ("username", "desk"),
    [
        ("handler", "/followup/unit"),
        ("reviewer", "/followup/unit"),
        ("official", "/followup/unit"),
        ("oversight", "/followup/oversight"),
        ("producer", "/followup/oversight"),
        ("callback", "/followup/callbacks"),
    ],
)
def test_followup_sends_each_role_to_its_desk(as_user: AsUser, username: str, desk: str) -> None:
    response = as_user(username).get("/followup")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(desk)


def test_the_unit_desk_lists_only_the_units_own_cases(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    ours = make_cases(app, demo, ["法律援助申请无人受理", "社区矫正人员扰民"])
    theirs = make_cases(app, demo, ["小区电梯长期停运"], unit_id=other_unit_id(app))

    assert desk_numbers(as_user("handler")) == set(ours)
    assert desk_numbers(as_user("handler2")) == set(theirs)
    page = as_user("handler2").get("/followup/unit")
    assert page.status_code == 200
    assert not any(number in page.get_data(as_text=True) for number in ours)


def test_the_unit_desk_is_not_for_the_office(as_user: AsUser) -> None:
    assert as_user("callback").get("/followup/unit").status_code == 403


def test_oversight_filters_the_overdue_cases(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, today: Callable[[date], None]
) -> None:
    (early,) = make_cases(app, demo, ["拖欠工资无人处理"])  # received Mon 2 Mar: due Tue 17 Mar
    today(date(2026, 3, 12))
    (late,) = make_cases(app, demo, ["公证费用收取过高"])  # received Thu 12 Mar: due Fri 27 Mar
    today(date(2026, 3, 20))

    oversight = as_user("oversight")
    assert desk_numbers(oversight, "due=overdue") == {early}
    assert desk_numbers(oversight, "due=open") == {early, late}


def test_a_bulk_reminder_is_refused_for_a_settled_case(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    open_number, settled_number = make_cases(app, demo, ["律师事务所拒不退费", "人民调解协议未履行"])
    with app.app_context():
        settled = db.session.get(Case, case_id(app, settled_number))
        assert settled is not None
        settled.state, settled.settled_at = CaseState.SETTLED, utcnow()
        db.session.commit()

    response = as_user("oversight").post(
        "/api/notices/bulk",
        json={
            "case_ids": [case_id(app, open_number), case_id(app, settled_number)],
            "kind": "reminder",
            "message": "请尽快办理",
        },
    )
    assert response.status_code == 200
    assert response.json["sent"] == [case_id(app, open_number)]
    assert [r["id"] for r in response.json["refused"]] == [case_id(app, settled_number)]
    assert response.json["refused"][0]["message"]


def test_the_office_sees_extension_requests_waiting_for_a_decision(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    (number,) = make_cases(app, demo, ["遗产继承公证办理缓慢"])
    handler, cid = as_user("handler"), case_id(app, number)
    assert handler.post(f"/api/cases/{cid}/actions/accept", json={}).status_code == 200
    asked = handler.post(
        f"/api/cases/{cid}/actions/request_extension",
        json={"reason": "需要调取外地档案", "requested_due": "2099-12-31"},
    )
    assert asked.status_code == 200, asked.json

    response = as_user("oversight").get("/api/extensions?state=pending")
    assert response.status_code == 200
    (row,) = response.json["items"]
    assert row["reason"] == "需要调取外地档案"
    assert row["case"]["number"] == number
    assert handler.get("/api/extensions").status_code == 403


PRESET = {
    "default": {"days": 5, "count": "working"},
    "complex": {"days": 30, "count": "calendar"},
    "redo": {"days": 2, "count": "working"},
    "rules": [],
    "due_soon_days": 2,
    "perfunctory_phrases": ["已解释"],
    "min_reply_chars": 30,
    "head_signoff_required": False,
}


def test_due_soon_follows_the_programmes_own_warning_days(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, today: Callable[[date], None]
) -> None:
    (case,) = make_cases(app, demo, ["人民调解协议不被执行"])  # received Mon 2 Mar: due Tue 17 Mar
    today(date(2026, 3, 12))  # five days before: not due soon by the default two days
    oversight = as_user("oversight")
    assert desk_numbers(oversight, "due=due_soon") == set()

    policy = oversight.get(f"/api/programmes/{demo.programme_id}/deadline-policy").json | {"due_soon_days": 5}
    assert (
        oversight.put(f"/api/programmes/{demo.programme_id}/deadline-policy", json=policy).status_code == 200
    )

    assert desk_numbers(oversight, "due=due_soon") == {case}
    assert oversight.get("/api/cases").json["items"][0]["deadline"] == "due_soon"


def test_a_new_policy_gives_new_cases_its_deadline(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, today: Callable[[date], None]
) -> None:
    (before,) = make_cases(app, demo, ["法律援助律师不尽责"])  # 15 calendar days: Tue 17 Mar
    response = as_user("oversight").put(f"/api/programmes/{demo.programme_id}/deadline-policy", json=PRESET)
    assert response.status_code == 200, response.json
    (after,) = make_cases(app, demo, ["司法鉴定结论有异议"])  # 5 working days: Mon 9 Mar

    due = {row["number"]: row["due_on"] for row in as_user("oversight").get("/api/cases").json["items"]}
    assert due == {before: "2026-03-17", after: "2026-03-09"}


def test_a_handler_may_not_change_the_policy(demo: SimpleNamespace, as_user: AsUser) -> None:
    handler = as_user("handler")
    assert handler.put(f"/api/programmes/{demo.programme_id}/deadline-policy", json=PRESET).status_code == 403
    assert handler.get("/followup/policy").status_code == 403


def test_an_invalid_policy_is_answered_field_by_field(demo: SimpleNamespace, as_user: AsUser) -> None:
    bad = PRESET | {"default": {"days": -1, "count": "working"}, "due_soon_days": "soon"}
    response = as_user("oversight").put(f"/api/programmes/{demo.programme_id}/deadline-policy", json=bad)
    assert response.status_code == 422
    assert set(response.json["error"]["details"]) == {"default.days", "due_soon_days"}


PAGES = [
    ("handler", "/followup/unit"),
    ("oversight", "/followup/oversight"),
    ("oversight", "/followup/policy"),
]


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_the_desks_render_in_chinese_by_default(as_user: AsUser, username: str, url: str) -> None:
    response = as_user(username).get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert 'id="desk-data"' in html


@pytest.mark.parametrize(
    ("username", "url", "heading"),
    [
        (*page, heading)
        for page, heading in zip(PAGES, ["Unit desk", "Oversight desk", "Deadline policy"], strict=True)
    ],
)
def test_the_desks_render_in_english(as_user: AsUser, username: str, url: str, heading: str) -> None:
    client = as_user(username)
    client.get("/lang/en")
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert f"<h1>{heading}" in html


def test_read_only_roles_get_the_oversight_desk_without_its_buttons(as_user: AsUser) -> None:
    html = as_user("producer").get("/followup/oversight").get_data(as_text=True)
    assert 'id="bulk-form"' not in html
    assert 'id="extensions-panel"' not in html
    # A show's calls are made cases by ending it, or else by the daily duty: no one does it by hand.
    assert 'id="convert-panel"' not in html
