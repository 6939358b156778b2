"""A call's way through the show, driven through the JSON API as the seats drive it: the legal
moves, the refused ones, the limits of the studio, the end of the show and its figures, the host's
running order, the clerk's record, chat and the block list.

The table in console.call_actions.ACTIONS is the specification: the tests of every action from
every state, and of every seat that may or may not take it, are generated from it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import followup.conversion
from broadcast.models import AirSession, Guest, Unit
from console import flow
from console.call_actions import ACTIONS, CallAction
from console.models import Call, CallState, Channel
from console.signals import session_ended
from core import clock
from core.access import SEAT_ROLES
from core.accounts import Role
from core.api import ApiError
from core.extensions import db

AsUser = Callable[[str], FlaskClient]

# How a fresh card reaches each state through the producer's actions (abandoned: the line drops).
ROUTE_TO: dict[CallState, list[str]] = {
    CallState.WAITING: [],
    CallState.SCREENING: ["pickup"],
    CallState.READY: ["pickup", "ready"],
    CallState.ON_AIR: ["pickup", "ready", "air"],
    CallState.AFTER_AIR: ["pickup", "ready", "air", "end-air"],
    CallState.DONE: ["finish"],
    CallState.ABANDONED: [],
}

SEAT_ACTIONS = [a for a in ACTIONS.values() if not a.system]
SYSTEM_ACTIONS = [a for a in ACTIONS.values() if a.system]
# Every seat action from every state, and every system action from every state.
MOVES = [(state, a.name) for a in SEAT_ACTIONS for state in CallState]
SYSTEM_MOVES = [(state, a.name) for a in SYSTEM_ACTIONS for state in CallState]
# The demo users and their one role; each seat's own demo user has the seat's name.
DEMO_ROLES = {
    "producer": Role.PRODUCER,
    "host": Role.HOST,
    "official": Role.OFFICIAL,
    "clerk": Role.CLERK,
    "oversight": Role.OVERSIGHT,
    "handler": Role.UNIT_HANDLER,
    "callback": Role.CALLBACK_AGENT,
}
# Every seat action tried by every demo user, and whether a seat of the action is the user's.
WHO = [
    (a.name, username, any(role in SEAT_ROLES[seat] for seat in a.seats))
    for a in SEAT_ACTIONS
    for username, role in DEMO_ROLES.items()
]


def new_card(client: FlaskClient, session_id: int, **fields: Any) -> dict[str, Any]:
    response = client.post(f"/api/sessions/{session_id}/calls", json=fields)
    assert response.status_code == 201, response.json
    return response.json


def do(client: FlaskClient, call_id: int, action: str) -> Any:
    return client.post(f"/api/calls/{call_id}/{action}")


def card_in(
    app: Flask, producer: FlaskClient, session_id: int, state: CallState, **fields: Any
) -> dict[str, Any]:
    """A card the producer has screened (it has a subject unless ``fields`` say otherwise), moved
    to ``state``."""
    fields.setdefault("subject", "法律援助咨询")
    card = new_card(producer, session_id, **fields)
    for action in ROUTE_TO[state]:
        response = do(producer, card["id"], action)
        assert response.status_code == 200, response.json
    if state == CallState.ABANDONED:
        with app.app_context():
            flow.line_ended(db.session.get(Call, card["id"]), "hangup")
    return producer.get(f"/api/calls/{card['id']}").json


def running_order(client: FlaskClient, session_id: int, seat: str) -> list[int]:
    calls = client.get(f"/api/sessions/{session_id}/state/{seat}").json["calls"]
    ready = [c for c in calls if c["state"] == "ready"]
    return [c["id"] for c in sorted(ready, key=lambda c: c["queue_rank"])]


def second_unit_session(app: Flask, air_date: date) -> int:
    """Another unit's session on ``air_date``, scheduled."""
    with app.app_context():
        demo_session = db.session.scalar(select(AirSession))
        unit = Unit(name="市水务集团", short_name="水务", duty_phone="sip:water@127.0.0.1:5090")
        other = AirSession(
            programme_id=demo_session.programme_id,
            unit=unit,
            air_date=air_date,
            start_time=time(10, 0),
            end_time=time(11, 0),
            topic="供水服务",
        )
        db.session.add(other)
        db.session.commit()
        return other.id


# --- moves ------------------------------------------------------------------------------------------


def first_source(action: CallAction) -> CallState:
    return next(state for state in CallState if state in action.sources)


