"""The producer and host move phone callers through the show with the console's buttons, and the
line server does it with the calls: the producer's own phone, hold audio, the studio bus, the
segment's recording, and the transfer of an urgent matter to a unit's duty number."""

from __future__ import annotations

import re
import subprocess
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.telephony.conftest import LineServer, Seat, Show, SippFactory, uri, wait_for

pytestmark = pytest.mark.telephony


@pytest.fixture
def producer_phone(show: Show) -> Iterator[Callable[[str], None]]:
    """Sets the demo producer's own SIP phone (as the administrator would); cleared afterwards."""
    users = show.admin.get(f"{show.console.url}/api/users", timeout=10).json()["items"]
    producer_id = next(u["id"] for u in users if u["username"] == "producer")

    def set_extension(extension: str) -> None:
        answer = show.admin.patch(
            f"{show.console.url}/api/users/{producer_id}",
            json={"sip_extension": extension or None},
            timeout=10,
        )
        answer.raise_for_status()

    yield set_extension
    set_extension("")


def test_picking_up_rings_the_producers_phone_and_hold_puts_the_caller_back(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory, producer_phone: Callable[[str], None]
) -> None:
    phone = sipp.phone()
    producer_phone(uri(phone, "201"))
    caller = sipp.call(line_server.port, "13800000101", hold_ms=20000)
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000101"))
    assert show.act(card["id"], "pickup").status_code == 200
    wait_for("the line with the producer", lambda: _line(seat, card)["state"] == "with_producer")
    assert phone.rtp is not None
    wait_for("the caller's voice on the producer's phone", lambda: phone.rtp.loud > 25)

    assert show.act(card["id"], "hold").status_code == 200
    assert phone.wait(timeout=10) == 0  # the producer's leg got its BYE
    wait_for("the line on hold", lambda: _line(seat, card)["state"] == "held")
    assert caller.process.poll() is None  # the caller is still there


def test_two_callers_on_air_reach_the_studio_and_the_segment_is_recorded(
    show: Show, seat: Seat, line_server_factory: Callable[..., LineServer], sipp: SippFactory
) -> None:
    studio = sipp.phone()
    server = line_server_factory(studio=uri(studio, "studio"))
    callers = [sipp.call(server.port, number, hold_ms=30000) for number in ("13800000201", "13800000202")]
    cards = [
        wait_for("a card", lambda n=n: show.call_by_number(seat, n)) for n in ("13800000201", "13800000202")
    ]
    for card in cards:
        # Screened from the card alone: the subject is what a caller needs to be ready.
        written = show.producer.patch(
            f"{show.console.url}/api/calls/{card['id']}",
            json={"version": card["version"], "changes": {"subject": "小区噪音扰民"}},
            timeout=10,
        )
        assert written.status_code == 200, written.text
        assert show.act(card["id"], "ready").status_code == 200
        assert show.act(card["id"], "air").status_code == 200
    aired = time.monotonic()
    wait_for("both lines on air", lambda: all(_line(seat, card)["state"] == "on_air" for card in cards))
    assert studio.rtp is not None
    wait_for("the callers' voices in the studio", lambda: studio.rtp.loud > 100)
    time.sleep(max(0.0, 4.0 - (time.monotonic() - aired)))

    ended = show.producer.post(f"{show.console.url}/api/sessions/{show.session_id}/end-segment", timeout=10)
    assert ended.status_code == 200
    seconds = time.monotonic() - aired
    assert studio.wait(timeout=10) == 0  # nobody on air: the studio leg is released
    # Back to the producer, held (after air); finished, each is dropped politely (BYE).
    wait_for("both lines on hold", lambda: all(_line(seat, card)["state"] == "held" for card in cards))
    for card, caller in zip(cards, callers, strict=True):
        assert caller.process.poll() is None
        assert show.act(card["id"], "finish").status_code == 200
        assert caller.wait(timeout=10) == 0
    for card in cards:
        listed = wait_for("the recording on the card", lambda c=card: seat.calls[c["id"]].get("recordings"))
        assert len(listed) == 1
        assert seconds - 1.5 < listed[0]["duration_seconds"] < seconds + 1.0
        [path] = server.recordings.glob(f"*_card{card['id']}_*.wav")
        assert re.fullmatch(r"\d{8}_card\d+_\d{6}\.wav", path.name)
        with wave.open(str(path)) as wav:
            length = wav.getnframes() / wav.getframerate()
        assert seconds - 1.5 < length < seconds + 1.0
        assert _rms(path) > 0.01


