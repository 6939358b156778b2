"""The callback desk: what the callback agent sees due, and what each recorded outcome does to the
case (a dissatisfied citizen or "nobody contacted me" sends it back to redo; not reached keeps
the callback due; anonymous cases have none)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.extensions import db
from followup.models import Callback, CallbackKind, Case, CaseState
from tests.followup_helpers import get_case, make_case, pending_callback

Login = Callable[[str], FlaskClient]
FRIDAY = date(2026, 3, 6)


def _due_today(app: Flask, callback_id: int, today: date) -> None:
    with app.app_context():
        callback = db.session.get(Callback, callback_id)
        assert callback is not None
        callback.due_on = today
        db.session.commit()


def test_the_agent_sees_todays_due_callbacks_with_the_full_number(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.clock.today", lambda: FRIDAY)
    case_id = make_case(app, demo, CaseState.ASSIGNED, contact_number="13912345678")
    _due_today(app, pending_callback(app, case_id, CallbackKind.PROCESS), FRIDAY)
    agent = as_user("callback")
    agent.set_cookie("lang", "en")

    page = agent.get("/followup/callbacks")
    listed = agent.get("/api/callbacks").json["items"]

    assert page.status_code == 200
    assert "Anonymous cases are exempt from callbacks" in page.get_data(as_text=True)
    assert [(c["kind"], c["case"]["id"], c["case"]["contact_number"]) for c in listed] == [
        ("process", case_id, "13912345678")
    ]


def test_a_unit_handler_may_not_open_the_callback_desk(as_user: Login) -> None:
    handler = as_user("handler")

    assert handler.get("/followup/callbacks").status_code == 403
    assert handler.get("/api/callbacks", headers={"Accept": "application/json"}).status_code == 403


def test_an_unsatisfied_citizen_sends_the_case_back_with_two_working_days(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.clock.today", lambda: FRIDAY)
    case_id = make_case(app, demo, CaseState.ANSWERED)
    callback_id = pending_callback(app, case_id, CallbackKind.RESULT)

    response = as_user("callback").post(
        f"/api/cases/{case_id}/actions/callback",
        json={"callback_id": callback_id, "channel": "phone", "reached": True, "satisfaction": "unsatisfied"},
    )

    assert response.status_code == 200, response.json
    assert response.json["state"] == CaseState.REDO
    assert response.json["due_on"] == "2026-03-10"  # Fri 6 Mar + 2 working days: Mon 9, Tue 10
    assert response.json["redo_count"] == 1


def test_nobody_contacted_me_sends_the_case_back_and_counts_against_the_unit(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, CaseState.ACCEPTED)
    callback_id = pending_callback(app, case_id, CallbackKind.PROCESS)

    response = as_user("callback").post(
        f"/api/cases/{case_id}/actions/callback",
        json={"callback_id": callback_id, "channel": "sms", "reached": True, "contacted": False},
    )

    assert response.status_code == 200, response.json
    assert response.json["state"] == CaseState.REDO
    assert response.json["no_contact_count"] == 1


def test_a_citizen_not_reached_keeps_the_callback_due(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.clock.today", lambda: FRIDAY)
    case_id = make_case(app, demo, CaseState.ANSWERED)
    callback_id = pending_callback(app, case_id, CallbackKind.RESULT)
    _due_today(app, callback_id, FRIDAY)
    agent = as_user("callback")

    response = agent.post(
        f"/api/cases/{case_id}/actions/callback",
        json={"callback_id": callback_id, "channel": "phone", "reached": False, "note": "无人接听"},
    )

    assert response.status_code == 200, response.json
    assert [c["id"] for c in agent.get("/api/callbacks").json["items"]] == [callback_id]
    assert get_case(app, case_id).state == CaseState.ANSWERED
    assert response.json["events"][-1]["note"] == "无人接听"


def test_an_anonymous_case_has_no_callbacks(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo, CaseState.ANSWERED, anonymous=True)

    listed = as_user("callback").get("/api/callbacks?day=2030-12-31").json["items"]

    assert case_id not in [c["case"]["id"] for c in listed]
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None and case.callbacks == []
