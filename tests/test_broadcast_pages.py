"""The planning pages: who may open them, what they show, and that names typed by anyone stay text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

AsUser = Callable[[str], FlaskClient]


def page_data(page: str) -> Any:
    """The first data a planning page embeds for its script."""
    match = re.search(r'<script type="application/json" id="plan-data">(.*?)</script>', page, re.S)
    assert match, "the page embeds no data"
    return json.loads(match[1])


def test_plan_page_shows_programme_units_and_schedule(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").get("/plan")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    data = page_data(page)
    assert [p["name"] for p in data["programmes"]] == ["政风行风热线"]
    assert {u["name"] for u in data["units"]} == {"市司法局", "市住房和城乡建设局"}
    assert "法律服务与社区矫正" in [s["topic"] for s in data["sessions"]]
    assert 'id="import-form"' in page and "js/plan.js" in page


def test_plan_page_is_forbidden_to_a_producer(as_user: AsUser) -> None:
    assert as_user("producer").get("/plan").status_code == 403


def test_plan_page_sends_a_logged_out_visitor_to_login(app: Flask, demo: SimpleNamespace) -> None:
    response = app.test_client().get("/plan")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_may_open_the_plan(as_user: AsUser) -> None:
    assert as_user("admin").get("/plan").status_code == 200


def test_script_in_a_unit_name_stays_text(as_user: AsUser) -> None:
    client = as_user("oversight")
    name = "<script>alert('x')</script>局"
    unit = client.post("/api/units", json={"name": name}).json
    for path in ("/plan", f"/plan/units/{unit['id']}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(" not in page, path
        assert name in json.dumps(page_data(page), ensure_ascii=False), path  # there, as text


def test_unit_editor_offers_the_contact_roles(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").get(f"/plan/units/{demo.unit_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for role in ("chief", "lead", "handler", "liaison"):
        assert f'<option value="{role}">' in page
    assert "js/plan-unit.js" in page


def test_session_editor_shows_the_plan(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").get(f"/plan/sessions/{demo.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    plan = page_data(page)["session"]
    assert [g["name"] for g in plan["guests"] if g["is_head"]] == ["王建国"]
    assert len(plan["prepared_answers"]) == 4
    assert '<option value="commitments">' in page


def test_editors_of_unknown_ids_are_not_found(as_user: AsUser) -> None:
    client = as_user("oversight")
    assert client.get("/plan/units/9999").status_code == 404
    assert client.get("/plan/sessions/9999").status_code == 404


def test_session_editor_is_forbidden_to_an_official(as_user: AsUser, demo: SimpleNamespace) -> None:
    assert as_user("official").get(f"/plan/sessions/{demo.id}").status_code == 403
