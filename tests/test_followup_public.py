"""The public page of answered cases and the editors' column picker: what the public reads (masked),
what it never reads (internal 内参, not consented, not yet answered), and who may pick."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from flask_babel import gettext

from core.extensions import db
from followup import public
from followup.models import Case
from tests.followup_helpers import (
    CONCRETE_REPLY,
    S,
    act,
    approve_public_text,
    get_case,
    make_case,
    other_unit_id,
)

AsUser = Callable[[str], FlaskClient]

NAME, NUMBER = "张女士", "13912345678"


def answered(app: Flask, demo: SimpleNamespace, **fields: Any) -> int:
    """An answered case of the demo unit whose citizen consented to publication, its public text
    (the system's masked proposal) approved by an editor when it may be published."""
    fields = {"caller_name": NAME, "contact_number": NUMBER, "consent_publish": True} | fields
    case_id = make_case(app, demo, S.ANSWERED, **fields)
    if fields["consent_publish"]:
        approve_public_text(app, case_id)
    return case_id


def number_of(app: Flask, case_id: int) -> str:
    return get_case(app, case_id).number


def page(app: Flask, query: str = "") -> str:
    """The public page as a visitor who is not logged in reads it."""
    response = app.test_client().get(f"/public/answers{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def column_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="column-data">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_public_page_shows_an_answered_case_masked_with_its_reply(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(
        app, demo, subject="小区门口路灯坏了三个月", details="解放路12号小区门口的路灯一直不亮"
    )

    html = page(app)

    assert number_of(app, case_id) in html
    assert "小区门口路灯坏了三个月" in html
    assert "解放路***小区门口的路灯一直不亮" in html  # the house number masked in the approved text
    assert "解放路12号" not in html
    assert CONCRETE_REPLY in html
    assert "张**" in html
    assert "139****5678" in html
    assert NAME not in html
    assert NUMBER not in html


def test_an_anonymous_caller_is_shown_as_anonymous_without_a_number(
    app: Flask, demo: SimpleNamespace
) -> None:
    answered(app, demo, anonymous=True)

    html = page(app)

    with app.test_request_context():
        assert str(public.ANONYMOUS) in html
    assert NAME not in html
    assert "139****5678" not in html


def test_internal_case_never_appears_even_when_consented(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(app, demo, subject="涉及重大项目的投诉")
    act(app, case_id, "edit", "oversight", {"internal": True})

    html = page(app)

    assert number_of(app, case_id) not in html
    assert "涉及重大项目的投诉" not in html


def test_case_without_consent_does_not_appear(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(app, demo, consent_publish=False)

    assert number_of(app, case_id) not in page(app)


def test_case_not_yet_answered_does_not_appear(app: Flask, demo: SimpleNamespace) -> None:
    case_id = make_case(app, demo, S.APPROVED, consent_publish=True)

    assert number_of(app, case_id) not in page(app)


def test_settled_case_stays_published(app: Flask, demo: SimpleNamespace) -> None:
    case_id = make_case(app, demo, S.SETTLED, consent_publish=True)
    approve_public_text(app, case_id)

    assert number_of(app, case_id) in page(app)


def test_free_text_filter(app: Flask, demo: SimpleNamespace) -> None:
    lamp = answered(app, demo, subject="路灯不亮")
    noise = answered(app, demo, subject="工地夜间施工噪音")

    html = page(app, "?q=噪音")

    assert number_of(app, noise) in html
    assert number_of(app, lamp) not in html


def test_unit_filter(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(app, demo)

    assert number_of(app, case_id) in page(app, f"?unit={demo.unit_id}")
    assert number_of(app, case_id) not in page(app, f"?unit={demo.unit_id + 1000}")


def test_newest_answer_first_and_paginated(
    app: Flask, demo: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = answered(app, demo, subject="路灯不亮", contact_number="13900000001")
    newer = answered(app, demo, subject="工地夜间施工噪音", contact_number="13900000002")
    monkeypatch.setattr(public, "PER_PAGE", 1)

    first, second = page(app), page(app, "?page=2")

    assert number_of(app, newer) in first and number_of(app, older) not in first
    assert number_of(app, older) in second


def test_the_totals_pages_and_unit_choices_count_only_what_may_be_published(
    app: Flask, demo: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = answered(app, demo, subject="路灯不亮", contact_number="13900000001")
    internal = answered(app, demo, subject="涉及重大项目的投诉", contact_number="13900000002")
    act(app, internal, "edit", "oversight", {"internal": True})
    not_consented = answered(
        app, demo, subject="工地夜间施工噪音", contact_number="13900000003", consent_publish=False
    )
    # Both answered by the other unit, which has nothing it may show.
    with app.app_context():
        for case_id in (internal, not_consented):
            case = db.session.get(Case, case_id)
            assert case is not None
            case.unit_id = case.first_unit_id = other_unit_id(app)
        db.session.commit()
    monkeypatch.setattr(public, "PER_PAGE", 1)
    rendered: list[dict[str, Any]] = []

    def remember(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        if template.name == "followup/public_answers.html":
            rendered.append(context)

    with template_rendered.connected_to(remember, app):
        html = page(app)

    (context,) = rendered
    assert (context["total"], context["pages"]) == (1, 1)
    assert [unit.id for unit in context["units"]] == [demo.unit_id]
    assert number_of(app, shown) in html


# --- the column picker ---------------------------------------------------------------------------


def test_column_page_is_refused_to_a_unit_handler(as_user: AsUser) -> None:
    assert as_user("handler").get("/followup/column").status_code == 403


def test_column_page_lists_publishable_cases_masked(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    case_id = answered(app, demo)

    response = as_user("producer").get("/followup/column")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    (item,) = column_data(html)["candidates"]
    assert (item["id"], item["citizen"], item["phone"], item["picked"]) == (
        case_id,
        "张**",
        "139****5678",
        False,
    )
    assert NAME not in html and NUMBER not in html


def test_a_pick_appears_among_the_picks(app: Flask, demo: SimpleNamespace, as_user: AsUser) -> None:
    case_id = answered(app, demo)
    editor = as_user("oversight")

    response = editor.post(f"/api/cases/{case_id}/actions/column_pick", json={"picked": True})

    assert response.status_code == 200
    assert [p["id"] for p in column_data(editor.get("/followup/column").get_data(as_text=True))["picks"]] == [
        case_id
    ]


def test_picking_an_internal_case_is_refused_and_the_page_says_why(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    case_id = answered(app, demo)
    act(app, case_id, "edit", "oversight", {"internal": True})
    editor = as_user("oversight")

    response = editor.post(f"/api/cases/{case_id}/actions/column_pick", json={"picked": True})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_publishable"
    html = editor.get("/followup/column").get_data(as_text=True)
    assert column_data(html)["candidates"] == []
    internal = html.split('id="internal"', 1)[1]
    assert number_of(app, case_id) in internal
    with app.test_request_context():
        assert gettext("Internal bulletin (内参) — not publishable") in internal


def test_a_pick_that_became_internal_is_kept_out_of_the_printed_list(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    case_id = answered(app, demo)
    act(app, case_id, "column_pick", "oversight", {"picked": True})
    act(app, case_id, "edit", "oversight", {"internal": True})

    data = column_data(as_user("oversight").get("/followup/column").get_data(as_text=True))

    assert data["picks"] == []
    (stale,) = data["stale_picks"]
    assert stale["id"] == case_id
    with app.test_request_context():
        assert stale["why_not"] == gettext("Marked internal (内参)")
