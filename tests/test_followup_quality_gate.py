"""The reply quality gate, as the unit's drafter meets it: a perfunctory phrase or a reply too short
to be concrete is refused with the reason shown under the reply, a concrete one goes to review, and
a programme may set its own list of phrases (seed 001)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from followup.deadlines import DeadlinePolicy
from followup.models import CaseState
from tests.followup_helpers import CONCRETE_REPLY, make_case, snapshot

Login = Callable[[str], FlaskClient]
DEFAULT_PHRASES = DeadlinePolicy().perfunctory_phrases


def draft(client: FlaskClient, case_id: int, body: str) -> Any:
    return client.post(f"/api/cases/{case_id}/actions/draft", json={"body": body})


@pytest.mark.parametrize("phrase", DEFAULT_PHRASES)
def test_a_reply_with_a_default_perfunctory_phrase_is_refused_naming_it(
    app: Flask, demo: SimpleNamespace, as_user: Login, phrase: str
) -> None:
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)
    before = snapshot(app, case_id)
    body = f"关于您反映的法律援助申请一事，我局{phrase}，请耐心等待后续通知，感谢您对司法行政工作的支持。"

    response = draft(as_user("handler"), case_id, body)

    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "reply_refused"
    assert phrase in error["message"]
    assert phrase in error["details"]["body"]
    assert snapshot(app, case_id) == before


def test_the_default_list_is_the_one_seed_001_gives() -> None:
    assert DEFAULT_PHRASES == ["正在联系处理中", "已前去执法", "将现场核实", "已解释"]


def test_a_reply_too_short_to_be_concrete_is_refused(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)
    before = snapshot(app, case_id)

    response = draft(as_user("handler"), case_id, "问题已处理完毕。")

    assert response.status_code == 422
    assert response.json["error"]["code"] == "reply_refused"
    assert str(DeadlinePolicy().min_reply_chars) in response.json["error"]["details"]["body"]
    assert snapshot(app, case_id) == before


def test_spaces_do_not_make_a_short_reply_long_enough(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)
    response = draft(as_user("handler"), case_id, "已 处 理 " * 5)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "reply_refused"


def test_a_concrete_reply_goes_to_review(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)

    response = draft(as_user("handler"), case_id, CONCRETE_REPLY)

    assert response.status_code == 200, response.json
    assert response.json["state"] == CaseState.DRAFTED
    assert response.json["replies"][-1]["body"] == CONCRETE_REPLY


def test_a_refused_reply_fixed_by_the_drafter_goes_through(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)
    handler = as_user("handler")
    assert (
        draft(
            handler, case_id, f"您反映的问题我局{DEFAULT_PHRASES[0]}，请耐心等待，后续将及时告知您办理结果。"
        ).status_code
        == 422
    )

    response = draft(handler, case_id, CONCRETE_REPLY)

    assert response.status_code == 200
    assert [r["body"] for r in response.json["replies"]] == [CONCRETE_REPLY]


CUSTOM = "已转相关部门"


def set_phrases(as_user: Login, programme_id: int, phrases: list[str]) -> Any:
    return as_user("oversight").put(
        f"/api/programmes/{programme_id}/deadline-policy", json={"perfunctory_phrases": phrases}
    )


def test_a_programmes_own_phrase_is_refused(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    assert set_phrases(as_user, demo.programme_id, [CUSTOM]).status_code == 200
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)

    response = draft(
        as_user("handler"), case_id, f"您反映的路灯问题{CUSTOM}办理，办理结果将在十个工作日内电话告知您。"
    )

    assert response.status_code == 422
    assert CUSTOM in response.json["error"]["details"]["body"]


def test_a_programmes_own_list_replaces_the_defaults(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    assert set_phrases(as_user, demo.programme_id, [CUSTOM]).status_code == 200
    case_id = make_case(app, demo, CaseState.IN_PROGRESS)
    body = (
        f"法律援助中心已于3月10日与来电人面谈并{DEFAULT_PHRASES[-1]}申请条件，材料已受理，3月20日前出具决定。"
    )

    response = draft(as_user("handler"), case_id, body)

    assert response.status_code == 200, response.json


def test_the_policy_page_shows_the_programmes_phrases(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    set_phrases(as_user, demo.programme_id, [CUSTOM, "请耐心等待"])
    policy = as_user("handler").get(f"/api/programmes/{demo.programme_id}/deadline-policy").json
    assert policy["perfunctory_phrases"] == [CUSTOM, "请耐心等待"]


@pytest.mark.parametrize("username", ["handler", "producer", "callback"])
def test_only_the_office_sets_the_phrases(
    app: Flask, demo: SimpleNamespace, as_user: Login, username: str
) -> None:
    response = as_user(username).put(
        f"/api/programmes/{demo.programme_id}/deadline-policy", json={"perfunctory_phrases": []}
    )
    assert response.status_code == 403
    policy = as_user("oversight").get(f"/api/programmes/{demo.programme_id}/deadline-policy").json
    assert policy["perfunctory_phrases"] == DEFAULT_PHRASES
