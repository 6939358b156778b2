"""A commitment made on air binds the case (issue 11): its own date is a deadline of the case beside
the policy's, on the desks, the case page, the scores and the reminders; the unit reports it kept with
evidence, the office confirms it (or rejects it back to the unit) or the result callback confirms it
with the citizen, and then the case settles.

The station's clock is moved (``today``): the case is received on 2026-12-06, so the 15-day policy
makes it due 2026-12-21, and the official promised on air to act by 2026-12-09.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from console.models import Outcome
from core import clock
from core.extensions import db
from followup import scheduler
from followup.models import CallbackKind, Case, CaseState
from followup.scores import unit_scores
from tests.followup_helpers import get_case, make_case, pending_callback

S = CaseState
Login = Callable[[str], FlaskClient]
RECEIVED = date(2026, 12, 6)
PROMISED = date(2026, 12, 9)
POLICY_DUE = date(2026, 12, 21)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def commitment(due: date = PROMISED) -> dict[str, Any]:
    return {
        "outcome": Outcome.COMMITMENT,
        "answer": "局长在节目中承诺三天内派人上门",
        "commitment_what": "派人上门清理小区门口堆放的垃圾",
        "commitment_due": due,
        "commitment_how": "电话告知来电人",
    }


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[date], None]]:
    """Moves the station's clock: ``today(date(...))``; it starts on the day the case is received."""
    current = {"day": RECEIVED}
    monkeypatch.setattr(clock, "today", lambda: current["day"])
    yield lambda day: current.update(day=day)


def post_action(client: FlaskClient, case_id: int, name: str, data: dict[str, Any]) -> Any:
    return client.post(f"/api/cases/{case_id}/actions/{name}", json=data)


def row_of(client: FlaskClient, case_id: int, **args: str) -> dict[str, Any] | None:
    rows = client.get("/api/cases", query_string={"per_page": "500", **args}).json["items"]
    return next((r for r in rows if r["id"] == case_id), None)


