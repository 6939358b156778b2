"""After air, back to the producer: a caller whose segment the host ends is held for the producer
(state ``after_air``, the line server's ``hold``), unless the host hangs up; the producer picks the
caller up again, records the satisfaction with the on-air answer in one click and finishes the
call; the unit's score counts that satisfaction. A line server test client stands in for the
line server, so the commands the console sends are seen as it would see them."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from core import clock
from telephony.protocol import NAMESPACE
from tests.test_telephony_protocol import (
    LINES,
    PRODUCER_PHONE,
    commands,
    give_phone,
    line_server_client,
    phone_card,
    say,
)

AsUser = Callable[[str], FlaskClient]


@pytest.fixture
def line_server(app: Flask, live: SimpleNamespace) -> SocketIOTestClient:
    give_phone(app)
    client = line_server_client(app)
    assert say(client, "hello", {"lines": LINES, "calls": [], "capacity": {}}) == {"ok": True}
    return client


def aired(line_server: SocketIOTestClient, as_user: AsUser, call_id: str = "c1") -> int:
    """A phone caller screened, ready and on air; the commands so far are read and dropped."""
    return phone_card(line_server, as_user("producer"), call_id, "pickup", "ready", "air")


def on_air_satisfaction(as_user: AsUser, unit_id: int) -> dict[str, Any]:
    """The unit's on-air satisfaction on the scores, for today, as the oversight office reads it."""
    today = clock.today().isoformat()
    answer = as_user("oversight").get(f"/api/scores?start={today}&end={today}&min_cases=0")
    assert answer.status_code == 200, answer.json
    score = next(s for s in answer.json["ranked"] + answer.json["unranked"] if s["unit_id"] == unit_id)
    return {"counts": score["on_air_satisfaction"], "measure": score["measures"]["on_air_satisfaction"]}


def test_ending_a_segment_puts_the_caller_on_hold_for_the_producer(
    line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)

    answer = as_user("host").post(f"/api/calls/{card_id}/end-air")

    assert answer.status_code == 200, answer.json
    card = as_user("producer").get(f"/api/calls/{card_id}").json
    assert card["state"] == "after_air"
    assert card["aired_at"] is not None and card["air_ended_at"] is not None
    assert card["finished_at"] is None  # still on the line
    assert [c["name"] for c in commands(line_server)] == ["hold"]  # held, not dropped
    assert {"pickup-after-air", "finish"} <= set(card["actions"])
    assert answer.json["actions"] == []  # the host is done with the caller


def test_ending_the_segment_holds_everyone_on_air(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    cards = [aired(line_server, as_user, call_id) for call_id in ("c1", "c2")]

    answer = as_user("host").post(f"/api/sessions/{live.id}/end-segment")

    assert answer.status_code == 200
    assert {c["state"] for c in answer.json["items"]} == {"after_air"}
    assert sorted(c["call_id"] for c in commands(line_server)) == ["c1", "c2"]
    assert {as_user("producer").get(f"/api/calls/{i}").json["state"] for i in cards} == {"after_air"}


def test_the_host_may_hang_up_instead(line_server: SocketIOTestClient, as_user: AsUser) -> None:
    card_id = aired(line_server, as_user)

    answer = as_user("host").post(f"/api/calls/{card_id}/end-air-hang-up")

    assert answer.status_code == 200, answer.json
    assert answer.json["state"] == "done"
    assert answer.json["air_ended_at"] is not None and answer.json["finished_at"] is not None
    assert [c["name"] for c in commands(line_server)] == ["drop"]


def test_the_producer_picks_the_caller_up_again_and_the_card_stays_after_air(
    line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")
    before = as_user("producer").get(f"/api/calls/{card_id}").json
    line_server.get_received(NAMESPACE)

    answer = as_user("producer").post(f"/api/calls/{card_id}/pickup-after-air")

    assert answer.status_code == 200, answer.json
    assert answer.json["state"] == "after_air"
    assert answer.json["aired_at"] == before["aired_at"]
    assert answer.json["air_ended_at"] == before["air_ended_at"]
    [command] = commands(line_server)
    assert (command["name"], command["args"]) == ("pick_up", {"extension": PRODUCER_PHONE})


def test_picking_up_after_air_without_a_phone_says_so(
    app: Flask, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")
    line_server.get_received(NAMESPACE)
    give_phone(app, None)

    answer = as_user("producer").post(f"/api/calls/{card_id}/pickup-after-air")

    assert answer.status_code == 409
    assert answer.json["error"]["code"] == "no_phone"
    assert commands(line_server) == []


def test_one_click_records_the_satisfaction_and_the_score_counts_it(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")
    before = on_air_satisfaction(as_user, live.unit_id)

    answer = as_user("producer").put(f"/api/calls/{card_id}/record", json={"satisfaction": "satisfied"})

    assert answer.status_code == 200, answer.json
    assert answer.json["satisfaction"] == "satisfied"
    after = on_air_satisfaction(as_user, live.unit_id)
    assert before["measure"]["denominator"] == 0
    assert after["counts"] == {"satisfied": 1, "basic": 0, "unsatisfied": 0}
    assert (after["measure"]["numerator"], after["measure"]["denominator"]) == (1, 1)


def test_the_producer_finishes_the_call_after_air(line_server: SocketIOTestClient, as_user: AsUser) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")
    ended = as_user("producer").get(f"/api/calls/{card_id}").json["air_ended_at"]
    line_server.get_received(NAMESPACE)

    answer = as_user("producer").post(f"/api/calls/{card_id}/finish")

    assert answer.status_code == 200, answer.json
    assert answer.json["state"] == "done"
    assert answer.json["air_ended_at"] == ended  # the time on air is the segment's
    assert [c["name"] for c in commands(line_server)] == ["drop"]


def test_a_caller_who_hangs_up_after_air_is_done_not_abandoned(
    line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")

    line_server.emit("call_ended", {"call_id": "c1", "reason": "caller_hangup"}, namespace=NAMESPACE)

    card = as_user("producer").get(f"/api/calls/{card_id}").json
    assert (card["state"], card["hangup_reason"]) == ("done", "caller_hangup")


def test_a_caller_held_after_air_and_lost_by_the_line_server_is_done(
    line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")

    say(line_server, "hello", {"lines": LINES, "calls": [], "capacity": {}})

    card = as_user("producer").get(f"/api/calls/{card_id}").json
    assert (card["state"], card["hangup_reason"]) == ("done", "lost")


def test_the_end_of_the_show_lets_a_caller_held_after_air_go(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = aired(line_server, as_user)
    as_user("host").post(f"/api/calls/{card_id}/end-air")
    line_server.get_received(NAMESPACE)

    assert as_user("host").post(f"/api/sessions/{live.id}/end").status_code == 200

    assert as_user("producer").get(f"/api/calls/{card_id}").json["state"] == "done"
    assert [c["name"] for c in commands(line_server)] == ["drop"]

