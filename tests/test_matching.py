"""The unit's prepared answers offered for a caller's matter, on the official's screen."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from broadcast.models import Unit
from core.accounts import Role, create_user
from core.extensions import db

AsUser = Callable[[str], FlaskClient]


def card_about(client: FlaskClient, session_id: int, subject: str, details: str = "") -> int:
    response = client.post(f"/api/sessions/{session_id}/calls", json={"subject": subject, "details": details})
    assert response.status_code == 201
    return response.json["id"]


def answers_for(client: FlaskClient, call_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/calls/{call_id}/prepared-answers")
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_legal_aid_matter_gets_the_legal_aid_answer_first(live: SimpleNamespace, as_user: AsUser) -> None:
    call_id = card_about(
        as_user("producer"), live.id, "法律援助", "我父亲七十多岁，请不起律师，想申请法律援助"
    )

    answers = answers_for(as_user("host"), call_id)

    assert "法律援助" in answers[0]["question"]
    assert "法律援助" in answers[0]["matched"]
    assert [a["score"] for a in answers] == sorted((a["score"] for a in answers), reverse=True)


def test_mediation_matter_gets_the_mediation_answer_first(live: SimpleNamespace, as_user: AsUser) -> None:
    call_id = card_about(as_user("producer"), live.id, "邻居噪音纠纷", "想找社区人民调解")

    answers = answers_for(as_user("host"), call_id)

    assert "人民调解" in answers[0]["question"]


def test_matter_sharing_no_words_gets_no_answers(live: SimpleNamespace, as_user: AsUser) -> None:
    call_id = card_about(as_user("producer"), live.id, "路灯坏了", "晚上路口很黑")

    assert answers_for(as_user("host"), call_id) == []


def test_empty_card_gets_no_answers(live: SimpleNamespace, as_user: AsUser) -> None:
    call_id = card_about(as_user("producer"), live.id, "")

    assert answers_for(as_user("host"), call_id) == []


def test_official_of_the_unit_gets_answers_and_nothing_about_the_caller(
    live: SimpleNamespace, as_user: AsUser
) -> None:
    producer = as_user("producer")
    response = producer.post(
        f"/api/sessions/{live.id}/calls",
        json={"caller_number": "13812345678", "caller_name": "王女士", "subject": "申请法律援助"},
    )

    answers = answers_for(as_user("official"), response.json["id"])

    assert answers
    assert all(set(a) == {"id", "question", "answer", "score", "matched"} for a in answers)
    assert "13812345678" not in str(answers) and "王女士" not in str(answers)


def test_official_of_another_unit_gets_no_answers(app: Flask, live: SimpleNamespace, as_user: AsUser) -> None:
    call_id = card_about(as_user("producer"), live.id, "法律援助")
    with app.app_context():
        water = Unit(name="市水务集团")
        db.session.add(water)
        db.session.commit()
        create_user("water_official", "hotline-demo", Role.OFFICIAL, "水务 局长", water.id)

    response = as_user("water_official").get(f"/api/calls/{call_id}/prepared-answers")

    assert response.status_code == 403


def test_with_no_prepared_answer_the_unit_material_comes_instead(
    live: SimpleNamespace, as_user: AsUser
) -> None:
    """The officials fall back on what the unit does and promises: its functions, then its service
    commitments."""
    call_id = card_about(as_user("producer"), live.id, "古籍修复室", "周末能否参观")

    response = as_user("official").get(f"/api/calls/{call_id}/prepared-answers")

    assert response.json["items"] == []
    assert [m["kind"] for m in response.json["material"]] == ["functions", "commitments"]
    assert "法律援助" in response.json["material"][0]["body"]