def upload(client: FlaskClient, case_id: int, name: str = "现场.png", content: bytes = PHOTO) -> Any:
    return client.post(
        f"/api/cases/{case_id}/attachments",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def report_kept(as_user: Login, case_id: int) -> Any:
    handler = as_user("handler")
    photo = upload(handler, case_id)
    assert photo.status_code == 201, photo.json
    return post_action(
        handler,
        case_id,
        "report_kept",
        {"body": "12月8日已派环卫工人清运垃圾，并设置了分类垃圾桶。", "attachment_ids": [photo.json["id"]]},
    )


def actions(client: FlaskClient, case_id: int) -> list[str]:
    return [a["name"] for a in client.get(f"/api/cases/{case_id}").json["actions"]]


def pending_report(client: FlaskClient, case_id: int) -> dict[str, Any]:
    reports = client.get(f"/api/cases/{case_id}").json["commitment_reports"]
    return next(r for r in reports if r["state"] == "pending")


# --- the commitment's date is a deadline of the case ----------------------------------------------
def test_an_earlier_commitment_is_the_nearer_deadline_on_the_desks(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.ASSIGNED, record=commitment())
    row = row_of(as_user("oversight"), case_id)
    assert row is not None
    assert (row["due_on"], row["commitment_due"]) == (POLICY_DUE.isoformat(), PROMISED.isoformat())
    assert row["nearer_deadline"] == "commitment"
    assert (row["deadline"], row["commitment_deadline"]) == ("on_time", "on_time")

    today(date(2026, 12, 8))
    assert row_of(as_user("handler"), case_id)["commitment_deadline"] == "due_soon"  # type: ignore[index]

    today(date(2026, 12, 10))
    row = row_of(as_user("oversight"), case_id)
    assert row is not None
    assert (row["deadline"], row["commitment_deadline"]) == ("on_time", "overdue")
    assert row["commitment_deadline_label"] == "超期"  # the policy deadline's words
    # The office's "overdue" filter finds it: overdue for its commitment, not for the policy.
    assert row_of(as_user("oversight"), case_id, due="overdue") is not None


def test_a_later_commitment_leaves_the_case_due_by_the_policy_and_stays_open_once_answered(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.ANSWERED, record=commitment(date(2026, 12, 31)))
    row = row_of(as_user("oversight"), case_id)
    assert row is not None
    assert row["deadline"] == "met"  # answered by the policy's date
    assert row["commitment_open"] is True
    assert row["nearer_deadline"] == "commitment"  # the only deadline still running
    today(date(2027, 1, 4))
    row = row_of(as_user("oversight"), case_id, due="overdue")
    assert row is not None and row["commitment_deadline"] == "overdue"


def test_a_case_without_a_commitment_keeps_its_policy_deadline_alone(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.ASSIGNED)
    row = row_of(as_user("oversight"), case_id)
    assert row is not None
    assert (row["commitment_due"], row["commitment_deadline"]) == (None, None)
    assert row["nearer_deadline"] == "policy"


def test_the_case_page_shows_the_commitments_deadline(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.ASSIGNED, record=commitment())
    today(date(2026, 12, 10))
    case = as_user("handler").get(f"/api/cases/{case_id}").json
    assert case["commitment"]["due"] == PROMISED.isoformat()
    assert case["commitment_deadline"] == "overdue"
    page = as_user("handler").get(f"/followup/cases/{case_id}").get_data(as_text=True)
    assert '"commitment_deadline": "overdue"' in page


def test_scores_count_commitments_due_soon_overdue_and_kept_on_time(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    kept = make_case(app, demo, S.IN_PROGRESS, record=commitment())
    make_case(app, demo, S.IN_PROGRESS, record=commitment())  # overdue on 12-10
    make_case(app, demo, S.IN_PROGRESS, record=commitment(date(2026, 12, 12)))  # due soon on 12-10
    make_case(app, demo, S.IN_PROGRESS)  # no commitment: counts nowhere
    today(date(2026, 12, 8))
    assert report_kept(as_user, kept).status_code == 200
    office = as_user("oversight")
    confirm = {"report_id": pending_report(office, kept)["id"]}
    assert post_action(office, kept, "confirm_kept", confirm).status_code == 200

    today(date(2026, 12, 10))
    with app.app_context():
        score = next(s for s in unit_scores(RECEIVED, RECEIVED) if s.unit_id == demo.unit_id)
    assert score.commitments_overdue == 1
    assert score.commitments_due_soon == 1
    on_time = score.commitments_kept_on_time
    assert (on_time.numerator, on_time.denominator) == (1, 2)  # kept on time / kept + overdue
    page = office.get("/api/scores", query_string={"start": "2026-12-01", "end": "2026-12-31"})
    assert page.status_code == 200, page.json
    unit = next(u for u in page.json["ranked"] + page.json["unranked"] if u["unit_id"] == demo.unit_id)
    assert unit["commitments"] == {
        "due_soon": 1,
        "overdue": 1,
        "kept_on_time": {"numerator": 1, "denominator": 2, "rate": 0.5},
    }


def test_the_daily_duty_reminds_the_unit_of_a_commitment_due_soon_or_overdue(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    answered = make_case(app, demo, S.CALLED_BACK, record=commitment())
    today(date(2026, 12, 10))
    with app.app_context():
        assert scheduler.run_daily(date(2026, 12, 10))["reminders"] >= 1
    notices = as_user("handler").get(f"/api/cases/{answered}").json["notices"]
    assert len(notices) == 1
    assert "2026-12-09" in notices[0]["message"]


# --- the unit reports it kept, the office confirms ------------------------------------------------
def test_the_unit_reports_the_commitment_kept_and_the_office_confirms_then_the_case_settles(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=commitment())
    office = as_user("oversight")
    assert post_action(office, case_id, "settle", {}).json["error"]["code"] == "commitment_open"
    handler = as_user("handler")
    assert "report_kept" in actions(handler, case_id)

    today(date(2026, 12, 8))
    response = report_kept(as_user, case_id)
    assert response.status_code == 200, response.json
    report = pending_report(handler, case_id)
    assert report["attachments"][0]["filename"] == "现场.png"
    assert response.json["commitment_open"] is True  # not kept until confirmed
    # One report waits at a time; the unit is not offered another meanwhile.
    assert "report_kept" not in [a["name"] for a in response.json["actions"]]
    # The evidence downloads for those who see the case.
    assert office.get(report["attachments"][0]["url"]).data == PHOTO

    today(date(2026, 12, 11))
    response = post_action(office, case_id, "confirm_kept", {"report_id": report["id"], "note": "照片属实"})
    assert response.status_code == 200, response.json
    assert response.json["commitment"]["fulfilled_on"] == "2026-12-08"  # kept when the unit did it
    assert response.json["commitment_deadline"] == "met"
    assert [e["action"] for e in response.json["events"]][-2:] == ["report_kept", "confirm_kept"]

    response = post_action(office, case_id, "settle", {})
    assert response.status_code == 200, response.json
    assert response.json["state"] == S.SETTLED


def test_the_office_rejects_a_report_with_a_reason_and_the_unit_reports_again(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=commitment())
    assert report_kept(as_user, case_id).status_code == 200
    office = as_user("oversight")
    report = pending_report(office, case_id)
    refused = post_action(office, case_id, "reject_kept", {"report_id": report["id"]})
    assert refused.status_code == 422  # a rejection says why
    reject = {"report_id": report["id"], "reason": "照片看不出已清运"}
    response = post_action(office, case_id, "reject_kept", reject)
    assert response.status_code == 200, response.json
    assert response.json["commitment_open"] is True
    assert response.json["commitment_reports"][0]["state"] == "rejected"
    assert response.json["events"][-1]["note"] == "照片看不出已清运"
    assert "report_kept" in actions(as_user("handler"), case_id)
    assert report_kept(as_user, case_id).status_code == 200


def test_who_may_report_and_confirm(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    plain = make_case(app, demo, S.IN_PROGRESS)
    refused = post_action(as_user("handler"), plain, "report_kept", {"body": "已办理完毕并告知来电人。"})
    assert refused.status_code == 409  # no commitment to keep
    assert "report_kept" not in actions(as_user("handler"), plain)

    case_id = make_case(app, demo, S.IN_PROGRESS, record=commitment())
    body = {"body": "已派人清运垃圾，现场已整洁。"}
    assert post_action(as_user("callback"), case_id, "report_kept", body).status_code == 403
    assert post_action(as_user("handler2"), case_id, "report_kept", body).status_code == 404
    assert post_action(as_user("handler"), case_id, "report_kept", body).status_code == 200
    report = pending_report(as_user("oversight"), case_id)
    confirm = {"report_id": report["id"]}
    assert post_action(as_user("handler"), case_id, "confirm_kept", confirm).status_code == 403
    assert post_action(as_user("handler"), case_id, "report_kept", body).status_code == 409  # one waits


def test_an_evidence_file_of_a_forbidden_type_or_too_large_is_refused_with_a_clear_error(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=commitment())
    response = upload(as_user("handler"), case_id, "run.exe", b"MZ")
    assert response.status_code == 422
    assert "file" in response.json["error"]["details"]
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = upload(as_user("handler"), case_id, "大.png", PHOTO * 20000)
    assert response.status_code == 422
    assert "1 MB" in response.json["error"]["details"]["file"]


# --- the result callback confirms it with the citizen ---------------------------------------------
def test_the_result_callback_confirms_the_commitment_with_the_citizen(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.ANSWERED, record=commitment())
    callback_id = pending_callback(app, case_id, CallbackKind.RESULT)
    today(date(2026, 12, 9))
    response = post_action(
        as_user("callback"),
        case_id,
        "callback",
        {"callback_id": callback_id, "channel": "phone", "satisfaction": "basic", "commitment_kept": True},
    )
    assert response.status_code == 200, response.json
    assert response.json["commitment"]["fulfilled_on"] == "2026-12-09"
    response = post_action(as_user("oversight"), case_id, "settle", {})
    assert response.status_code == 200, response.json


def test_the_weekly_look_back_still_confirms_a_commitment(
    app: Flask, demo: SimpleNamespace, as_user: Login, today: Callable[[date], None]
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=commitment())
    assert report_kept(as_user, case_id).status_code == 200
    today(date(2026, 12, 20))
    with app.app_context():
        scheduler.schedule_lookbacks(date(2026, 12, 20))  # a week after the case was made
    callback_id = pending_callback(app, case_id, CallbackKind.LOOKBACK)
    body = {"callback_id": callback_id, "channel": "phone", "fulfilled": True}
    response = post_action(as_user("callback"), case_id, "callback", body)
    assert response.status_code == 200, response.json
    assert response.json["commitment"]["fulfilled_on"] == "2026-12-06"  # the report's day
    assert response.json["commitment_reports"][0]["state"] == "confirmed"
    assert get_case(app, case_id).commitment_open is False
    with app.app_context():
        assert db.session.get(Case, case_id) is not None


def test_a_servers_day_is_pinned_by_its_today_setting(app: Flask) -> None:
    """What the browser test of deadlines runs its server with (HOTLINE_TODAY)."""
    app.config["TODAY"] = "2026-12-10"
    with app.app_context():
        assert clock.today() == date(2026, 12, 10)
    app.config["TODAY"] = ""
    with app.app_context():
        assert clock.today() == clock.local_date(datetime.now(UTC))
