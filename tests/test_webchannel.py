"""The public web channel, as a listener with a phone browser and the producer's seat see it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from console.demo import load_demo
from console.models import Call
from core.extensions import db, socketio
from tests.conftest import make_app

QUESTION = {
    "caller_name": "李先生",
    "contact_number": "138 0000 1111",
    "district": "西湖区",
    "category": "complaint",
    "subject": "工地夜间施工噪音",
    "content": "小区旁工地每晚十一点后还在施工，\n噪音很大。",
    "consent_publish": "y",
}
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture
def listener(app: Flask, demo: SimpleNamespace) -> FlaskClient:
    """A listener's browser; the minimum fill time is off so tests need not sleep."""
    app.config["WEB_CHANNEL_MIN_SECONDS"] = 0
    return app.test_client()


def open_form(client: FlaskClient, token: str) -> dict[str, str]:
    """The hidden fields of a freshly opened form, as the browser would send them back."""
    page = client.get(f"/w/{token}")
    assert page.status_code == 200
    hidden = dict(re.findall(r'<input[^>]*name="(stamp|csrf_token)"[^>]*value="([^"]*)"', page.text))
    return hidden


def send(client: FlaskClient, token: str, **fields: str) -> TestResponse:
    data = open_form(client, token) | QUESTION
    data.update(fields)
    return client.post(f"/w/{token}", data={k: v for k, v in data.items() if v is not None})


def stored(app: Flask) -> list[Call]:
    with app.app_context():
        calls = list(db.session.scalars(select(Call).order_by(Call.id)))
        db.session.expunge_all()
        return calls


def form_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


# --- the page ------------------------------------------------------------------------------------


def test_page_shows_the_show_and_the_form(listener: FlaskClient, demo: SimpleNamespace) -> None:
    page = listener.get(f"/w/{demo.web_token}")
    assert page.status_code == 200
    for text in (
        "政风行风热线",
        "FM 101.7",
        "市司法局",
        "法律服务与社区矫正",
        'name="subject"',
        'name="content"',
    ):
        assert text in page.text


def test_unknown_token_is_a_404_page(listener: FlaskClient) -> None:
    page = listener.get("/w/no-such-show")
    assert page.status_code == 404
    assert 'name="subject"' not in page.text


# --- accepted questions ------------------------------------------------------------------------------


