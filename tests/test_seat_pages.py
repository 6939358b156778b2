"""The host's, the officials' and the clerk's seat pages: who may open them, what they load, and
that the officials' screen never receives a full phone number."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.extensions import socketio

Login = Callable[[str], FlaskClient]

# Who may open each seat, and some of those who may not (an administrator may sit anywhere).
SEAT_USERS = {
    "host": (["host", "producer", "admin"], ["clerk", "official", "oversight", "handler"]),
    "official": (
        ["official", "host", "producer", "clerk", "oversight", "admin"],
        ["handler", "reviewer", "callback"],
    ),
    "clerk": (["clerk", "producer", "admin"], ["host", "official", "handler"]),
}


def _statuses(demo: SimpleNamespace, as_user: Login, seat: str, usernames: list[str]) -> dict[str, int]:
    return {name: as_user(name).get(f"/live/{demo.id}/{seat}").status_code for name in usernames}


@pytest.mark.parametrize("seat", SEAT_USERS)
def test_seat_page_opens_for_its_roles(demo: SimpleNamespace, as_user: Login, seat: str) -> None:
    allowed, _ = SEAT_USERS[seat]
    assert _statuses(demo, as_user, seat, allowed) == dict.fromkeys(allowed, 200)


@pytest.mark.parametrize("seat", SEAT_USERS)
def test_seat_page_is_forbidden_to_other_roles(demo: SimpleNamespace, as_user: Login, seat: str) -> None:
    _, refused = SEAT_USERS[seat]
    assert _statuses(demo, as_user, seat, refused) == dict.fromkeys(refused, 403)


@pytest.mark.parametrize("seat", ["host", "official", "clerk"])
def test_seat_page_loads_the_vendored_socket_client_and_nothing_from_outside(
    demo: SimpleNamespace, as_user: Login, seat: str
) -> None:
    html = as_user("admin").get(f"/live/{demo.id}/{seat}").get_data(as_text=True)
    assert "/static/vendor/socket.io/socket.io.min.js" in html
    assert f"/static/js/{seat}.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


@pytest.mark.parametrize(
    ("seat", "selectors"),
    [
        (
            "host",
            [
                'id="on-air"',
                'id="ready-list"',
                'id="end-segment"',
                'id="go-live"',
                'id="end-show"',
                'id="summary"',
                'id="chat-log"',
                'id="chat-input"',
                'id="chat-send"',
                'class="quick-msg"',
            ],
        ),
        ("official", ['id="current"', 'id="next"', 'id="air-timer"', 'id="prepared-answer"', 'id="conn"']),
        (
            "clerk",
            [
                'id="aired"',
                'id="record"',
                'name="outcome" value="commitment"',
                'name="answer"',
                'name="commitment_due"',
                'data-satisfaction="basic"',
                'id="record-status"',
            ],
        ),
    ],
)
def test_seat_page_has_the_places_its_script_fills(
    demo: SimpleNamespace, as_user: Login, seat: str, selectors: list[str]
) -> None:
    html = as_user("admin").get(f"/live/{demo.id}/{seat}").get_data(as_text=True)
    for selector in selectors:
        assert selector in html


def test_official_screen_shows_the_topic_without_the_menu(demo: SimpleNamespace, as_user: Login) -> None:
    html = as_user("official").get(f"/live/{demo.id}/official").get_data(as_text=True)
    assert "法律服务与社区矫正" in html
    assert 'class="topbar"' not in html


def _seat_socket(app: Flask, client: FlaskClient, session_id: int, seat: str) -> Any:
    return socketio.test_client(app, flask_test_client=client, auth={"session_id": session_id, "seat": seat})


def _received(client: Any, event: str) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == event]


def test_official_seat_receives_masked_numbers_and_the_host_the_full_number(
    app: Flask, live: SimpleNamespace, as_user: Login
) -> None:
    official = _seat_socket(app, as_user("official"), live.id, "official")
    host = _seat_socket(app, as_user("host"), live.id, "host")
    assert official.is_connected() and host.is_connected()
    official.get_received(), host.get_received()  # the snapshots

    created = as_user("producer").post(
        f"/api/sessions/{live.id}/calls", json={"caller_number": "13812345678", "subject": "法律援助"}
    )
    assert created.status_code == 201

    assert [c["caller_number"] for c in _received(official, "call")] == ["138****5678"]
    assert [c["caller_number"] for c in _received(host, "call")] == ["13812345678"]
    official.disconnect()
    host.disconnect()


def test_clerk_cannot_join_the_host_seat_by_socket(app: Flask, live: SimpleNamespace, as_user: Login) -> None:
    assert not _seat_socket(app, as_user("clerk"), live.id, "host").is_connected()
