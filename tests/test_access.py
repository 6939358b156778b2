"""Who may call which part of the console's API: logged out, the wrong role, forged requests, and
where a login sends a person afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from broadcast.models import Guest
from console.demo import DEMO_PASSWORD, DEMO_USERS
from core.accounts import Role
from core.extensions import db

AsUser = Callable[[str], FlaskClient]
ROLE_OF = {username: role for username, role, _ in DEMO_USERS}

PRODUCER = {Role.PRODUCER}
ON_AIR_DESK = {Role.HOST, Role.PRODUCER}
STUDIO = {Role.OFFICIAL, Role.HOST, Role.PRODUCER, Role.CLERK, Role.OVERSIGHT}

# (method, url with {session} {call} {guest} {entry}, JSON body, the roles that may call it).
ROUTES: list[tuple[str, str, Any, set[Role]]] = [
    ("GET", "/api/sessions/{session}/state/producer", None, PRODUCER),
    ("GET", "/api/sessions/{session}/state/host", None, ON_AIR_DESK),
    ("GET", "/api/sessions/{session}/state/official", None, STUDIO),
    ("GET", "/api/sessions/{session}/state/clerk", None, {Role.CLERK, Role.PRODUCER}),
    ("GET", "/api/sessions/{session}/summary", None, {Role.PRODUCER, Role.HOST, Role.CLERK, Role.OVERSIGHT}),
    ("POST", "/api/sessions/{session}/go-live", {}, ON_AIR_DESK),
    ("POST", "/api/sessions/{session}/end", {}, ON_AIR_DESK),
    ("POST", "/api/guests/{guest}/presence", {"present": False}, ON_AIR_DESK),
    ("POST", "/api/sessions/{session}/end-segment", {}, ON_AIR_DESK),
    ("POST", "/api/sessions/{session}/queue", {"order": []}, ON_AIR_DESK),
    ("POST", "/api/sessions/{session}/calls", {"subject": "x"}, PRODUCER),
    ("GET", "/api/calls/{call}", None, STUDIO),
    ("PATCH", "/api/calls/{call}", {"version": 1, "changes": {"subject": "x"}}, PRODUCER),
    ("POST", "/api/calls/{call}/pickup", {}, PRODUCER),
    ("POST", "/api/calls/{call}/hold", {}, PRODUCER),
    ("POST", "/api/calls/{call}/ready", {}, PRODUCER),
    ("POST", "/api/calls/{call}/finish", {}, PRODUCER),
    ("POST", "/api/calls/{call}/air", {}, ON_AIR_DESK),
    ("POST", "/api/calls/{call}/end-air", {}, ON_AIR_DESK),
    ("POST", "/api/calls/{call}/transfer", {}, PRODUCER),
    ("GET", "/api/calls/{call}/history", None, PRODUCER),
    ("GET", "/api/calls/{call}/prepared-answers", None, STUDIO),
    ("PUT", "/api/calls/{call}/record", {"answer": "x"}, {Role.CLERK, Role.PRODUCER}),
    ("GET", "/api/sessions/{session}/chat", None, ON_AIR_DESK),
    ("POST", "/api/sessions/{session}/chat", {"body": "x", "seat": "host"}, ON_AIR_DESK),
    ("GET", "/api/blocklist", None, PRODUCER),
    ("POST", "/api/blocklist", {"number": "13900001111"}, PRODUCER),
    ("DELETE", "/api/blocklist/{entry}", None, PRODUCER),
]


@pytest.fixture
def ids(app: Flask, live: SimpleNamespace, as_user: AsUser) -> dict[str, int]:
    producer = as_user("producer")
    call = producer.post(f"/api/sessions/{live.id}/calls", json={"caller_number": "13812345678"}).json
    entry = producer.post("/api/blocklist", json={"number": "13700000000"}).json
    with app.app_context():
        guest = db.session.scalar(select(Guest.id).where(Guest.session_id == live.id))
    return {"session": live.id, "call": call["id"], "guest": guest, "entry": entry["id"]}


def call_route(client: FlaskClient, method: str, url: str, body: Any, ids: dict[str, int]) -> Any:
    return client.open(url.format(**ids), method=method, json=body)


@pytest.mark.parametrize(
    ("method", "url", "body", "_allowed"), ROUTES, ids=[f"{m} {u}" for m, u, _, _ in ROUTES]
)
def test_logged_out_is_refused_with_401(
    app: Flask, ids: dict[str, int], method: str, url: str, body: Any, _allowed: set[Role]
) -> None:
    response = call_route(app.test_client(), method, url, body, ids)

    assert response.status_code == 401
    assert response.json["error"]["code"] == "login_required"


def test_logged_out_me_is_refused_with_401(app: Flask) -> None:
    response = app.test_client().get("/api/me")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "login_required"


@pytest.mark.parametrize(
    ("method", "url", "body", "allowed"), ROUTES, ids=[f"{m} {u}" for m, u, _, _ in ROUTES]
)
def test_every_other_role_is_refused_with_403(
    ids: dict[str, int], as_user: AsUser, method: str, url: str, body: Any, allowed: set[Role]
) -> None:
    refused = [username for username, role, _ in DEMO_USERS if role != Role.ADMIN and role not in allowed]

    answers = {username: call_route(as_user(username), method, url, body, ids) for username in refused}

    assert {u: r.status_code for u, r in answers.items()} == dict.fromkeys(refused, 403)
    assert {u: r.json["error"]["code"] for u, r in answers.items()} == dict.fromkeys(refused, "forbidden")


@pytest.mark.parametrize("username", [u for u, _, _ in DEMO_USERS])
def test_everyone_logged_in_may_ask_who_they_are(
    demo: SimpleNamespace, as_user: AsUser, username: str
) -> None:
    response = as_user(username).get("/api/me")

    assert response.status_code == 200
    assert response.json["user"]["role"] == ROLE_OF[username]


# --- forged requests --------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app: Flask, demo: SimpleNamespace) -> Flask:
    """The fixture's app again, on the same database, with CSRF protection on as in production."""
    settings = (
        "TESTING",
        "SQLALCHEMY_DATABASE_URI",
        "RATELIMIT_ENABLED",
        "SOCKETIO_ASYNC_MODE",
        "PASSWORD_HASH_METHOD",
    )
    return create_app({**{key: app.config[key] for key in settings}, "WTF_CSRF_ENABLED": True})


