"""The page of one follow-up case as the server renders it: who may open it, what it carries for
the script to draw (the case, the buttons the viewer may press), what an anonymous caller's case
hides, and the holiday-calendar fallback said in words."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from broadcast.models import AirSession
from console.models import Call, Channel
from core import clock
from core.extensions import db
from followup.conversion import convert_session

SUBJECT = "小区门口违章搭建无人处理"
NUMBER = "13912345678"


def _make_case(app: Flask, demo: SimpleNamespace, **call: Any) -> int:
    """One call left for after the show on the demo session, converted into a case; its id."""
    fields = {
        "channel": Channel.PHONE,
        "caller_number": NUMBER,
        "contact_number": NUMBER,
        "caller_name": "李四",
        "subject": SUBJECT,
        "details": "搭建已经三个月，多次反映无果。",
    } | call
    with app.app_context():
        db.session.add(Call(session_id=demo.id, **fields))
        db.session.commit()
        result = convert_session(db.session.get(AirSession, demo.id), None)
        return result.created[0].id


def _page(client: FlaskClient, case_id: int) -> tuple[int, str]:
    response = client.get(f"/followup/cases/{case_id}")
    return response.status_code, response.get_data(as_text=True)


def _embedded(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="case-data">(.*?)</script>', html, re.S)
    assert found, "the page embeds the case"
    return json.loads(found.group(1))


def test_handler_of_the_unit_sees_the_case_and_may_accept_it(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id = _make_case(app, demo)

    status, html = _page(as_user("handler"), case_id)

    assert status == 200
    page = _embedded(html)
    assert page["case"]["number"] in html
    assert SUBJECT in html  # the heading, written by the server
    assert page["case"]["subject"] == SUBJECT
    assert "accept" in [a["name"] for a in page["case"]["actions"]]


def test_handler_of_another_unit_gets_not_found(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id = _make_case(app, demo)

    status, html = _page(as_user("handler2"), case_id)

    assert status == 404
    assert SUBJECT not in html


def test_callback_agent_sees_the_citizens_contact_number(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id = _make_case(app, demo)

    status, html = _page(as_user("callback"), case_id)

    assert status == 200
    assert _embedded(html)["case"]["contact_number"] == NUMBER


def test_anonymous_case_shows_neither_name_nor_number(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id = _make_case(app, demo, anonymous=True)

    status, html = _page(as_user("oversight"), case_id)

    assert status == 200
    assert NUMBER not in html
    assert "李四" not in html
    assert "\\u674e\\u56db" not in html  # nor the name as the JSON escapes it
    assert _embedded(html)["case"]["anonymous"] is True


def test_case_counted_without_a_holiday_calendar_says_so(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A year chinese_calendar does not know: Monday to Friday are counted, and flagged.
    monkeypatch.setattr(clock, "today", lambda: date(2099, 3, 2))
    case_id = _make_case(app, demo)

    client = as_user("oversight")
    client.set_cookie("lang", "en")

    status, html = _page(client, case_id)

    assert status == 200
    note = re.search(r'<p class="fallback-note" id="fallback-note" role="note"\s*>(.*?)</p>', html, re.S)
    assert note, "the fallback note is shown (not hidden)"
    assert "Holiday calendar not yet published" in note.group(1)


def test_case_on_a_known_calendar_hides_the_fallback_note(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id = _make_case(app, demo)

    _, html = _page(as_user("oversight"), case_id)

    assert re.search(r'id="fallback-note" role="note" hidden', html)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_page_renders_in_both_languages(
    app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient], lang: str
) -> None:
    case_id = _make_case(app, demo)
    client = as_user("handler")
    client.set_cookie("lang", lang)

    status, html = _page(client, case_id)

    assert status == 200
    assert f'<html lang="{"en" if lang == "en" else "zh-CN"}">' in html
    assert 'id="case-data"' in html
