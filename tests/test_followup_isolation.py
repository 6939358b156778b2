"""Unit isolation on the follow-up API: a unit's people never reach another unit's case through any
route of followup/api.py — not in a list, not by its id, not by any action, not through an
attachment, a bulk notice or the callback list. Checked both ways: 市住房和城乡建设局's handler2 and
reviewer2 against 市司法局's case, and 市司法局's handler, reviewer and official against 住建局's.

Pages, the export and socket events are tested by the modules that build them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.extensions import db
from followup.models import Attachment, Case, CaseState, Notice
from followup.workflow import ACTIONS
from tests.followup_helpers import act, make_case, other_unit_id, snapshot

Login = Callable[[str], FlaskClient]
# (whose case, who must not reach it)
OUTSIDERS = [
    ("司法局", "handler2"),
    ("司法局", "reviewer2"),
    ("住建局", "handler"),
    ("住建局", "reviewer"),
    ("住建局", "official"),
]
OWNER_HANDLER = {"司法局": "handler", "住建局": "handler2"}


def upload(client: FlaskClient, case_id: int, name: str = "现场照片.jpg") -> Any:
    data = {"file": (io.BytesIO(b"\xff\xd8\xff\xe0 photo"), name, "image/jpeg")}
    return client.post(f"/api/cases/{case_id}/attachments", data=data, content_type="multipart/form-data")


@pytest.fixture(params=OUTSIDERS, ids=[f"{u}-vs-{o}" for o, u in OUTSIDERS])
def foreign(
    request: pytest.FixtureRequest, app: Flask, demo: SimpleNamespace, as_user: Login
) -> SimpleNamespace:
    """A case of one unit, accepted, with a photo, a notice and a callback due; and an outsider."""
    owner, outsider = request.param
    handler = OWNER_HANDLER[owner]
    unit_fields = {"unit_id": other_unit_id(app)} if owner == "住建局" else {}
    case_id = make_case(app, demo, CaseState.ASSIGNED, subject="物业维修基金使用不透明", **unit_fields)
    act(app, case_id, "accept", handler)
    act(app, case_id, "remind", "oversight", {"message": "请尽快联系来电人"})
    photo = upload(as_user(handler), case_id)
    assert photo.status_code == 201, photo.json
    detail = as_user("oversight").get(f"/api/cases/{case_id}").json
    return SimpleNamespace(
        case_id=case_id,
        number=detail["number"],
        attachment_id=photo.json["id"],
        outsider=outsider,
        handler=handler,
        client=as_user(outsider),
    )


def leaks(response: Any, foreign: SimpleNamespace) -> bool:
    return foreign.number in response.get_data(as_text=True) or "物业维修基金" in response.get_data(
        as_text=True
    )


# --- the owner's people do reach it (so the refusals below mean something) ----------------------
def test_the_owning_unit_reaches_its_case(foreign: SimpleNamespace, as_user: Login) -> None:
    owner = as_user(foreign.handler)
    assert [row["id"] for row in owner.get("/api/cases").json["items"]] == [foreign.case_id]
    assert owner.get(f"/api/cases/{foreign.case_id}").status_code == 200
    assert owner.get(f"/api/attachments/{foreign.attachment_id}").status_code == 200


# --- lists --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q={number}",
        "?q=物业",
        "?unit_id={unit_id}",
        "?state=accepted",
        "?due=open",
        "?session_id={session}",
    ],
)
def test_another_units_case_is_not_in_any_list(
    app: Flask, demo: SimpleNamespace, foreign: SimpleNamespace, query: str
) -> None:
    with app.app_context():
        case = db.session.get(Case, foreign.case_id)
        assert case is not None
        unit_id, session_id = case.unit_id, case.session_id
    url = "/api/cases" + query.format(number=foreign.number, unit_id=unit_id, session=session_id)

    response = foreign.client.get(url)

    assert response.status_code == 200
    assert (response.json["items"], response.json["total"]) == ([], 0)


# --- one case -----------------------------------------------------------------------------------
def test_another_units_case_is_not_found_by_its_id(foreign: SimpleNamespace) -> None:
    response = foreign.client.get(f"/api/cases/{foreign.case_id}")
    assert response.status_code == 404
    assert not leaks(response, foreign)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_no_action_reaches_another_units_case(app: Flask, foreign: SimpleNamespace, action: str) -> None:
    before = snapshot(app, foreign.case_id)
    body = {"reason": "不归我们管", "body": "x" * 40, "channel": "phone", "message": "催办", "picked": False}
    body = {k: v for k, v in body.items() if k in ACTIONS[action].needs.model_fields}

    response = foreign.client.post(f"/api/cases/{foreign.case_id}/actions/{action}", json=body)

    assert response.status_code == 404, response.json
    assert not leaks(response, foreign)
    assert snapshot(app, foreign.case_id) == before


# --- attachments --------------------------------------------------------------------------------
def attachment_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Attachment.id))) or 0)


def test_no_attachment_is_added_to_another_units_case(app: Flask, foreign: SimpleNamespace) -> None:
    before = attachment_count(app)
    response = upload(foreign.client, foreign.case_id, "伪造的回复.pdf")
    assert response.status_code == 404
    assert attachment_count(app) == before


def test_another_units_attachment_is_not_downloaded(foreign: SimpleNamespace) -> None:
    response = foreign.client.get(f"/api/attachments/{foreign.attachment_id}")
    assert response.status_code == 404
    assert b"photo" not in response.data


# --- the office's routes ------------------------------------------------------------------------
def notice_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Notice.id))) or 0)


@pytest.mark.parametrize("kind", ["reminder", "supervision"])
def test_no_bulk_notice_reaches_another_units_case(app: Flask, foreign: SimpleNamespace, kind: str) -> None:
    before = notice_count(app)
    response = foreign.client.post(
        "/api/notices/bulk", json={"case_ids": [foreign.case_id], "kind": kind, "message": "请加快办理"}
    )
    assert response.status_code in (403, 404)
    assert not leaks(response, foreign)
    assert notice_count(app) == before


def test_the_callback_list_does_not_show_another_units_case(foreign: SimpleNamespace) -> None:
    response = foreign.client.get("/api/callbacks?day=2099-12-31")
    assert response.status_code in (403, 404) or all(
        item["case"]["id"] != foreign.case_id for item in response.json["items"]
    )
    assert not leaks(response, foreign)


def test_another_units_people_do_not_convert_calls(
    app: Flask, demo: SimpleNamespace, foreign: SimpleNamespace
) -> None:
    with app.app_context():
        case = db.session.get(Case, foreign.case_id)
        assert case is not None
        call_id = case.call_id
    response = foreign.client.post(f"/api/calls/{call_id}/case")
    assert response.status_code in (403, 404)
    assert not leaks(response, foreign)
