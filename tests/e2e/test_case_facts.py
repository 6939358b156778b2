"""The case carries every fact of the call (issue 11), in the browser: a caller from a district is
aired, the clerk names the guest who answered, the call becomes a case, and the case page shows the
district, the channel, the show with a link to its summary, the guest and a recording the office can
play; the unit's handler sees the facts but no recording. The line server is not needed: the
segment's recording is stored as the line server would report it. Runs a server of its own, as it
puts today's demo show on air. Pages are in English (the ``lang`` cookie).
"""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from console.models import Recording
from tests.e2e.conftest import open_page_as, own_server, post
from tests.live_server import Console

pytestmark = pytest.mark.e2e

SUBJECT = "小区门口的法律援助点常年无人值守"
DISTRICT = "浦东新区"
GUEST = "李红"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """This module's own server: the show it puts on air does not disturb the seat tests."""
    with own_server(tmp_path_factory, "e2e-case-facts") as console:
        yield console


def store_recording(console: Console, call_id: int) -> int:
    """The segment's WAV in the recordings folder and its row, as the line server reports it."""
    path = console.instance / "recordings" / f"call-{call_id}-seg-1.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(range(256)) * 125)
    engine = create_engine(f"sqlite:///{console.instance / 'console.db'}")
    with Session(engine) as db:
        row = Recording(
            call_id=call_id, file_path=str(path), started_at=datetime.now(UTC), duration_seconds=2.0
        )
        db.add(row)
        db.commit()
        recording_id = row.id
    engine.dispose()
    return recording_id


def test_a_case_made_from_an_aired_call_shows_its_district_channel_show_guest_and_recording(
    live_server: Console, login_page: Callable[[str], Page]
) -> None:
    api = live_server.url + "/api"
    session_id = live_server.session_id
    post(live_server.login("host"), f"{api}/sessions/{session_id}/go-live")
    producer = live_server.login("producer")
    call_id = post(
        producer,
        f"{api}/sessions/{session_id}/calls",
        {"caller_name": "陈先生", "district": DISTRICT, "subject": SUBJECT, "category": "complaint"},
    )["id"]
    for step in ("pickup", "ready", "air"):
        post(producer, f"{api}/calls/{call_id}/{step}")

    # The clerk names the guest who answered, from the session's guests.
    clerk = open_page_as(login_page, live_server, "clerk", f"/live/{session_id}/clerk")
    clerk.locator("#aired [data-call-id]").filter(has_text=SUBJECT).click()
    clerk.check('#record [name="outcome"][value="followup"]')
    clerk.fill('#record [name="answer"]', "节目后由法律援助中心核实。")
    clerk.select_option('#record [name="answered_by_guest_id"]', label=f"{GUEST} · 市司法局副局长")
    expect(clerk.locator("#record-status")).to_contain_text("Saved", timeout=5000)

    post(live_server.login("host"), f"{api}/calls/{call_id}/end-air")
    recording_id = store_recording(live_server, int(str(call_id)))
    case_id = post(live_server.login("oversight"), f"{api}/calls/{call_id}/case")["id"]

    office = open_page_as(login_page, live_server, "oversight", f"/followup/cases/{case_id}")
    expect(office.locator("#matter-body")).to_contain_text(DISTRICT)
    origin = office.locator("#origin-body")
    expect(origin).to_contain_text("Manual")  # the channel: a card the producer made by hand
    expect(origin).to_contain_text("市司法局")
    expect(origin.locator(f'a[href="/live/{session_id}/summary"]')).to_have_count(1)
    expect(origin).to_contain_text(GUEST)
    audio = origin.locator("audio")
    expect(audio).to_have_attribute("src", f"/api/recordings/{recording_id}/audio")
    # Playable: the browser fetches it and reads the WAV's length.
    audio.evaluate("a => { a.preload = 'auto'; a.load(); }")
    office.wait_for_function("() => document.querySelector('#origin-body audio').readyState >= 1")
    assert audio.evaluate("a => a.duration") == pytest.approx(2.0, abs=0.1)

    handler = open_page_as(login_page, live_server, "handler", f"/followup/cases/{case_id}")
    expect(handler.locator("#origin-body")).to_contain_text(GUEST)
    expect(handler.locator("#matter-body")).to_contain_text(DISTRICT)
    expect(handler.locator("#origin-body audio")).to_have_count(0)