@pytest.mark.parametrize(("state", "name"), MOVES, ids=[f"{s}-{n}" for s, n in MOVES])
def test_every_seat_action_from_every_state(
    app: Flask, live: SimpleNamespace, as_user: AsUser, state: CallState, name: str
) -> None:
    action = ACTIONS[name]
    producer = as_user("producer")
    before = card_in(app, producer, live.id, state)

    response = do(as_user(min(action.seats)), before["id"], name)

    after = producer.get(f"/api/calls/{before['id']}").json
    if state in action.sources:
        assert response.status_code == 200, response.json
        assert response.json["state"] == after["state"] == action.target
    else:
        assert response.status_code == 409
        assert response.json["error"]["code"] == "illegal_transition"
        assert after == before


@pytest.mark.parametrize(("name", "username", "may"), WHO, ids=[f"{n}-{u}" for n, u, _ in WHO])
def test_only_the_actions_seats_may_take_it(
    app: Flask, live: SimpleNamespace, as_user: AsUser, name: str, username: str, may: bool
) -> None:
    action = ACTIONS[name]
    producer = as_user("producer")
    before = card_in(app, producer, live.id, first_source(action))

    response = do(as_user(username), before["id"], name)

    if may:
        assert response.status_code == 200, response.json
        assert response.json["state"] == action.target
    else:
        assert response.status_code == 403
        assert producer.get(f"/api/calls/{before['id']}").json == before


@pytest.mark.parametrize(("state", "name"), SYSTEM_MOVES, ids=[f"{s}-{n}" for s, n in SYSTEM_MOVES])
def test_every_system_action_from_every_state(
    app: Flask, live: SimpleNamespace, as_user: AsUser, state: CallState, name: str
) -> None:
    action = ACTIONS[name]
    producer = as_user("producer")
    before = card_in(app, producer, live.id, state)

    over_http = do(producer, before["id"], name)
    with app.app_context():
        call = db.session.get(Call, before["id"])
        if state in action.sources:
            flow.perform(call, name, None, reason="hangup")
        else:
            with pytest.raises(ApiError) as refused:
                flow.perform(call, name, None, reason="hangup")
            assert (refused.value.status, refused.value.code) == (409, "illegal_transition")

    assert over_http.status_code == 404  # no seat may ask for it
    after = producer.get(f"/api/calls/{before['id']}").json
    if state in action.sources:
        assert after["state"] == action.target
        assert after["finished_at"] is not None
    else:
        assert after == before


