"""Recordings of on-air segments: the line server reports each WAV once its recorder is closed, the
card lists it on the studio's seats, and the console plays it back from the recordings folder only.
A test client in the ``/telephony`` namespace plays the line server."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from core.extensions import socketio
from tests.test_telephony_protocol import LINES, events, give_phone, line_server_client, offer, say, screen

AsUser = Callable[[str], FlaskClient]
STARTED = "2026-11-23T09:12:30+00:00"


def write_wav(path: Path, seconds: float = 1.0) -> Path:
    """A real WAV: 8 kHz mono 16 bit, as the line server records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(range(256)) * int(seconds * 8000 * 2 / 256))
    return path


@pytest.fixture
def recordings(app: Flask) -> Path:
    """The console's recordings folder (the instance folder's ``recordings`` by default)."""
    return Path(app.instance_path) / "recordings"


@pytest.fixture
def line_server(app: Flask, live: SimpleNamespace) -> SocketIOTestClient:
    client = line_server_client(app)
    say(client, "hello", {"lines": LINES, "calls": [], "capacity": {"max_calls": 64}})
    return client


@pytest.fixture
def aired(app: Flask, line_server: SocketIOTestClient, as_user: AsUser) -> int:
    """A phone caller who has been on air and is done; the card's id."""
    give_phone(app)
    producer = as_user("producer")
    card_id = offer(line_server, "c1")["card_id"]
    screen(producer, card_id)
    for action in ("pickup", "ready", "air", "finish"):
        assert producer.post(f"/api/calls/{card_id}/{action}").status_code == 200
    return card_id


def report(line_server: SocketIOTestClient, file: Path | str, call_id: str = "c1") -> Any:
    data = {"call_id": call_id, "file": str(file), "started_at": STARTED, "duration_seconds": 1.0}
    return say(line_server, "recording", data)


def seat_client(app: Flask, as_user: AsUser, seat: str, session_id: int) -> SocketIOTestClient:
    client = socketio.test_client(
        app, flask_test_client=as_user(seat), auth={"session_id": session_id, "seat": seat}
    )
    client.get_received()
    return client


def recording_of(client: FlaskClient, card_id: int) -> dict[str, Any]:
    (recording,) = client.get(f"/api/calls/{card_id}/recordings").json["items"]
    return recording


# --- the card lists it -------------------------------------------------------------------------------


def test_recording_appears_on_the_producers_card(
    app: Flask,
    live: SimpleNamespace,
    line_server: SocketIOTestClient,
    aired: int,
    recordings: Path,
    as_user: AsUser,
) -> None:
    producer_seat = seat_client(app, as_user, "producer", live.id)

    assert report(line_server, write_wav(recordings / "card1.wav")) == {"ok": True}

    card = events(producer_seat, "call")[-1]
    assert card["id"] == aired
    (recording,) = card["recordings"]
    assert (recording["started_at"], recording["duration_seconds"]) == (STARTED, 1.0)
    assert recording["url"] == f"/api/recordings/{recording['id']}/audio"


def test_clerk_sees_the_recording_of_the_call_on_connecting(
    app: Flask,
    live: SimpleNamespace,
    line_server: SocketIOTestClient,
    aired: int,
    recordings: Path,
    as_user: AsUser,
) -> None:
    report(line_server, write_wav(recordings / "card1.wav"))

    clerk = socketio.test_client(
        app, flask_test_client=as_user("clerk"), auth={"session_id": live.id, "seat": "clerk"}
    )

    (snapshot,) = events(clerk, "snapshot")
    (card,) = [c for c in snapshot["calls"] if c["id"] == aired]
    assert len(card["recordings"]) == 1


def test_officials_screen_gets_no_recordings(
    app: Flask,
    live: SimpleNamespace,
    line_server: SocketIOTestClient,
    aired: int,
    recordings: Path,
    as_user: AsUser,
) -> None:
    official_seat = seat_client(app, as_user, "official", live.id)

    report(line_server, write_wav(recordings / "card1.wav"))

    assert all("recordings" not in card for card in events(official_seat, "call"))
    assert "recordings" not in as_user("official").get(f"/api/calls/{aired}").json