def login_with_form(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token, "the login form carries no CSRF token"
    data = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data).status_code == 302
    return client


def test_json_post_without_csrf_token_is_refused(csrf_app: Flask) -> None:
    producer = login_with_form(csrf_app, "producer")

    response = producer.post("/api/blocklist", json={"number": "13900001111"})

    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf"
    assert producer.get("/api/blocklist").json["items"] == []


def test_json_post_with_the_token_from_me_succeeds(csrf_app: Flask) -> None:
    producer = login_with_form(csrf_app, "producer")
    token = producer.get("/api/me").json["csrf_token"]

    response = producer.post("/api/blocklist", json={"number": "13900001111"}, headers={"X-CSRFToken": token})

    assert response.status_code == 201


def test_login_form_without_csrf_token_is_refused(csrf_app: Flask) -> None:
    response = csrf_app.test_client().post("/login", data={"username": "producer", "password": DEMO_PASSWORD})

    assert response.status_code != 302


# --- where a login leads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "",
    ],
    ids=["absolute", "scheme-relative", "backslash", "double-backslash", "tab", "empty"],
)
def test_login_never_leads_off_site(app: Flask, demo: SimpleNamespace, target: str) -> None:
    response = app.test_client().post(
        "/login", query_string={"next": target}, data={"username": "host", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_leads_back_to_the_page_asked_for(app: Flask, demo: SimpleNamespace) -> None:
    response = app.test_client().post(
        "/login",
        query_string={"next": f"/live/{demo.id}/host"},
        data={"username": "host", "password": DEMO_PASSWORD},
    )

    assert response.headers["Location"] == f"/live/{demo.id}/host"


def test_seat_page_sends_a_logged_out_visitor_to_login_and_back(app: Flask, demo: SimpleNamespace) -> None:
    client = app.test_client()
    to_login = client.get(f"/live/{demo.id}/host")
    assert to_login.status_code == 302

    response = client.post(to_login.headers["Location"], data={"username": "host", "password": DEMO_PASSWORD})

    assert response.headers["Location"].startswith(f"/live/{demo.id}/host")