def test_an_unknown_action_is_not_found(live: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    card = new_card(producer, live.id)

    assert do(producer, card["id"], "fly").status_code == 404


def test_a_ready_caller_can_be_picked_up_again(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    card = card_in(app, producer, live.id, CallState.READY)

    response = do(producer, card["id"], "pickup")

    assert "pickup" in card["actions"]  # the producer's page offers it
    assert response.status_code == 200, response.json
    assert response.json["state"] == "screening"
    assert response.json["picked_at"] == card["picked_at"]  # picked up the first time


@pytest.mark.parametrize("state", list(CallState))
def test_a_hang_up_ends_an_open_call_and_leaves_a_finished_one(
    app: Flask, live: SimpleNamespace, as_user: AsUser, state: CallState
) -> None:
    producer = as_user("producer")
    before = card_in(app, producer, live.id, state)

    with app.app_context():
        flow.line_ended(db.session.get(Call, before["id"]), "hangup")

    after = producer.get(f"/api/calls/{before['id']}").json
    expected = {
        CallState.ON_AIR: "done",
        CallState.AFTER_AIR: "done",
        CallState.DONE: "done",
        CallState.ABANDONED: "abandoned",
    }.get(state, "abandoned")
    assert after["state"] == expected
    if state in (CallState.DONE, CallState.ABANDONED):
        assert after == before
    else:
        assert after["hangup_reason"] == "hangup"
        assert (after["air_ended_at"] is not None) == (state in (CallState.ON_AIR, CallState.AFTER_AIR))


def test_host_takes_a_ready_caller_on_air(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    card = card_in(app, as_user("producer"), live.id, CallState.READY)

    response = do(as_user("host"), card["id"], "air")

    assert response.status_code == 200
    assert response.json["state"] == "on_air"
    assert response.json["aired_at"] is not None


def test_end_air_takes_one_caller_off_air(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    producer, host = as_user("producer"), as_user("host")
    first = card_in(app, producer, live.id, CallState.ON_AIR)
    second = card_in(app, producer, live.id, CallState.ON_AIR)

    response = do(host, first["id"], "end-air")

    assert response.status_code == 200
    assert response.json["state"] == "after_air"
    assert response.json["air_ended_at"] is not None
    assert host.get(f"/api/calls/{second['id']}").json["state"] == "on_air"


def test_end_air_of_a_caller_not_on_air_is_refused(
    app: Flask, live: SimpleNamespace, as_user: AsUser
) -> None:
    producer = as_user("producer")
    before = card_in(app, producer, live.id, CallState.READY)

    response = do(as_user("host"), before["id"], "end-air")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "illegal_transition"
    assert producer.get(f"/api/calls/{before['id']}").json == before


def test_end_segment_takes_everyone_off_air(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    on_air = [card_in(app, producer, live.id, CallState.ON_AIR)["id"] for _ in range(2)]
    waiting = card_in(app, producer, live.id, CallState.READY)["id"]

    response = as_user("host").post(f"/api/sessions/{live.id}/end-segment")

    assert response.status_code == 200
    assert sorted(c["id"] for c in response.json["items"]) == sorted(on_air)
    assert all(producer.get(f"/api/calls/{i}").json["state"] == "after_air" for i in on_air)
    assert producer.get(f"/api/calls/{waiting}").json["state"] == "ready"


def test_third_caller_cannot_go_on_air(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    for _ in range(2):
        card_in(app, producer, live.id, CallState.ON_AIR)
    third = card_in(app, producer, live.id, CallState.READY)

    response = do(as_user("host"), third["id"], "air")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "air_full"
    assert producer.get(f"/api/calls/{third['id']}").json == third


# --- screening guards --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [CallState.WAITING, CallState.SCREENING])
def test_a_card_without_a_subject_is_not_marked_ready(
    app: Flask, live: SimpleNamespace, as_user: AsUser, state: CallState
) -> None:
    producer = as_user("producer")
    before = card_in(app, producer, live.id, state, subject="", caller_name="赵先生")

    response = do(producer, before["id"], "ready")

    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "no_subject"
    assert error["details"]["subject"] == error["message"]
    assert producer.get(f"/api/calls/{before['id']}").json == before
    assert "ready" in before["actions"]  # still offered: the refusal under the subject says why


def test_a_new_card_concerns_the_unit_on_air_unless_another_is_chosen(
    app: Flask, live: SimpleNamespace, as_user: AsUser
) -> None:
    producer = as_user("producer")
    other = second_unit_session(app, clock.today())
    with app.app_context():
        other_unit = db.session.get(AirSession, other).unit_id
        session = db.session.get(AirSession, live.id)
        phone = flow.create_call(session, Channel.PHONE, caller_number="13812345678").id
        web = flow.create_call(session, Channel.WEB, subject="公证处排队太久").id

    manual = new_card(producer, live.id)
    chosen = new_card(producer, live.id, unit_id=other_unit)

    cards = (phone, web, manual["id"], chosen["id"])
    units = [producer.get(f"/api/calls/{i}").json["unit_id"] for i in cards]
    assert units == [live.unit_id, live.unit_id, live.unit_id, other_unit]


# --- the show ---------------------------------------------------------------------------------------


def test_no_card_before_the_show_is_live(demo: SimpleNamespace, as_user: AsUser) -> None:
    response = as_user("producer").post(
        f"/api/sessions/{demo.id}/calls", json={"caller_number": "13812345678"}
    )

    assert response.status_code == 409
    assert response.json["error"]["code"] == "session_not_live"


def test_a_session_goes_live_only_on_its_air_date(app: Flask, demo: SimpleNamespace, as_user: AsUser) -> None:
    with app.app_context():
        next_week = db.session.scalar(select(AirSession.id).where(AirSession.air_date > clock.today()))

    response = as_user("host").post(f"/api/sessions/{next_week}/go-live")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_today"


def test_only_one_session_is_live_at_a_time(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    other = second_unit_session(app, clock.today())

    response = as_user("host").post(f"/api/sessions/{other}/go-live")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "another_live"


def test_a_live_session_cannot_go_live_again(live: SimpleNamespace, as_user: AsUser) -> None:
    response = as_user("host").post(f"/api/sessions/{live.id}/go-live")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "illegal_transition"


def show_with_every_kind_of_call(app: Flask, session_id: int, as_user: AsUser) -> dict[str, int]:
    """Two callers aired (one answered and taken off air, one committed and still on air), one
    ready with a matter, one waiting with nothing typed, one who hung up while waiting."""
    producer, clerk = as_user("producer"), as_user("clerk")
    answered = card_in(app, producer, session_id, CallState.ON_AIR, subject="法律援助")["id"]
    clerk.put(f"/api/calls/{answered}/record", json={"outcome": "answered", "answer": "可以申请"})
    do(producer, answered, "end-air")
    committed = card_in(app, producer, session_id, CallState.ON_AIR, subject="调解")["id"]
    clerk.put(f"/api/calls/{committed}/record", json={"outcome": "commitment", "commitment_what": "上门"})
    ready = card_in(app, producer, session_id, CallState.READY, subject="公证费用")["id"]
    waiting = card_in(app, producer, session_id, CallState.WAITING, subject="")["id"]
    hung_up = card_in(app, producer, session_id, CallState.ABANDONED, subject="")["id"]
    return {
        "answered": answered,
        "committed": committed,
        "ready": ready,
        "waiting": waiting,
        "hung_up": hung_up,
    }


def test_end_of_show_releases_every_open_call(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    calls = show_with_every_kind_of_call(app, live.id, as_user)

    response = as_user("host").post(f"/api/sessions/{live.id}/end")

    assert response.status_code == 200
    producer = as_user("producer")
    states = {name: producer.get(f"/api/calls/{i}").json["state"] for name, i in calls.items()}
    assert states == {
        "answered": "done",
        "committed": "done",
        "ready": "done",
        "waiting": "done",
        "hung_up": "abandoned",
    }
    assert producer.get(f"/api/calls/{calls['committed']}").json["air_ended_at"] is not None


def test_end_of_show_gives_the_figures(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    show_with_every_kind_of_call(app, live.id, as_user)

    summary = as_user("host").post(f"/api/sessions/{live.id}/end").json

    figures = {
        k: summary[k] for k in ("received", "screened", "aired", "answered_on_air", "committed", "followup")
    }
    assert figures == {
        "received": 5,
        "screened": 3,
        "aired": 2,
        "answered_on_air": 1,
        "committed": 1,
        "followup": 1,
    }
    assert summary["abandoned"] == 1
    assert summary["avg_on_air_seconds"] is not None
    assert summary["head_present"] is True
    assert summary["by_channel"]["manual"] == 5


def test_matter_of_a_caller_who_hung_up_is_still_followed_up(
    app: Flask, live: SimpleNamespace, as_user: AsUser
) -> None:
    producer = as_user("producer")
    card = card_in(app, producer, live.id, CallState.READY, subject="公证费用太高")
    with app.app_context():
        flow.line_ended(db.session.get(Call, card["id"]), "hangup")

    summary = as_user("host").post(f"/api/sessions/{live.id}/end").json

    assert (summary["abandoned"], summary["followup"]) == (1, 1)


def test_the_end_of_a_show_is_announced_once_it_is_committed(
    app: Flask, live: SimpleNamespace, as_user: AsUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The follow-up's own receiver commits its cases; out of the way, it cannot commit the end for us.
    monkeypatch.setattr(followup.conversion, "convert_session", lambda session, actor: None)
    heard: list[tuple[int, str, str]] = []

    def receiver(sender: Flask, *, session: AirSession, actor: Any) -> None:
        with db.engine.connect() as other:  # what any other connection sees at that moment
            stored = other.scalar(select(AirSession.state).where(AirSession.id == session.id))
        heard.append((session.id, str(stored), actor.username))

    with session_ended.connected_to(receiver, app):
        response = as_user("host").post(f"/api/sessions/{live.id}/end")

    assert response.status_code == 200
    assert heard == [(live.id, "ended", "host")]


def test_summary_is_frozen_at_the_end(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    show_with_every_kind_of_call(app, live.id, as_user)
    at_end = as_user("host").post(f"/api/sessions/{live.id}/end").json

    assert as_user("oversight").get(f"/api/sessions/{live.id}/summary").json == at_end
    with app.app_context():
        assert db.session.get(AirSession, live.id).summary == at_end


def test_absent_head_of_unit_shows_in_the_summary(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    with app.app_context():
        head = db.session.scalar(select(Guest.id).where(Guest.session_id == live.id, Guest.is_head))
    host = as_user("host")

    marked = host.post(f"/api/guests/{head}/presence", json={"present": False})
    summary = host.post(f"/api/sessions/{live.id}/end").json

    assert marked.status_code == 200
    assert marked.json["present"] is False
    assert summary["head_present"] is False


def test_calls_cannot_move_after_the_show(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    card = card_in(app, producer, live.id, CallState.WAITING)
    as_user("host").post(f"/api/sessions/{live.id}/end")

    response = do(producer, card["id"], "pickup")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "session_not_live"


# --- the host's running order -------------------------------------------------------------------------


def test_reordering_ready_callers_changes_what_others_see(
    app: Flask, live: SimpleNamespace, as_user: AsUser
) -> None:
    producer, host = as_user("producer"), as_user("host")
    ids = [card_in(app, producer, live.id, CallState.READY)["id"] for _ in range(3)]
    assert running_order(producer, live.id, "producer") == ids

    response = host.post(f"/api/sessions/{live.id}/queue", json={"order": ids[::-1]})

    assert response.status_code == 200
    assert running_order(producer, live.id, "producer") == ids[::-1]
    assert running_order(host, live.id, "host") == ids[::-1]


def test_reordering_a_stale_list_is_refused(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    producer, host = as_user("producer"), as_user("host")
    ids = [card_in(app, producer, live.id, CallState.READY)["id"] for _ in range(2)]
    card_in(app, producer, live.id, CallState.READY)  # made ready after the host's list was drawn

    response = host.post(f"/api/sessions/{live.id}/queue", json={"order": ids[::-1]})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "queue_changed"
    assert running_order(producer, live.id, "producer")[:2] == ids


# --- the clerk's record ----------------------------------------------------------------------------------


def test_clerk_records_an_aired_call(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    card = card_in(app, as_user("producer"), live.id, CallState.ON_AIR)
    record = {
        "outcome": "commitment",
        "commitment_what": "派人上门调解",
        "commitment_due": "2030-01-15",
        "commitment_how": "电话回复",
    }

    response = as_user("clerk").put(f"/api/calls/{card['id']}/record", json=record)

    assert response.status_code == 200
    assert response.json["version"] == 1
    assert (
        as_user("host").get(f"/api/calls/{card['id']}").json["air_record"]["commitment_due"] == "2030-01-15"
    )


def test_no_record_for_a_call_that_was_not_aired(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    card = card_in(app, as_user("producer"), live.id, CallState.READY)

    response = as_user("clerk").put(f"/api/calls/{card['id']}/record", json={"outcome": "answered"})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_aired"


def test_stale_record_write_is_refused(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    card = card_in(app, as_user("producer"), live.id, CallState.ON_AIR)
    clerk, producer = as_user("clerk"), as_user("producer")
    clerk.put(f"/api/calls/{card['id']}/record", json={"answer": "第一稿"})
    producer.put(f"/api/calls/{card['id']}/record", json={"version": 1, "answer": "导播改过"})

    response = clerk.put(f"/api/calls/{card['id']}/record", json={"version": 1, "answer": "记录员改过"})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert response.json["error"]["details"]["current"]["answer"] == "导播改过"
    assert clerk.get(f"/api/calls/{card['id']}").json["air_record"]["answer"] == "导播改过"


# --- chat and block list --------------------------------------------------------------------------------


def test_host_message_reaches_the_producer(live: SimpleNamespace, as_user: AsUser) -> None:
    sent = as_user("host").post(
        f"/api/sessions/{live.id}/chat", json={"body": "下一个接3号线", "seat": "host"}
    )

    assert sent.status_code == 201
    messages = as_user("producer").get(f"/api/sessions/{live.id}/chat").json["items"]
    assert [(m["seat"], m["body"], m["sender"]) for m in messages] == [
        ("host", "下一个接3号线", "主持人 刘宁")
    ]


def test_blocking_a_number(demo: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")

    response = producer.post("/api/blocklist", json={"number": "13900001111", "reason": "骚扰"})

    assert response.status_code == 201
    assert [b["number"] for b in producer.get("/api/blocklist").json["items"]] == ["13900001111"]


def test_blocking_a_number_twice_is_refused(demo: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    producer.post("/api/blocklist", json={"number": "13900001111"})

    response = producer.post("/api/blocklist", json={"number": " 13900001111 "})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_blocked"


def test_blocking_something_that_is_not_a_number_is_refused(demo: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")

    response = producer.post("/api/blocklist", json={"number": "call me maybe"})

    assert response.status_code == 422
    assert "number" in response.json["error"]["details"]
    assert producer.get("/api/blocklist").json["items"] == []


def test_unblocking_a_number(demo: SimpleNamespace, as_user: AsUser) -> None:
    producer = as_user("producer")
    entry = producer.post("/api/blocklist", json={"number": "13900001111"}).json

    response = producer.delete(f"/api/blocklist/{entry['id']}")

    assert response.status_code == 204
    assert producer.get("/api/blocklist").json["items"] == []
