"""The desks' Socket.IO namespace: who hears that a case changed (its units and the staff, never
another unit), how little the event says, and who is turned away."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from core.extensions import socketio
from followup.realtime import NAMESPACE
from tests.followup_helpers import add_call, get_case, make_case, other_unit_id

AsUser = Callable[[str], FlaskClient]
DeskOf = Callable[[str], SocketIOTestClient]


@pytest.fixture
def desk(app: Flask, as_user: AsUser) -> DeskOf:
    """``desk("handler")``: a socket on /desks logged in as that demo user, nothing received yet."""

    def connect(username: str) -> SocketIOTestClient:
        client = socketio.test_client(app, namespace=NAMESPACE, flask_test_client=as_user(username))
        assert client.is_connected(NAMESPACE), username
        client.get_received(NAMESPACE)
        return client

    return connect


def changes(client: SocketIOTestClient) -> list[dict[str, Any]]:
    return [e["args"][0] for e in client.get_received(NAMESPACE) if e["name"] == "case_changed"]


def test_a_change_reaches_the_unit_and_the_office_but_not_another_unit(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, desk: DeskOf
) -> None:
    case_id = make_case(app, demo)
    handler, oversight, handler2 = desk("handler"), desk("oversight"), desk("handler2")

    response = as_user("handler").post(f"/api/cases/{case_id}/actions/accept", json={})

    assert response.status_code == 200
    assert [c["id"] for c in changes(handler)] == [case_id]
    assert [c["id"] for c in changes(oversight)] == [case_id]
    assert changes(handler2) == []


def test_the_event_is_small(app: Flask, demo: SimpleNamespace, as_user: AsUser, desk: DeskOf) -> None:
    case_id = make_case(app, demo, caller_name="张女士", contact_number="13912345678")
    handler = desk("handler")

    as_user("handler").post(f"/api/cases/{case_id}/actions/accept", json={})

    (event,) = changes(handler)
    case = get_case(app, case_id)
    assert event == {"id": case_id, "number": case.number, "state": "accepted", "unit_id": demo.unit_id}


def test_an_assisting_unit_hears_of_the_case(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, desk: DeskOf
) -> None:
    case_id = make_case(app, demo)
    handler2 = desk("handler2")

    response = as_user("oversight").post(
        f"/api/cases/{case_id}/actions/reassign",
        json={"unit_id": demo.unit_id, "assisting_unit_ids": [other_unit_id(app)]},
    )

    assert response.status_code == 200
    assert [c["id"] for c in changes(handler2)] == [case_id]


def test_a_new_case_from_a_call_reaches_its_unit(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, desk: DeskOf
) -> None:
    call_id = add_call(app, demo.id, unit_id=demo.unit_id)
    reviewer, reviewer2 = desk("reviewer"), desk("reviewer2")

    response = as_user("oversight").post(f"/api/calls/{call_id}/case")

    assert response.status_code in (200, 201), response.json
    assert [c["state"] for c in changes(reviewer)] == ["assigned"]
    assert changes(reviewer2) == []


def test_not_logged_in_is_refused(app: Flask, demo: SimpleNamespace) -> None:
    client = socketio.test_client(app, namespace=NAMESPACE, flask_test_client=app.test_client())

    assert not client.is_connected(NAMESPACE)


def test_callback_agent_joins_the_staff_room(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, desk: DeskOf
) -> None:
    case_id = make_case(app, demo)
    agent = desk("callback")

    as_user("handler").post(f"/api/cases/{case_id}/actions/accept", json={})

    assert [c["id"] for c in changes(agent)] == [case_id]


def test_a_unit_the_case_is_taken_from_is_told_only_that_it_is_gone(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, desk: DeskOf
) -> None:
    case_id = make_case(app, demo)
    reason = {"reason": "不属于我局职责"}
    returned = as_user("handler").post(f"/api/cases/{case_id}/actions/return", json=reason)
    assert returned.status_code == 200, returned.json
    handler = desk("handler")

    as_user("oversight").post(f"/api/cases/{case_id}/actions/reassign", json={"unit_id": other_unit_id(app)})

    received = handler.get_received(NAMESPACE)
    assert [(e["name"], e["args"][0]) for e in received] == [("case_gone", {"id": case_id})]