def test_a_caller_whose_segment_ends_is_held_for_the_producer_not_hung_up(
    show: Show,
    seat: Seat,
    line_server_factory: Callable[..., LineServer],
    sipp: SippFactory,
    producer_phone: Callable[[str], None],
) -> None:
    studio, phone = sipp.phone(), sipp.phone()
    server = line_server_factory(studio=uri(studio, "studio"))
    producer_phone(uri(phone, "201"))
    caller = sipp.call(server.port, "13800000701", hold_ms=30000)
    card = wait_for("the card", lambda: show.call_by_number(seat, "13800000701"))
    written = show.producer.patch(
        f"{show.console.url}/api/calls/{card['id']}",
        json={"version": card["version"], "changes": {"subject": "法律援助申请条件"}},
        timeout=10,
    )
    assert written.status_code == 200, written.text
    for action in ("ready", "air"):
        answer = show.act(card["id"], action)
        assert answer.status_code == 200, answer.text
    wait_for("the caller's voice in the studio", lambda: studio.rtp is not None and studio.rtp.loud > 25)

    assert show.act(card["id"], "end-air").status_code == 200

    wait_for("the line on hold", lambda: _line(seat, card)["state"] == "held")
    assert studio.wait(timeout=10) == 0  # off the air: the studio leg is released
    assert seat.calls[card["id"]]["state"] == "after_air"
    heard = caller.rtp.loud
    wait_for("hold audio for the caller", lambda: caller.rtp.loud > heard + 25)
    assert caller.process.poll() is None  # still on the line
    # The producer picks the caller up again on their own phone, and lets them go once asked.
    assert show.act(card["id"], "pickup-after-air").status_code == 200
    wait_for("the line with the producer", lambda: _line(seat, card)["state"] == "with_producer")
    assert phone.rtp is not None
    wait_for("the caller's voice on the producer's phone", lambda: phone.rtp.loud > 25)
    assert seat.calls[card["id"]]["state"] == "after_air"
    assert show.act(card["id"], "finish").status_code == 200
    assert caller.wait(timeout=10) == 0
    wait_for("the card done", lambda: seat.calls[card["id"]]["state"] == "done")


@pytest.mark.parametrize("three_way", [False, True], ids=["blind", "three_way"])
def test_an_urgent_matter_is_handed_to_the_units_duty_number(
    show: Show, seat: Seat, line_server: LineServer, sipp: SippFactory, three_way: bool
) -> None:
    duty = sipp.phone()
    for unit in show.admin.get(f"{show.console.url}/api/units", timeout=10).json()["items"]:
        answer = show.admin.patch(
            f"{show.console.url}/api/units/{unit['id']}", json={"duty_phone": uri(duty, "duty")}, timeout=10
        )
        answer.raise_for_status()
    number = f"1380000030{int(three_way)}"
    caller = sipp.call(line_server.port, number, hold_ms=20000)
    card = wait_for("the card", lambda: show.call_by_number(seat, number))
    answer = show.producer.post(
        f"{show.console.url}/api/calls/{card['id']}/transfer", json={"three_way": three_way}, timeout=10
    )
    assert answer.status_code == 202  # the line server carries it out
    # Blind: the caller's phone refuses the REFER, so the line server bridges the call instead.
    assert duty.rtp is not None
    wait_for("the caller's voice at the duty phone", lambda: duty.rtp.loud > 25)
    assert caller.process.poll() is None


def _line(seat: Seat, card: dict) -> dict:
    return next((line for line in seat.lines if line["name"] == card["line"]), {"state": None})


def _rms(path: Path) -> float:
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", stat).group(1))
