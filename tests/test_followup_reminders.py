"""The daily duty and the notices: automatic reminders once a day, escalation to a numbered
supervision notice, look-backs on open commitments, due dates recounted once the holiday calendar
is published, and delivery through the notifiers (a failing one never loses the notice)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from core import clock
from core.extensions import db
from followup.models import Callback, CallbackKind, Case, CaseEvent, CaseState, Delivery, Notice, NoticeKind
from followup.scheduler import run_daily
from tests.followup_helpers import COMMITMENT, make_case

Login = Callable[[str], FlaskClient]


def _set(app: Flask, case_id: int, **fields: object) -> None:
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        for name, value in fields.items():
            setattr(case, name, value)
        db.session.commit()


def _notices(app: Flask, case_id: int) -> list[tuple[str, str, str, int | None]]:
    with app.app_context():
        rows = db.session.scalars(select(Notice).where(Notice.case_id == case_id).order_by(Notice.id))
        return [(n.kind, n.number, n.message, n.sent_by_id) for n in rows]


def _daily(app: Flask, today: date) -> dict[str, int]:
    with app.app_context():
        return run_daily(today)


def test_an_overdue_case_is_reminded_once_a_day_saying_why(app: Flask, demo: SimpleNamespace) -> None:
    today = clock.today()
    case_id = make_case(app, demo, CaseState.ACCEPTED)
    _set(app, case_id, due_on=today - timedelta(days=3))

    first = _daily(app, today)
    second = _daily(app, today)

    notices = _notices(app, case_id)
    assert (first["reminders"], second["reminders"]) == (1, 0)
    assert len(notices) == 1
    kind, _number, message, sent_by = notices[0]
    assert (kind, sent_by) == (NoticeKind.REMINDER, None)
    assert "3" in message and (today - timedelta(days=3)).isoformat() in message


def _overdue_and_reminded_twice(app: Flask, demo: SimpleNamespace, office: FlaskClient) -> int:
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)
    _set(app, case_id, due_on=clock.today() - timedelta(days=5))
    for _ in range(2):
        sent = office.post(
            "/api/notices/bulk", json={"case_ids": [case_id], "kind": "reminder", "message": "请尽快办理"}
        )
        assert sent.json["sent"] == [case_id]
    return case_id


def test_an_overdue_case_reminded_twice_without_progress_gets_a_supervision_notice_once(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    today = clock.today()
    case_id = _overdue_and_reminded_twice(app, demo, as_user("oversight"))

    first = _daily(app, today)
    second = _daily(app, today)

    supervision = [n for n in _notices(app, case_id) if n[0] == NoticeKind.SUPERVISION]
    assert (first["supervisions"], second["supervisions"]) == (1, 0)
    assert [(n[1], n[3]) for n in supervision] == [(f"督办〔{today.year}〕1号", None)]


def test_an_edit_by_the_office_is_no_progress_and_the_supervision_notice_still_follows(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    today = clock.today()
    office = as_user("oversight")
    case_id = _overdue_and_reminded_twice(app, demo, office)
    edited = office.post(f"/api/cases/{case_id}/actions/edit", json={"internal": True})
    assert edited.status_code == 200, edited.json

    counts = _daily(app, today)

    assert counts["supervisions"] == 1
    assert [n[0] for n in _notices(app, case_id)][-1] == NoticeKind.SUPERVISION


def test_a_look_back_scheduled_does_not_end_a_stuck_spell(app: Flask, demo: SimpleNamespace) -> None:
    today = clock.today()
    case_id = make_case(app, demo, CaseState.IN_PROGRESS, record=COMMITMENT)
    # As if the case had been started ten days ago and nobody had touched it since.
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    _set(app, case_id, assigned_at=ten_days_ago)
    with app.app_context():
        db.session.execute(
            update(CaseEvent).where(CaseEvent.case_id == case_id).values(at=ten_days_ago),
            execution_options={"synchronize_session": False, "demo_backdating": True},
        )
        db.session.commit()

    counts = _daily(app, today)

    assert (counts["lookbacks"], counts["reminders"]) == (1, 1)
    assert "10" in _notices(app, case_id)[0][2]


def test_supervision_notices_are_numbered_in_sequence_per_year(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.clock.today", lambda: date(2026, 12, 30))
    cases = [make_case(app, demo, CaseState.ACCEPTED) for _ in range(3)]
    office = as_user("oversight")

    def supervise(case_id: int) -> None:
        response = office.post(f"/api/cases/{case_id}/actions/supervise", json={"message": "限期办结"})
        assert response.status_code == 200, response.json

    supervise(cases[0])
    supervise(cases[1])
    monkeypatch.setattr("core.clock.today", lambda: date(2027, 1, 4))
    supervise(cases[2])

    numbers = [_notices(app, c)[0][1] for c in cases]
    assert numbers == ["督办〔2026〕1号", "督办〔2026〕2号", "督办〔2027〕1号"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_failing_sms_gateway_is_recorded_and_the_notice_kept(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    app.config.update(HOTLINE_NOTIFIERS="log,sms", HOTLINE_SMS_URL=f"http://127.0.0.1:{_closed_port()}/sms")
    case_id = make_case(app, demo, CaseState.ACCEPTED)

    response = as_user("oversight").post(
        f"/api/cases/{case_id}/actions/remind", json={"message": "请加快办理"}
    )

    assert response.status_code == 200, response.json
    assert [n["message"] for n in response.json["notices"]] == ["请加快办理"]
    with app.app_context():
        deliveries = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
        sms = [(d.recipient, d.ok) for d in deliveries if d.notifier == "sms"]
        logged = [d.ok for d in deliveries if d.notifier == "log"]
    # The demo unit's two mobile numbers; its landlines take no text message.
    assert sms == [("13800000003", False), ("13800000004", False)]
    assert logged == [True]


def test_the_log_notifier_writes_the_notice_to_the_log(
    app: Flask, demo: SimpleNamespace, as_user: Login, caplog: pytest.LogCaptureFixture
) -> None:
    case_id = make_case(app, demo, CaseState.ACCEPTED)
    number = _case_number(app, case_id)

    with caplog.at_level(logging.INFO, logger="hotline.notify"):
        as_user("oversight").post(f"/api/cases/{case_id}/actions/remind", json={"message": "请今天答复"})

    lines = [r.getMessage() for r in caplog.records if r.name == "hotline.notify"]
    assert len(lines) == 1
    assert number in lines[0] and "请今天答复" in lines[0]


def _case_number(app: Flask, case_id: int) -> str:
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        return case.number


def test_an_open_commitment_gets_a_look_back_every_week(app: Flask, demo: SimpleNamespace) -> None:
    today = clock.today()
    case_id = make_case(app, demo, CaseState.ACCEPTED, record=COMMITMENT)

    counts = [
        _daily(app, day)["lookbacks"] for day in (today, today + timedelta(days=7), today + timedelta(days=7))
    ]

    with app.app_context():
        lookbacks = db.session.scalars(
            select(Callback.due_on).where(Callback.case_id == case_id, Callback.kind == CallbackKind.LOOKBACK)
        ).all()
    assert counts == [0, 1, 0]
    assert lookbacks == [today + timedelta(days=7)]


def test_a_due_date_counted_without_the_holiday_calendar_is_recounted_once_it_is_known(
    app: Flask, demo: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    sunday = date(2026, 3, 8)
    monkeypatch.setattr("core.clock.today", lambda: sunday)
    case_id = make_case(app, demo, CaseState.ACCEPTED)
    # As if counted before the 2026 calendar was published: Mon–Fri, flagged.
    _set(app, case_id, due_on=date(2026, 3, 25), calendar_fallback=True)

    counts = _daily(app, sunday)

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        assert (case.due_on, case.calendar_fallback) == (date(2026, 3, 23), False)  # 15 days, a Monday
        assert case.events[-1].action == "due_recomputed"
    assert counts["recomputed"] == 1


def test_a_due_date_in_a_year_still_unknown_stays_flagged(
    app: Flask, demo: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.clock.today", lambda: date(2027, 1, 8))
    case_id = make_case(app, demo, CaseState.ACCEPTED)

    counts = _daily(app, date(2027, 1, 8))

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        assert (case.due_on, case.calendar_fallback) == (date(2027, 1, 25), True)
    assert counts["recomputed"] == 0


def test_a_reminder_with_several_reasons_reads_right_in_chinese_and_english() -> None:
    from followup.scheduler import join_sentences

    assert join_sentences(["已超期 2 天。", "已 5 天无进展。"]) == "已超期 2 天。已 5 天无进展。"
    assert join_sentences(["Overdue by 2 days.", "No progress for 5 days."]) == (
        "Overdue by 2 days. No progress for 5 days."
    )
