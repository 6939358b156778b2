"""The phone lines as every seat sees them: what the line server can hold (lines, recording disk),
whether it is connected at all, and the labels the seats draw the line states with."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from console.demo import load_demo
from core.extensions import socketio
from telephony.protocol import NAMESPACE, LineState
from tests.conftest import login, make_app
from tests.test_telephony_protocol import LINES, events, line_server_client, say

AsUser = Callable[[str], FlaskClient]
SEATS = ("producer", "host", "clerk", "official")
PYPI = {
    "max_calls": 4,
    "build": "pjsua2-python 2.15.1 (PyPI)",
    "warning": "pjsua2 from PyPI: at most 4 calls",
    "disk_free_bytes": 300 * 1024 * 1024,
    "disk_warning": "only 300 MB free for recordings",
}


@pytest.fixture
def seats(app: Flask, demo: SimpleNamespace, as_user: AsUser) -> dict[str, SocketIOTestClient]:
    """Every seat of today's show, connected (before it goes live: the lines matter already)."""
    connected = {}
    for seat in SEATS:
        client = socketio.test_client(
            app, flask_test_client=as_user(seat), auth={"session_id": demo.id, "seat": seat}
        )
        client.get_received()
        connected[seat] = client
    return connected


def hello(client: SocketIOTestClient, capacity: dict[str, Any]) -> None:
    assert say(client, "hello", {"lines": LINES, "calls": [], "capacity": capacity}) == {"ok": True}


def test_few_lines_and_the_reason_reach_every_seat(app: Flask, seats: dict[str, SocketIOTestClient]) -> None:
    hello(line_server_client(app), PYPI)

    for seat, client in seats.items():
        (published,) = events(client, "lines")
        assert published["line_capacity"] == {**PYPI, "connected": True}, seat


def test_seat_connecting_later_gets_the_capacity(app: Flask, demo: SimpleNamespace, as_user: AsUser) -> None:
    hello(line_server_client(app), PYPI)

    host = socketio.test_client(
        app, flask_test_client=as_user("host"), auth={"session_id": demo.id, "seat": "host"}
    )

    (snapshot,) = events(host, "snapshot")
    assert (snapshot["line_capacity"]["max_calls"], snapshot["line_capacity"]["connected"]) == (4, True)


def test_only_the_documented_capacity_reaches_the_seats(
    app: Flask, seats: dict[str, SocketIOTestClient]
) -> None:
    hello(line_server_client(app), {"max_calls": 64, "connected": False, "sip_password": "x"})

    (published,) = events(seats["host"], "lines")
    assert published["line_capacity"] == {"max_calls": 64, "connected": True}


def test_line_server_going_away_reaches_every_seat(app: Flask, seats: dict[str, SocketIOTestClient]) -> None:
    line_server = line_server_client(app)
    hello(line_server, PYPI)
    for client in seats.values():
        client.get_received()

    line_server.disconnect(namespace=NAMESPACE)

    for seat, client in seats.items():
        (published,) = events(client, "lines")
        assert published["line_capacity"] == {"connected": False}, seat
        assert {line["state"] for line in published["lines"]} == {"down"}, seat


def test_without_a_line_server_the_seats_are_told_so(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    clerk = socketio.test_client(
        app, flask_test_client=as_user("clerk"), auth={"session_id": demo.id, "seat": "clerk"}
    )

    (snapshot,) = events(clerk, "snapshot")
    assert snapshot["line_capacity"]["connected"] is False


@pytest.mark.parametrize("seat", SEATS)
def test_every_seat_page_can_name_the_line_states_and_warnings(
    demo: SimpleNamespace, as_user: AsUser, seat: str
) -> None:
    html = as_user(seat).get(f"/live/{demo.id}/{seat}").get_data(as_text=True)

    strings = json.loads(re.search(r"window\.I18N = (\{.*?\});</script>", html, re.S).group(1))
    states = ("idle", "ringing", "greeting", "waiting", "with_producer", "ready", "on_air", "held", "down")
    assert all(strings.get(f"LineState.{state}") for state in states)
    assert "%(n)s" in strings["LineNotice.few_lines"]
    assert "%(mb)s" in strings["LineNotice.disk_low"]
    assert strings["LineNotice.down"]


def seat_page(html: str) -> dict[str, Any]:
    data = re.search(r'<script type="application/json" id="seat-page">(.*?)</script>', html, re.S)
    assert data is not None, "the seat page carries no page data"
    return json.loads(data.group(1))


@pytest.mark.parametrize("seat", SEATS)
def test_every_seat_page_warns_below_the_configured_line_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seat: str
) -> None:
    with make_app(tmp_path, monkeypatch, SIP_LINES=8) as app:
        with app.app_context():
            session_id = load_demo().id
        html = login(app, seat).get(f"/live/{session_id}/{seat}").get_data(as_text=True)

    assert seat_page(html)["line_count"] == 8


def test_the_seats_count_every_line_state(demo: SimpleNamespace, as_user: AsUser) -> None:
    html = as_user("producer").get(f"/live/{demo.id}/producer").get_data(as_text=True)

    states = seat_page(html)["line_states"]
    assert sorted(states) == sorted(LineState) and len(states) == len(LineState)


def test_disk_running_low_during_the_show_reaches_every_seat(
    app: Flask, seats: dict[str, SocketIOTestClient]
) -> None:
    line_server = line_server_client(app)
    hello(line_server, {"max_calls": 64, "disk_free_bytes": 900 * 2**20})
    for client in seats.values():
        client.get_received()

    low = {"max_calls": 64, "disk_free_bytes": 300 * 2**20, "disk_warning": "only 300 MB free"}
    line_server.emit("capacity", low, namespace=NAMESPACE)

    for seat, client in seats.items():
        (published,) = events(client, "lines")
        assert published["line_capacity"] == {**low, "connected": True}, seat
