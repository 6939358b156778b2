"""The line server survives what a show throws at it: a crash and restart (every seat sees the
lines go down and come back, and keeps every card), a stop with callers on the lines (they get
a polite BYE and the process exits cleanly), a command the console sends twice, a restart of the
console, and registering with the station's PBX."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable

import pytest

from telephony.engine import Engine
from telephony.settings import Capacity, Settings
from tests.telephony.conftest import LineServer, Seat, Show, SippFactory, wait_for

pytestmark = pytest.mark.telephony


def test_a_killed_line_server_shows_every_line_down_then_comes_back(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    sipp.call(line_server.port, "13800000401", hold_ms=60000)
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000401"))
    line_server.stop(signal.SIGKILL)
    wait_for("every line down", lambda: seat.line_states() == {"down"})
    assert seat.calls[card["id"]]["state"] == "waiting"  # the card stays while the lines are down

    line_server.restart()
    wait_for("the lines back", lambda: seat.line_states() == {"idle"}, timeout=20)
    wait_for("the lost call marked", lambda: seat.calls[card["id"]]["state"] == "abandoned")
    assert seat.calls[card["id"]]["hangup_reason"] == "lost"


def test_restarting_the_console_drops_no_call(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    caller = sipp.call(line_server.port, "13800000601", hold_ms=60000)
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000601"))
    connections = line_server.log().count("connected to the console")

    show.console.restart()
    wait_for(
        "the line server's hello to the new console",
        lambda: line_server.log().count("connected to the console") > connections,
        timeout=30,
    )
    # The seat reconnects by itself and starts over from a fresh snapshot.
    wait_for(
        "the lines up on the seat", lambda: seat.line_states() - {"down"} and "down" not in seat.line_states()
    )
    assert caller.process.poll() is None  # the caller never noticed
    assert seat.calls[card["id"]]["state"] == "waiting"
    assert seat.calls[card["id"]]["hangup_reason"] is None


def test_stopping_with_callers_on_the_lines_hangs_up_politely_and_exits_cleanly(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory
) -> None:
    callers = [
        sipp.call(line_server.port, number, hold_ms=60000) for number in ("13800000501", "13800000502")
    ]
    wait_for(
        "both callers answered",
        lambda: (
            seat.line_states() & {"greeting", "waiting"}
            and "ringing" not in seat.line_states()
            and len([line for line in seat.lines if line["state"] != "idle"]) == 2
        ),
    )
    assert line_server.stop(signal.SIGTERM) == 0
    for caller in callers:
        assert caller.wait(timeout=10) == 0  # each got a BYE and answered it
    log = line_server.log()
    assert "pjsua2 shut down" in log and "Assertion" not in log
    # pjsua2 released the GIL: the Socket.IO client's threads were never held up for long.
    late = re.search(r"other threads woke up to ([\d.]+) ms late", log)
    assert late is not None and float(late.group(1)) < 250


def test_a_repeated_command_is_answered_again_but_not_carried_out_twice(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    engine = Engine(Settings.from_env(), Capacity(8, "test"))
    sent: list[tuple[str, dict]] = []
    engine.link = type(
        "Link", (), {"emit": lambda _self, event, data, replay=False: sent.append((event, data))}
    )()
    command = {"id": "c1", "name": "drop", "call_id": "gone"}
    engine.submit("command", command)
    engine.submit("command", command)
    engine._take_inbox()
    assert sent == [("command_result", {"id": "c1", "ok": False, "error": "no such call"})] * 2


def test_the_line_server_registers_with_the_stations_pbx(
    line_server_factory: Callable[..., LineServer], sipp: SippFactory
) -> None:
    pbx = sipp.registrar()
    server = line_server_factory(
        SIP_REGISTRAR=f"sip:127.0.0.1:{pbx.port}",
        SIP_USER="hotline",
        SIP_PASSWORD="pbx-secret",
        SIP_REALM="station",
    )
    assert pbx.wait(timeout=20) == 0  # the PBX accepted the digest credentials
    wait_for(
        "the registration logged", lambda: "registration with" in server.log() and ": 200 OK" in server.log()
    )


def test_the_line_server_keeps_reporting_its_disk_during_the_show(
    line_server_factory: Callable[..., LineServer], seat: Seat
) -> None:
    line_server_factory(MIN_FREE_DISK_MB=str(10**9), CAPACITY_EVERY="0.5")  # no disk is that big
    reports = seat.line_updates
    wait_for("two more reports", lambda: seat.line_updates >= reports + 2)
    assert "MB free for recordings" in seat.capacity["disk_warning"]
