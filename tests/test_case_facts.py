"""A case carries every fact of its call: the card's district, the channel, the show and session,
the time of the call, its line, the guest who answered (which the clerk picks from the session's
guests) and the on-air answer; the segment's recording is listed and playable from the case only
for those who may hear recordings (the studio and the oversight office), never for the unit."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from broadcast.models import AirSession, Guest
from console.models import Call, Channel, Recording
from core.extensions import db
from tests.followup_helpers import add_call
from tests.test_recordings import write_wav

AsUser = Callable[[str], FlaskClient]
CALLED_AT = datetime(2026, 11, 23, 9, 10, tzinfo=UTC)


def guest_id(app: Flask, session_id: int, name: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Guest.id).where(Guest.session_id == session_id, Guest.name == name))
        assert found is not None
        return found


def other_sessions_guest(app: Flask, demo: SimpleNamespace) -> int:
    """A guest of another session of the same programme."""
    with app.app_context():
        today = db.session.get(AirSession, demo.id)
        assert today is not None
        other = AirSession(
            programme_id=today.programme_id,
            unit_id=today.unit_id,
            air_date=today.air_date,
            start_time=today.start_time,
            end_time=today.end_time,
        )
        other.guests.append(Guest(name="别场嘉宾"))
        db.session.add(other)
        db.session.commit()
        return other.guests[0].id


def case_of(client: FlaskClient, call_id: int) -> dict[str, Any]:
    made = client.post(f"/api/calls/{call_id}/case")
    assert made.status_code == 201, made.json
    response = client.get(f"/api/cases/{made.json['id']}")
    assert response.status_code == 200, response.json
    return dict(response.json)


@pytest.fixture
def aired_call(app: Flask, demo: SimpleNamespace) -> int:
    """A phone caller from 浦东新区 on line 2, answered on air by 李红, with a follow-up."""
    return add_call(
        app,
        demo.id,
        channel=Channel.PHONE,
        line="2",
        district="浦东新区",
        arrived_at=CALLED_AT,
        host_note="来电人情绪激动",
        record={
            "outcome": "followup",
            "answer": "请把材料交到法律援助中心。",
            "answered_by_guest_id": guest_id(app, demo.id, "李红"),
        },
    )


@pytest.fixture
def recording(app: Flask, aired_call: int) -> int:
    """The aired call's segment, a WAV in the recordings folder, as the line server reports it."""
    wav = write_wav(Path(app.config["RECORDINGS_DIR"]) / "seg-1.wav")
    with app.app_context():
        row = Recording(call_id=aired_call, file_path=str(wav), started_at=CALLED_AT, duration_seconds=1.0)
        db.session.add(row)
        db.session.commit()
        return row.id


# --- conversion carries the facts ---------------------------------------------------------------


def test_the_case_carries_district_channel_session_time_line_guest_and_answer(
    as_user: AsUser, demo: SimpleNamespace, aired_call: int
) -> None:
    case = case_of(as_user("oversight"), aired_call)
    assert case["district"] == "浦东新区"
    assert case["on_air_answer"] == "请把材料交到法律援助中心。"
    origin = case["origin"]
    assert origin["channel"] == "phone"
    assert origin["channel_label"] == "电话"
    assert origin["session"]["id"] == demo.id
    assert origin["session"]["unit"] == "市司法局"
    assert origin["session"]["summary_url"] == f"/live/{demo.id}/summary"
    assert origin["called_at"].startswith("2026-11-23T09:10")
    assert origin["line"] == "2"
    assert origin["answered_by"].startswith("李红")


def test_a_web_question_says_so(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    call_id = add_call(app, demo.id, channel=Channel.WEB, district="徐汇区")
    case = case_of(as_user("oversight"), call_id)
    assert (case["district"], case["origin"]["channel"], case["origin"]["line"]) == ("徐汇区", "web", None)


def test_the_district_stays_as_it_was_when_the_case_was_made(
    app: Flask, as_user: AsUser, aired_call: int
) -> None:
    case = case_of(as_user("oversight"), aired_call)
    with app.app_context():
        call = db.session.get(Call, aired_call)
        assert call is not None
        call.district = "黄浦区"
        db.session.commit()
    assert as_user("oversight").get(f"/api/cases/{case['id']}").json["district"] == "浦东新区"


# --- the clerk names the guest who answered -----------------------------------------------------


def test_the_clerk_records_the_guest_who_answered(
    app: Flask, as_user: AsUser, live: SimpleNamespace
) -> None:
    producer = as_user("producer")
    call_id = producer.post(f"/api/sessions/{live.id}/calls", json={"subject": "法律援助"}).json["id"]
    for step in ("pickup", "ready", "air"):
        assert producer.post(f"/api/calls/{call_id}/{step}").status_code == 200
    clerk = as_user("clerk")
    stranger = other_sessions_guest(app, live)
    refused = clerk.put(f"/api/calls/{call_id}/record", json={"answered_by_guest_id": stranger})
    assert refused.status_code == 422
    assert "answered_by_guest_id" in refused.json["error"]["details"]

    guest = guest_id(app, live.id, "张强")
    saved = clerk.put(f"/api/calls/{call_id}/record", json={"answered_by_guest_id": guest})
    assert saved.status_code == 200, saved.json
    assert saved.json["answered_by_guest_id"] == guest
    page = clerk.get(f"/live/{live.id}/clerk").get_data(as_text=True)
    assert re.search(rf'<select name="answered_by_guest_id">.*value="{guest}"', page, re.S)


# --- who may hear the recording -----------------------------------------------------------------


def _embedded(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="case-data">(.*?)</script>', html, re.S)
    assert found
    return dict(json.loads(found.group(1)))


@pytest.mark.parametrize("username", ["oversight", "producer", "host", "clerk"])
def test_the_studio_and_the_office_hear_the_recording_from_the_case(
    as_user: AsUser, aired_call: int, recording: int, username: str
) -> None:
    case_id = case_of(as_user("oversight"), aired_call)["id"]
    client = as_user(username)
    listed = client.get(f"/api/cases/{case_id}").json["origin"]["recordings"]
    assert [r["id"] for r in listed] == [recording]
    page = _embedded(client.get(f"/followup/cases/{case_id}").get_data(as_text=True))
    assert page["case"]["origin"]["recordings"][0]["url"] == f"/api/recordings/{recording}/audio"
    audio = client.get(listed[0]["url"])
    assert audio.status_code == 200
    assert audio.mimetype == "audio/wav"


@pytest.mark.parametrize("username", ["handler", "reviewer"])
def test_the_unit_does_not_hear_the_recording(
    as_user: AsUser, aired_call: int, recording: int, username: str
) -> None:
    case_id = case_of(as_user("oversight"), aired_call)["id"]
    client = as_user(username)
    origin = client.get(f"/api/cases/{case_id}").json["origin"]
    assert (origin["recordings"], origin["may_hear"], origin["host_note"]) == ([], False, "")
    assert origin["session"]["summary_url"] is None
    html = client.get(f"/followup/cases/{case_id}").get_data(as_text=True)
    assert f"/api/recordings/{recording}/audio" not in html
    assert client.get(f"/api/recordings/{recording}/audio").status_code == 403
    assert client.get(f"/api/calls/{aired_call}/recordings").status_code == 403


def test_an_official_still_does_not_hear_recordings(as_user: AsUser, aired_call: int, recording: int) -> None:
    assert as_user("official").get(f"/api/recordings/{recording}/audio").status_code == 403
