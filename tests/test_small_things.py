"""Smaller things of issue 11: a show is on time against its slot's start, each role lands on its
own desk, past shows keep their summary, the error pages speak the interface language and the
policy page names no internal document codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from broadcast.models import AirSession, SessionState
from console.demo import DEMO_PASSWORD
from core import clock
from core.accounts import User
from core.extensions import db
from followup.deadlines import DeadlinePolicy
from followup.policy import save_policy
from followup.scores import unit_scores

Login = Callable[[str], FlaskClient]
TODAY = date(2026, 3, 20)


def _session(demo: SimpleNamespace, air: date, live_at: datetime) -> None:
    db.session.add(
        AirSession(
            programme_id=demo.programme_id,
            unit_id=demo.unit_id,
            air_date=air,
            start_time=time(9),
            end_time=time(10),
            state=SessionState.ENDED,
            went_live_at=live_at,
            ended_at=live_at + timedelta(hours=1),
        )
    )


def _participation(app: Flask, demo: SimpleNamespace) -> tuple[int, int]:
    with app.app_context():
        score = next(
            s for s in unit_scores(date(2026, 3, 1), date(2026, 3, 31), TODAY) if s.unit_id == demo.unit_id
        )
        measure = score.measures["participation"]
        return measure.numerator, measure.denominator


@pytest.fixture
def shows(app: Flask, demo: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with app.app_context():
        # 09:00 slots in Beijing (UTC+8): live at 09:05, at 09:30 and at 22:37 the same day.
        _session(demo, date(2026, 3, 4), datetime(2026, 3, 4, 1, 5, tzinfo=UTC))
        _session(demo, date(2026, 3, 5), datetime(2026, 3, 5, 1, 30, tzinfo=UTC))
        _session(demo, date(2026, 3, 6), datetime(2026, 3, 6, 14, 37, tzinfo=UTC))
        db.session.commit()
    return demo


def test_a_show_live_hours_after_its_slot_is_not_on_time(app: Flask, shows: SimpleNamespace) -> None:
    # The default tolerance (10 minutes) lets 09:05 count; 09:30 and 22:37 do not.
    assert _participation(app, shows) == (1, 3)


def test_the_tolerance_is_the_programmes_policy(app: Flask, shows: SimpleNamespace) -> None:
    assert DeadlinePolicy().on_time_tolerance_minutes == 10
    with app.app_context():
        admin = db.session.query(User).filter_by(username="oversight").one()
        save_policy(shows.programme_id, DeadlinePolicy(on_time_tolerance_minutes=30), admin)
    assert _participation(app, shows) == (2, 3)


def test_the_policy_api_keeps_the_tolerance(demo: SimpleNamespace, as_user: Login) -> None:
    client = as_user("oversight")
    url = f"/api/programmes/{demo.programme_id}/deadline-policy"
    policy = client.get(url).get_json()
    assert policy["on_time_tolerance_minutes"] == 10
    saved = client.put(url, json={**policy, "on_time_tolerance_minutes": 15})
    assert saved.status_code == 200, saved.get_json()
    assert client.get(url).get_json()["on_time_tolerance_minutes"] == 15
    assert client.put(url, json={**policy, "on_time_tolerance_minutes": -1}).status_code == 422


@pytest.mark.parametrize(
    ("username", "desk"),
    [("handler", "/followup/unit"), ("reviewer", "/followup/unit"), ("callback", "/followup/callbacks")],
)
def test_desk_roles_land_on_their_desk(app: Flask, demo: SimpleNamespace, username: str, desk: str) -> None:
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    landed = client.get(answer.headers["Location"], follow_redirects=True)
    assert landed.status_code == 200 and landed.request.path == desk


@pytest.mark.parametrize("username", ["producer", "host", "official", "oversight"])
def test_show_roles_still_land_on_the_shows(as_user: Login, username: str) -> None:
    assert as_user(username).get("/").status_code == 200


def test_past_shows_stay_reachable_with_their_summary(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    with app.app_context():
        past = AirSession(
            programme_id=demo.programme_id,
            unit_id=demo.unit_id,
            air_date=clock.today() - timedelta(days=7),
            start_time=time(9),
            end_time=time(10),
            state=SessionState.ENDED,
            went_live_at=datetime.now(UTC) - timedelta(days=7),
            ended_at=datetime.now(UTC) - timedelta(days=7),
        )
        db.session.add(past)
        db.session.commit()
        past_id = past.id
    page = as_user("producer").get("/").get_data(as_text=True)
    assert f'href="/live/{past_id}/summary"' in page


def test_a_missing_page_is_an_html_page_in_the_interface_language(as_user: Login) -> None:
    answer = as_user("producer").get("/no/such/page")
    assert answer.status_code == 404
    body = answer.get_data(as_text=True)
    assert answer.mimetype == "text/html"
    assert "页面不存在" in body and "Not Found" not in body
    assert 'href="/"' in body


def test_a_refused_page_is_an_html_page_in_the_interface_language(as_user: Login) -> None:
    answer = as_user("handler").get("/followup/policy")
    assert answer.status_code == 403
    body = answer.get_data(as_text=True)
    assert "无权" in body and "Forbidden" not in body


def test_the_api_keeps_its_json_errors(as_user: Login) -> None:
    answer = as_user("producer").get("/api/no/such/thing")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_the_policy_page_names_no_internal_document_codes(as_user: Login) -> None:
    body = as_user("oversight").get("/followup/policy").get_data(as_text=True)
    assert "12345热线办理时限" in body
    for code in ("(001)", "(002)", "001:", "002:", "（001）", "（002）", "001：", "002："):
        assert code not in body
