"""The line server protocol from the line server's side: a test client in the ``/telephony``
namespace plays the line server, and the producer's seat shows what the studio would see."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient
from sqlalchemy import select

from broadcast.models import Unit
from console.models import Line
from core.accounts import User
from core.extensions import db, socketio
from telephony.protocol import NAMESPACE

AsUser = Callable[[str], FlaskClient]
NUMBER = "13812345678"
LINES = [{"name": "L1", "state": "idle"}, {"name": "L2", "state": "idle"}]
PRODUCER_PHONE = "sip:201@127.0.0.1:5080"


def line_server_client(app: Flask, secret: str | None = None) -> SocketIOTestClient:
    return socketio.test_client(
        app, namespace=NAMESPACE, auth={"secret": secret or app.config["TELEPHONY_SECRET"]}
    )


def say(client: SocketIOTestClient, event: str, data: dict[str, Any]) -> Any:
    return client.emit(event, data, namespace=NAMESPACE, callback=True)


def commands(client: SocketIOTestClient) -> list[dict[str, Any]]:
    return [e["args"][0] for e in client.get_received(NAMESPACE) if e["name"] == "command"]


def events(client: SocketIOTestClient, name: str) -> list[Any]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def offer(client: SocketIOTestClient, call_id: str, number: str = NUMBER, line: str = "L1") -> dict[str, Any]:
    return say(client, "call_offered", {"call_id": call_id, "caller_number": number, "line": line})


@pytest.fixture
def line_server(app: Flask, demo: SimpleNamespace) -> SocketIOTestClient:
    client = line_server_client(app)
    assert say(client, "hello", {"lines": LINES, "calls": [], "capacity": {"lines": 2}}) == {"ok": True}
    return client


@pytest.fixture
def producer_seat(app: Flask, live: SimpleNamespace, as_user: AsUser) -> SocketIOTestClient:
    seat = socketio.test_client(
        app, flask_test_client=as_user("producer"), auth={"session_id": live.id, "seat": "producer"}
    )
    seat.get_received()
    return seat


def give_phone(app: Flask, extension: str | None = PRODUCER_PHONE, username: str = "producer") -> None:
    """Set (None: clear) a user's own SIP phone, as an administrator does on the Users page."""
    with app.app_context():
        db.session.scalar(select(User).where(User.username == username)).sip_extension = extension
        db.session.commit()


@pytest.fixture(autouse=True)
def producer_has_a_phone(app: Flask, demo: SimpleNamespace) -> None:
    """A producer picks up a phone caller on their own phone; the demo producer has one here."""
    give_phone(app)


def screen(producer: FlaskClient, card_id: int, subject: str = "法律援助咨询") -> None:
    """The producer writes the card's subject, as screening does before the caller is ready."""
    version = producer.get(f"/api/calls/{card_id}").json["version"]
    body = {"version": version, "changes": {"subject": subject}}
    response = producer.patch(f"/api/calls/{card_id}", json=body)
    assert response.status_code == 200, response.json


def phone_card(line_server: SocketIOTestClient, producer: FlaskClient, call_id: str, *actions: str) -> int:
    """A phone call offered, screened (given a subject) and taken through ``actions`` by the
    producer."""
    card_id = offer(line_server, call_id)["card_id"]
    if "ready" in actions:
        screen(producer, card_id)
    for action in actions:
        assert producer.post(f"/api/calls/{card_id}/{action}").status_code == 200
    line_server.get_received(NAMESPACE)
    return card_id


# --- connecting ------------------------------------------------------------------------------------


def test_wrong_secret_is_refused(app: Flask) -> None:
    assert not line_server_client(app, secret="guessed").is_connected(NAMESPACE)


def test_right_secret_connects(app: Flask) -> None:
    assert line_server_client(app).is_connected(NAMESPACE)


def test_hello_stores_the_lines(app: Flask, line_server: SocketIOTestClient) -> None:
    with app.app_context():
        assert [(line.name, line.state) for line in db.session.scalars(select(Line).order_by(Line.name))] == [
            ("L1", "idle"),
            ("L2", "idle"),
        ]


