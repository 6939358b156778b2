"""Editing a caller's card: autosave, two producers on the same card, and what the card accepts."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from broadcast.models import Section, Unit
from core.extensions import db

AsUser = Callable[[str], FlaskClient]


@pytest.fixture
def card(live: SimpleNamespace, as_user: AsUser) -> dict[str, Any]:
    response = as_user("producer").post(
        f"/api/sessions/{live.id}/calls",
        json={"caller_number": "13812345678", "subject": "法律援助", "details": "老人"},
    )
    assert response.status_code == 201
    return response.json


def patch(
    client: FlaskClient, card: dict[str, Any], changes: dict[str, Any], base: dict[str, Any] | None = None
) -> Any:
    body: dict[str, Any] = {"version": card["version"], "changes": changes}
    if base is not None:
        body["base"] = base
    return client.patch(f"/api/calls/{card['id']}", json=body)


def test_autosave_keeps_the_edit_and_bumps_the_version(card: dict[str, Any], as_user: AsUser) -> None:
    producer = as_user("producer")

    response = patch(producer, card, {"caller_name": "王女士", "category": "help"})

    assert response.status_code == 200
    assert response.json["version"] == card["version"] + 1
    saved = producer.get(f"/api/calls/{card['id']}").json
    assert (saved["caller_name"], saved["category"]) == ("王女士", "help")


def test_edits_of_different_fields_by_two_producers_are_both_kept(
    card: dict[str, Any], as_user: AsUser
) -> None:
    a, b = as_user("producer"), as_user("producer2")
    patch(a, card, {"subject": "申请法律援助"}, base={"subject": card["subject"]})

    response = patch(b, card, {"details": "老人想请律师"}, base={"details": card["details"]})

    assert response.status_code == 200
    saved = a.get(f"/api/calls/{card['id']}").json
    assert (saved["subject"], saved["details"]) == ("申请法律援助", "老人想请律师")


def test_stale_edit_of_a_field_someone_changed_is_a_conflict(card: dict[str, Any], as_user: AsUser) -> None:
    a, b = as_user("producer"), as_user("producer2")
    patch(a, card, {"subject": "申请法律援助"}, base={"subject": card["subject"]})

    response = patch(b, card, {"subject": "请律师"}, base={"subject": card["subject"]})

    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict"
    assert error["details"]["conflicts"] == {"subject": "申请法律援助"}
    assert error["details"]["current"]["subject"] == "申请法律援助"
    assert a.get(f"/api/calls/{card['id']}").json["subject"] == "申请法律援助"


def test_stale_edit_to_the_value_already_there_is_no_conflict(card: dict[str, Any], as_user: AsUser) -> None:
    a, b = as_user("producer"), as_user("producer2")
    patch(a, card, {"subject": "申请法律援助"}, base={"subject": card["subject"]})

    response = patch(b, card, {"subject": "申请法律援助"}, base={"subject": card["subject"]})

    assert response.status_code == 200
    assert response.json["subject"] == "申请法律援助"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "gossip"}, "changes.category"),
        ({"urgency": "whenever"}, "changes.urgency"),
        ({"favourite_colour": "blue"}, "changes.favourite_colour"),
        ({"subject": "长" * 257}, "changes.subject"),
        ({"contact_number": "call me"}, "changes.contact_number"),
    ],
    ids=["category", "urgency", "unknown-field", "subject-too-long", "contact-number"],
)
def test_invalid_field_is_refused_and_named(
    card: dict[str, Any], as_user: AsUser, changes: dict[str, Any], field: str
) -> None:
    producer = as_user("producer")

    response = patch(producer, card, changes)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["details"]
    assert producer.get(f"/api/calls/{card['id']}").json["version"] == card["version"]


def test_section_of_another_unit_is_refused(
    app: Flask, live: SimpleNamespace, card: dict[str, Any], as_user: AsUser
) -> None:
    with app.app_context():
        other = Unit(name="市水务集团", sections=[Section(name="客服中心")])
        db.session.add(other)
        db.session.commit()
        foreign_section = other.sections[0].id

    response = patch(as_user("producer"), card, {"unit_id": live.unit_id, "section_id": foreign_section})

    assert response.status_code == 422
    assert "section_id" in response.json["error"]["details"]


def test_section_of_the_unit_is_accepted(
    app: Flask, live: SimpleNamespace, card: dict[str, Any], as_user: AsUser
) -> None:
    with app.app_context():
        section = db.session.get(Unit, live.unit_id).sections[0].id

    response = patch(as_user("producer"), card, {"unit_id": live.unit_id, "section_id": section})

    assert response.status_code == 200
    assert (response.json["unit_id"], response.json["section_id"]) == (live.unit_id, section)


def test_manual_card_takes_the_callers_number_as_contact(card: dict[str, Any]) -> None:
    assert card["contact_number"] == "13812345678"
    assert card["channel"] == "manual"
    assert card["state"] == "waiting"


def test_manual_card_keeps_a_contact_number_given(live: SimpleNamespace, as_user: AsUser) -> None:
    response = as_user("producer").post(
        f"/api/sessions/{live.id}/calls", json={"caller_number": "13812345678", "contact_number": "0571-8800"}
    )

    assert response.json["contact_number"] == "0571-8800"


def test_card_of_an_ended_show_is_closed(
    live: SimpleNamespace, card: dict[str, Any], as_user: AsUser
) -> None:
    as_user("host").post(f"/api/sessions/{live.id}/end")
    producer = as_user("producer")
    current = producer.get(f"/api/calls/{card['id']}").json

    response = patch(producer, current, {"subject": "改主题"})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "closed"
    assert producer.get(f"/api/calls/{card['id']}").json["subject"] == card["subject"]
