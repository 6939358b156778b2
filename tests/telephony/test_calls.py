"""Listeners call the line server from real SIP phones (SIPp, and baresip as a softphone): their
cards reach the producer's seat while they hear the greeting, and calls the show cannot take are
turned away at once."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from telephony import softphone
from tests.telephony.conftest import LineServer, Seat, Show, SippFactory, wait_for

pytestmark = pytest.mark.telephony


def test_a_call_shows_up_as_a_card_while_the_caller_hears_the_greeting(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    caller = sipp.call(line_server.port, "13800000001", hold_ms=5000)
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000001"), timeout=5)
    assert card["state"] == "waiting"
    assert card["line"] == "L1"
    wait_for("the greeting on line L1", lambda: {"name": "L1", "state": "greeting"} in _lines(seat))
    assert caller.rtp is not None
    wait_for("audio from the line server", lambda: caller.rtp.loud > 50)
    assert caller.wait() == 0


def test_a_caller_who_hangs_up_while_waiting_is_abandoned(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    caller = sipp.call(line_server.port, "13800000002", hold_ms=2500)
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000002"))
    assert caller.wait() == 0
    wait_for("the card abandoned", lambda: seat.calls[card["id"]]["state"] == "abandoned")
    assert seat.calls[card["id"]]["hangup_reason"] == "caller_hangup"
    wait_for("line L1 free again", lambda: {"name": "L1", "state": "idle"} in _lines(seat))


def test_a_caller_who_cancels_while_it_rings_is_abandoned(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    caller = sipp.cancel(line_server.port, "13800000003", wait_ms=300)
    assert caller.wait() == 0  # 180 Ringing, then 200 to the CANCEL and 487 to the INVITE
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000003"))
    wait_for("the card abandoned", lambda: seat.calls[card["id"]]["state"] == "abandoned")
    assert seat.calls[card["id"]]["hangup_reason"] == "cancel"


def test_a_call_beyond_the_last_line_is_busy(
    show: Show, seat: Seat, line_server_factory: Callable[..., LineServer], sipp: SippFactory
) -> None:
    server = line_server_factory(lines=2)
    first, second = (
        sipp.call(server.port, number, hold_ms=8000) for number in ("13800000004", "13800000005")
    )
    wait_for(
        "both lines taken",
        lambda: show.call_by_number(seat, "13800000005") and "idle" not in seat.line_states(),
    )
    assert sipp.refused(server.port, "13800000006", 486).wait(timeout=10) == 0
    assert show.call_by_number(seat, "13800000006") is None
    assert first.wait() == 0 and second.wait() == 0


def test_a_blocked_number_is_declined_before_answering(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    blocked = show.producer.post(
        f"{show.console.url}/api/blocklist", json={"number": "13800000007", "reason": "abusive"}, timeout=10
    )
    assert blocked.status_code == 201
    assert sipp.refused(line_server.port, "13800000007", 603).wait(timeout=10) == 0
    assert show.call_by_number(seat, "13800000007") is None


def test_malformed_invites_do_not_bring_the_line_server_down(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    garbage = [
        b"\x00\xff" * 300,
        b"INVITE sip:hotline@127.0.0.1 SIP/2.0\r\n\r\n",
        b"INVITE sip:@@@ SIP/9.9\r\nVia: nonsense\r\nContent-Length: 99999\r\n\r\nv=0",
        b"INVITE sip:hotline@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\n"
        b"From: <sip:1@x>;tag=1\r\nTo: <sip:h@x>\r\nCall-ID: bad\r\nCSeq: 1 INVITE\r\n"
        b"Content-Type: application/sdp\r\nContent-Length: 20\r\n\r\nm=audio -1 RTP/AVP 999",
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for packet in garbage * 5:
            sock.sendto(packet, ("127.0.0.1", line_server.port))
    caller = sipp.call(line_server.port, "13800000008", hold_ms=2000)
    wait_for("the card of the next real call", lambda: show.call_by_number(seat, "13800000008"))
    assert caller.wait() == 0
    assert line_server.process.poll() is None


def _lines(seat: Seat) -> list[dict[str, str]]:
    return [{"name": line["name"], "state": line["state"]} for line in seat.lines]


def test_a_softphone_caller_is_answered_and_hears_the_line_server(
    show: Show, seat: Seat, line_server: LineServer, tmp_path: Path
) -> None:
    softphone.configure(tmp_path / "baresip", "13900000001", tmp_path / "heard.wav")
    result = subprocess.run(
        softphone.command(tmp_path / "baresip", f"sip:hotline@127.0.0.1:{line_server.port}", seconds=7),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    card = show.call_by_number(seat, "13900000001")
    assert card is not None
    assert "Call established" in result.stdout, result.stdout
    assert "incoming rtp for 'audio' established" in result.stdout  # it hears the line server
    wait_for(
        "the card abandoned once the softphone hangs up",
        lambda: seat.calls[card["id"]]["state"] == "abandoned",
    )