def test_hello_reaches_the_seats(app: Flask, producer_seat: SocketIOTestClient) -> None:
    client = line_server_client(app)

    say(client, "hello", {"lines": [{"name": "L1", "state": "ringing", "call_id": "c1"}], "calls": []})

    (published,) = events(producer_seat, "lines")
    assert [(line["name"], line["state"], line["call_external_id"]) for line in published["lines"]] == [
        ("L1", "ringing", "c1")
    ]
    assert published["line_capacity"]["connected"] is True


def test_line_status_reaches_the_seats(
    line_server: SocketIOTestClient, producer_seat: SocketIOTestClient
) -> None:
    line_server.emit("line_status", {"name": "L2", "state": "on_air", "call_id": "c9"}, namespace=NAMESPACE)

    (published,) = events(producer_seat, "lines")
    assert {line["name"]: line["state"] for line in published["lines"]} == {"L1": "idle", "L2": "on_air"}


def test_line_server_arriving_before_the_show_reaches_the_seats(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    host_seat = socketio.test_client(
        app, flask_test_client=as_user("host"), auth={"session_id": demo.id, "seat": "host"}
    )
    host_seat.get_received()

    say(line_server_client(app), "hello", {"lines": LINES, "calls": []})

    (published,) = events(host_seat, "lines")
    assert [line["name"] for line in published["lines"]] == ["L1", "L2"]


# --- calls offered ---------------------------------------------------------------------------------


def test_offered_call_becomes_a_card_on_the_producer_seat(
    line_server: SocketIOTestClient, producer_seat: SocketIOTestClient
) -> None:
    answer = offer(line_server, "c1", line="L2")

    assert answer["accept"] is True
    (card,) = events(producer_seat, "call")
    assert card["id"] == answer["card_id"]
    assert (card["channel"], card["state"], card["line"]) == ("phone", "waiting", "L2")
    assert (card["caller_number"], card["contact_number"]) == (NUMBER, NUMBER)


def test_same_offer_twice_gives_the_same_card(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    first = offer(line_server, "c1")

    again = offer(line_server, "c1")

    assert again == first
    assert len(as_user("producer").get(f"/api/sessions/{live.id}/state/producer").json["calls"]) == 1


def test_blocked_number_is_turned_away_without_a_card(
    live: SimpleNamespace, line_server: SocketIOTestClient, producer_seat: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    producer.post("/api/blocklist", json={"number": NUMBER, "reason": "骚扰"})

    answer = offer(line_server, "c1")

    assert answer == {"accept": False, "reason": "blocked"}
    assert events(producer_seat, "call") == []
    assert producer.get(f"/api/sessions/{live.id}/state/producer").json["calls"] == []


def test_call_before_the_show_is_turned_away(line_server: SocketIOTestClient) -> None:
    assert offer(line_server, "c1") == {"accept": False, "reason": "no_live_session"}


# --- commands to the line server --------------------------------------------------------------------


def test_producer_actions_send_line_commands(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1")
    screen(producer, card_id)

    sent = []
    for action in ("pickup", "ready", "air", "finish"):
        producer.post(f"/api/calls/{card_id}/{action}")
        sent += commands(line_server)

    assert [(c["name"], c["call_id"]) for c in sent] == [
        ("pick_up", "c1"),
        ("ready", "c1"),
        ("to_air", "c1"),
        ("drop", "c1"),
    ]
    assert len({c["id"] for c in sent}) == 4


def test_hold_sends_hold(live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser) -> None:
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1", "pickup")

    producer.post(f"/api/calls/{card_id}/hold")

    assert [c["name"] for c in commands(line_server)] == ["hold"]


def test_pickup_bridges_to_the_producers_own_phone(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    give_phone(app, "sip:202@127.0.0.1:5080")
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1")

    producer.post(f"/api/calls/{card_id}/pickup")

    (command,) = commands(line_server)
    assert command["args"] == {"extension": "sip:202@127.0.0.1:5080"}


def test_pickup_without_own_phone_is_refused_and_says_where_to_set_one(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    give_phone(app, None)
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1")

    response = producer.post(f"/api/calls/{card_id}/pickup")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "no_phone"
    assert "/admin/users" in response.json["error"]["message"]
    assert commands(line_server) == []  # nothing rings
    card = producer.get(f"/api/calls/{card_id}").json
    assert (card["state"], card["picked_at"]) == ("waiting", None)
    assert "pickup" in card["actions"]  # still offered: the refusal tells the producer why


def test_cards_without_a_line_are_picked_up_without_a_phone(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    give_phone(app, None)
    producer = as_user("producer")
    card_id = producer.post(f"/api/sessions/{live.id}/calls", json={"caller_number": NUMBER}).json["id"]

    response = producer.post(f"/api/calls/{card_id}/pickup")

    assert response.status_code == 200, response.json
    assert response.json["state"] == "screening"


def test_failed_command_is_told_to_the_producer(
    live: SimpleNamespace, line_server: SocketIOTestClient, producer_seat: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1")
    producer.post(f"/api/calls/{card_id}/pickup")
    (command,) = commands(line_server)
    producer_seat.get_received()

    line_server.emit(
        "command_result", {"id": command["id"], "ok": False, "error": "busy"}, namespace=NAMESPACE
    )

    (notice,) = events(producer_seat, "notice")
    assert notice["kind"] == "error"
    assert "busy" in notice["message"]


def test_successful_command_is_not_told(
    live: SimpleNamespace, line_server: SocketIOTestClient, producer_seat: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1")
    producer.post(f"/api/calls/{card_id}/pickup")
    (command,) = commands(line_server)
    producer_seat.get_received()

    line_server.emit("command_result", {"id": command["id"], "ok": True}, namespace=NAMESPACE)

    assert events(producer_seat, "notice") == []


def test_manual_card_sends_no_command(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card = {"caller_number": NUMBER, "subject": "法律援助咨询"}
    card_id = producer.post(f"/api/sessions/{live.id}/calls", json=card).json["id"]

    for action in ("pickup", "ready", "air", "finish"):
        producer.post(f"/api/calls/{card_id}/{action}")

    assert commands(line_server) == []


def test_urgent_call_is_transferred_to_the_units_duty_phone(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1", "pickup")
    card = producer.get(f"/api/calls/{card_id}").json
    producer.patch(
        f"/api/calls/{card_id}", json={"version": card["version"], "changes": {"urgency": "urgent"}}
    )

    response = producer.post(f"/api/calls/{card_id}/transfer", json={"three_way": True})

    assert response.status_code == 202
    (command,) = commands(line_server)
    assert (command["name"], command["call_id"]) == ("transfer", "c1")
    assert command["args"] == {"target": "sip:duty@127.0.0.1:5090", "mode": "three_way"}


def test_transfer_goes_to_the_unit_named_on_the_card(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    with app.app_context():
        water = Unit(name="市水务集团", duty_phone="sip:water-duty@127.0.0.1:5090")
        db.session.add(water)
        db.session.commit()
        water_id = water.id
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1", "pickup")
    card = producer.get(f"/api/calls/{card_id}").json
    changes = {"urgency": "urgent", "unit_id": water_id, "subject": "停水"}
    producer.patch(f"/api/calls/{card_id}", json={"version": card["version"], "changes": changes})

    producer.post(f"/api/calls/{card_id}/transfer", json={})

    (command,) = commands(line_server)
    assert command["args"] == {"target": "sip:water-duty@127.0.0.1:5090", "mode": "blind"}


def test_manual_card_cannot_be_transferred(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card_id = producer.post(f"/api/sessions/{live.id}/calls", json={"urgency": "urgent"}).json["id"]

    response = producer.post(f"/api/calls/{card_id}/transfer", json={})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_on_a_line"
    assert commands(line_server) == []


# --- hang-ups and the line server going away ---------------------------------------------------------


def test_hang_up_while_waiting_abandons_the_card(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = phone_card(line_server, as_user("producer"), "c1")

    line_server.emit("call_ended", {"call_id": "c1", "reason": "caller_hangup"}, namespace=NAMESPACE)

    card = as_user("producer").get(f"/api/calls/{card_id}").json
    assert (card["state"], card["hangup_reason"]) == ("abandoned", "caller_hangup")
    assert card["finished_at"] >= card["arrived_at"]
    assert as_user("host").get(f"/api/sessions/{live.id}/summary").json["avg_wait_seconds"] is not None


def test_hang_up_on_air_ends_the_air_time(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    card_id = phone_card(line_server, as_user("producer"), "c1", "pickup", "ready", "air")

    line_server.emit("call_ended", {"call_id": "c1"}, namespace=NAMESPACE)

    card = as_user("host").get(f"/api/calls/{card_id}").json
    assert (card["state"], card["hangup_reason"]) == ("done", "hangup")
    assert card["air_ended_at"] is not None


def test_commands_stop_once_the_caller_hung_up(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card_id = phone_card(line_server, producer, "c1", "pickup", "ready", "air")
    line_server.emit("call_ended", {"call_id": "c1"}, namespace=NAMESPACE)
    line_server.get_received(NAMESPACE)

    producer.post(f"/api/calls/{card_id}/finish")

    assert commands(line_server) == []


def test_line_server_going_away_shows_lines_down_and_keeps_cards(
    app: Flask,
    live: SimpleNamespace,
    line_server: SocketIOTestClient,
    producer_seat: SocketIOTestClient,
    as_user: AsUser,
) -> None:
    card_id = phone_card(line_server, as_user("producer"), "c1", "pickup")
    producer_seat.get_received()

    line_server.disconnect(namespace=NAMESPACE)

    (published,) = events(producer_seat, "lines")
    assert {line["state"] for line in published["lines"]} == {"down"}
    assert published["line_capacity"]["connected"] is False
    card = as_user("producer").get(f"/api/calls/{card_id}").json
    assert (card["state"], card["hangup_reason"]) == ("screening", None)


def test_call_missing_after_reconnect_is_lost(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    kept = phone_card(line_server, producer, "c1", "pickup")
    lost = phone_card(line_server, producer, "c2")
    line_server.disconnect(namespace=NAMESPACE)
    line_server.connect(namespace=NAMESPACE, auth={"secret": app.config["TELEPHONY_SECRET"]})

    say(line_server, "hello", {"lines": LINES, "calls": [{"call_id": "c1", "line": "L1"}]})

    assert producer.get(f"/api/calls/{kept}").json["state"] == "screening"
    card = producer.get(f"/api/calls/{lost}").json
    assert (card["state"], card["hangup_reason"]) == ("abandoned", "lost")


def test_every_call_missing_after_a_crash_is_lost(
    app: Flask, live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    waiting = phone_card(line_server, producer, "c1")
    ready = phone_card(line_server, producer, "c2", "pickup", "ready")
    on_air = phone_card(line_server, producer, "c3", "pickup", "ready", "air")
    line_server.disconnect(namespace=NAMESPACE)
    line_server.connect(namespace=NAMESPACE, auth={"secret": app.config["TELEPHONY_SECRET"]})

    say(line_server, "hello", {"lines": LINES, "calls": []})

    cards = [producer.get(f"/api/calls/{i}").json for i in (waiting, ready, on_air)]
    assert [(c["state"], c["hangup_reason"]) for c in cards] == [
        ("abandoned", "lost"),
        ("abandoned", "lost"),
        ("done", "lost"),
    ]


def test_end_of_show_lets_every_caller_on_a_line_go(
    live: SimpleNamespace, line_server: SocketIOTestClient, as_user: AsUser
) -> None:
    producer = as_user("producer")
    phone_card(line_server, producer, "c1")
    phone_card(line_server, producer, "c2", "pickup", "ready", "air")

    as_user("host").post(f"/api/sessions/{live.id}/end")

    assert sorted((c["name"], c["call_id"]) for c in commands(line_server)) == [
        ("drop", "c1"),
        ("drop", "c2"),
    ]