def test_question_becomes_web_card_in_producer_queue(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    response = send(listener, demo.web_token)
    assert response.status_code == 302
    state = as_user("producer").get(f"/api/sessions/{demo.id}/state/producer").json
    (card,) = state["calls"]
    assert (card["channel"], card["state"]) == ("web", "waiting")
    assert card["subject"] == "工地夜间施工噪音"
    assert card["details"] == "小区旁工地每晚十一点后还在施工，\n噪音很大。"
    assert (card["contact_number"], card["caller_number"]) == ("13800001111", "13800001111")
    assert (card["category"], card["consent_publish"], card["anonymous"]) == ("complaint", True, False)


def test_question_arrives_live_on_connected_producer_seat(
    app: Flask, listener: FlaskClient, live: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    seat = socketio.test_client(
        app, flask_test_client=as_user("producer"), auth={"session_id": live.id, "seat": "producer"}
    )
    assert [e["name"] for e in seat.get_received()] == ["snapshot"]
    send(listener, live.web_token, subject="直播中提问")
    cards = [e["args"][0] for e in seat.get_received() if e["name"] == "call"]
    assert [(c["channel"], c["state"], c["subject"]) for c in cards] == [("web", "waiting", "直播中提问")]
    seat.disconnect()


def test_thank_you_page_gives_a_reference_number(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    page = send(listener, demo.web_token)
    thanks = listener.get(page.headers["Location"])
    (call,) = stored(app)
    assert f"W-{call.id:06d}" in thanks.text


def test_anonymous_listener_without_contact_is_accepted(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    send(listener, demo.web_token, caller_name="", contact_number="", anonymous="y")
    (call,) = stored(app)
    assert (call.anonymous, call.contact_number, call.caller_number) == (True, "", None)


def test_same_question_twice_is_stored_once(app: Flask, listener: FlaskClient, demo: SimpleNamespace) -> None:
    send(listener, demo.web_token)
    again = send(listener, demo.web_token)
    thanks = listener.get(again.headers["Location"])
    (call,) = stored(app)
    assert f"W-{call.id:06d}" in thanks.text
    assert 'data-receipt="duplicate"' in thanks.text


# --- hostile and broken input ---------------------------------------------------------------------


def test_markup_is_stored_verbatim_and_never_echoed_raw(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    content = " ".join(HOSTILE)
    page = send(listener, demo.web_token, caller_name=HOSTILE[1], subject=HOSTILE[0], content=content)
    thanks = listener.get(page.headers["Location"])
    (call,) = stored(app)
    assert (call.caller_name, call.subject, call.details) == (HOSTILE[1], HOSTILE[0], content)
    for text in HOSTILE:
        assert text not in thanks.text


def test_markup_in_a_refused_form_comes_back_escaped(listener: FlaskClient, demo: SimpleNamespace) -> None:
    page = send(listener, demo.web_token, caller_name=HOSTILE[1], subject="", content=HOSTILE[0])
    assert page.status_code == 200
    for text in HOSTILE:
        assert text not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_missing_subject_keeps_everything_typed(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    page = send(listener, demo.web_token, subject="")
    assert page.status_code == 200
    assert 'id="subject-error"' in page.text
    assert form_value(page.text, "caller_name") == "李先生"
    assert form_value(page.text, "contact_number") == "13800001111"
    assert form_value(page.text, "district") == "西湖区"
    assert "小区旁工地每晚十一点后还在施工，\n噪音很大。" in page.text
    assert re.search(r'<input checked[^>]*value="complaint"', page.text)
    assert re.search(r'<input checked[^>]*name="consent_publish"', page.text)
    assert stored(app) == []


def test_malformed_phone_is_refused_next_to_the_field(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    page = send(listener, demo.web_token, contact_number="call me maybe")
    assert 'id="contact_number-error"' in page.text
    assert form_value(page.text, "contact_number") == "call me maybe"
    assert stored(app) == []


def test_overlong_question_is_refused(app: Flask, listener: FlaskClient, demo: SimpleNamespace) -> None:
    page = send(listener, demo.web_token, content="长" * 2001)
    assert 'id="content-error"' in page.text
    assert stored(app) == []


def test_control_characters_are_stripped(app: Flask, listener: FlaskClient, demo: SimpleNamespace) -> None:
    send(listener, demo.web_token, subject="噪音\x00\x1b[31m\u202e投诉", content="第一行\r\n第二行\x07")
    (call,) = stored(app)
    assert (call.subject, call.details) == ("噪音[31m投诉", "第一行\n第二行")


# --- abuse --------------------------------------------------------------------------------------------


def test_filled_honeypot_pretends_success_and_stores_nothing(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    response = send(listener, demo.web_token, website="http://spam.example")
    assert response.status_code == 302
    assert stored(app) == []


def test_form_sent_too_fast_is_refused(app: Flask, listener: FlaskClient, demo: SimpleNamespace) -> None:
    app.config["WEB_CHANNEL_MIN_SECONDS"] = 3
    page = send(listener, demo.web_token)
    assert page.status_code == 200
    assert 'id="stamp-error"' in page.text
    assert form_value(page.text, "caller_name") == "李先生"
    assert stored(app) == []


def test_form_without_its_stamp_is_refused(app: Flask, listener: FlaskClient, demo: SimpleNamespace) -> None:
    page = send(listener, demo.web_token, stamp="forged")
    assert 'id="stamp-error"' in page.text
    assert stored(app) == []


def test_blocked_contact_is_quietly_not_stored(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    as_user("producer").post("/api/blocklist", json={"number": "13800001111", "reason": "nuisance"})
    response = send(listener, demo.web_token)
    assert response.status_code == 302
    assert stored(app) == []


def test_csrf_is_enforced_when_enabled(app: Flask, listener: FlaskClient, demo: SimpleNamespace) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    hidden = open_form(listener, demo.web_token)
    forged = listener.post(f"/w/{demo.web_token}", data=QUESTION | {"stamp": hidden["stamp"]})
    assert forged.status_code == 400
    assert form_value(forged.text, "caller_name") == "李先生"  # nothing typed is lost
    assert stored(app) == []
    genuine = listener.post(f"/w/{demo.web_token}", data=QUESTION | hidden)
    assert genuine.status_code == 302
    assert len(stored(app)) == 1


@pytest.fixture
def limited_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app with rate limiting on (the shared fixture turns it off): two posts a minute."""
    with make_app(
        tmp_path,
        monkeypatch,
        RATELIMIT_ENABLED=True,
        WEB_CHANNEL_RATE="2 per minute",
        WEB_CHANNEL_MIN_SECONDS=0,
    ) as app:
        with app.app_context():
            load_demo()
        yield app


def test_third_post_in_a_minute_gets_a_friendly_429(limited_app: Flask) -> None:
    with limited_app.app_context():
        token = load_demo().web_token
    client = limited_app.test_client()
    for n in range(2):
        assert send(client, token, content=f"问题 {n}").status_code == 302
    third = send(client, token, content="问题 3")
    assert third.status_code == 429
    assert 'id="notice"' in third.text
    assert "问题 3" in third.text  # the form comes back as typed
    assert len(stored(limited_app)) == 2


# --- the session's state -------------------------------------------------------------------------------


def test_questions_are_refused_after_the_show(
    app: Flask, listener: FlaskClient, live: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    hidden = open_form(listener, live.web_token)
    as_user("host").post(f"/api/sessions/{live.id}/end")
    page = listener.post(f"/w/{live.web_token}", data=QUESTION | hidden)
    assert page.status_code == 409
    assert 'name="subject"' not in page.text
    assert stored(app) == []