def test_same_recording_reported_twice_is_listed_once(
    line_server: SocketIOTestClient, aired: int, recordings: Path, as_user: AsUser
) -> None:
    wav = write_wav(recordings / "card1.wav")

    report(line_server, wav)
    report(line_server, wav)

    assert len(as_user("producer").get(f"/api/calls/{aired}/recordings").json["items"]) == 1


def test_two_segments_are_two_recordings_in_order(
    line_server: SocketIOTestClient, aired: int, recordings: Path, as_user: AsUser
) -> None:
    later = {"call_id": "c1", "file": str(write_wav(recordings / "b.wav")), "duration_seconds": 2.5}
    say(line_server, "recording", {**later, "started_at": "2026-11-23T09:20:00+00:00"})
    report(line_server, write_wav(recordings / "a.wav"))

    listed = as_user("host").get(f"/api/calls/{aired}/recordings").json["items"]

    assert [r["duration_seconds"] for r in listed] == [1.0, 2.5]


def test_recording_of_an_unknown_call_is_refused(line_server: SocketIOTestClient, recordings: Path) -> None:
    answer = report(line_server, write_wav(recordings / "x.wav"), call_id="nobody")

    assert answer == {"ok": False, "error": "unknown_call"}


@pytest.mark.parametrize("broken", [{"file": ""}, {"started_at": "yesterday"}, {"duration_seconds": "long"}])
def test_malformed_recording_report_is_refused(
    line_server: SocketIOTestClient, aired: int, as_user: AsUser, broken: dict[str, Any]
) -> None:
    data = {"call_id": "c1", "file": "/x.wav", "started_at": STARTED, "duration_seconds": 1.0, **broken}

    assert say(line_server, "recording", data) == {"ok": False, "error": "invalid"}
    assert as_user("producer").get(f"/api/calls/{aired}/recordings").json["items"] == []


# --- playing it back ---------------------------------------------------------------------------------


def test_recording_plays_as_wav(
    line_server: SocketIOTestClient, aired: int, recordings: Path, as_user: AsUser
) -> None:
    wav = write_wav(recordings / "card1.wav")
    report(line_server, wav)
    producer = as_user("producer")

    response = producer.get(recording_of(producer, aired)["url"])

    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data == wav.read_bytes()


def test_player_can_seek_in_the_recording(
    line_server: SocketIOTestClient, aired: int, recordings: Path, as_user: AsUser
) -> None:
    wav = write_wav(recordings / "card1.wav")
    report(line_server, wav)
    clerk = as_user("clerk")

    response = clerk.get(recording_of(clerk, aired)["url"], headers={"Range": "bytes=1000-1099"})

    assert response.status_code == 206
    assert response.data == wav.read_bytes()[1000:1100]
    assert response.headers["Content-Range"] == f"bytes 1000-1099/{wav.stat().st_size}"


@pytest.mark.parametrize("where", ["elsewhere/card1.wav", "recordings/../elsewhere/card1.wav"])
def test_file_outside_the_recordings_folder_is_refused(
    app: Flask, line_server: SocketIOTestClient, aired: int, as_user: AsUser, where: str
) -> None:
    write_wav(Path(app.instance_path) / "elsewhere" / "card1.wav")
    report(line_server, Path(app.instance_path) / where)
    producer = as_user("producer")

    response = producer.get(recording_of(producer, aired)["url"])

    assert response.status_code == 404
    assert response.json["error"]["code"] == "outside_recordings"


def test_missing_file_is_a_clear_404(
    line_server: SocketIOTestClient, aired: int, recordings: Path, as_user: AsUser
) -> None:
    report(line_server, recordings / "gone.wav")
    producer = as_user("producer")

    response = producer.get(recording_of(producer, aired)["url"])

    assert response.status_code == 404
    assert response.json["error"]["code"] == "recording_missing"


def test_unknown_recording_is_404(live: SimpleNamespace, as_user: AsUser) -> None:
    response = as_user("producer").get("/api/recordings/999/audio")

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("username", ["official", "handler"])
def test_officials_and_unit_staff_may_not_listen(
    line_server: SocketIOTestClient, aired: int, recordings: Path, as_user: AsUser, username: str
) -> None:
    report(line_server, write_wav(recordings / "card1.wav"))
    url = recording_of(as_user("producer"), aired)["url"]
    client = as_user(username)

    assert client.get(url).status_code == 403
    assert client.get(f"/api/calls/{aired}/recordings").status_code == 403
