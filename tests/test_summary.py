"""The printable summary page of a show, as the producer, host, clerk or oversight office read it."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask.testing import FlaskClient

Login = Callable[[str], FlaskClient]


def figure(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}"[^>]*>([^<]*)<', html)
    assert match, f"no figure {key}"
    return match.group(1).strip()


def new_card(producer: FlaskClient, session_id: int, **fields: Any) -> int:
    response = producer.post(f"/api/sessions/{session_id}/calls", json={"category": "complaint"} | fields)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def put_on_air(producer: FlaskClient, call_id: int) -> None:
    for action in ("pickup", "ready", "air"):
        response = producer.post(f"/api/calls/{call_id}/{action}")
        assert response.status_code == 200, response.json


def test_ended_show_summary_has_the_figures_and_the_head(live: SimpleNamespace, as_user: Login) -> None:
    producer = as_user("producer")
    aired = new_card(producer, live.id, caller_name="张女士", subject="法律援助申请")
    new_card(producer, live.id, caller_name="王先生", subject="社区矫正外出审批")
    put_on_air(producer, aired)
    record = as_user("clerk").put(
        f"/api/calls/{aired}/record",
        json={
            "outcome": "commitment",
            "commitment_what": "三个工作日内指派律师",
            "commitment_due": "2030-01-10",
            "commitment_how": "电话告知",
        },
    )
    assert record.status_code == 200, record.json
    assert as_user("host").post(f"/api/sessions/{live.id}/end").status_code == 200

    page = producer.get(f"/live/{live.id}/summary")

    assert page.status_code == 200
    figures = [figure(page.text, key) for key in ("received", "aired", "committed")]
    assert figures == ["2", "1", "1"]
    assert 'data-figure="head_present" data-value="yes"' in page.text
    assert "王建国" in page.text
    assert "三个工作日内指派律师" in page.text
    assert re.search(rf'data-call="{aired}".*?data-outcome="commitment"', page.text, re.S)


def test_live_show_summary_counts_what_has_come_in_so_far(live: SimpleNamespace, as_user: Login) -> None:
    producer = as_user("producer")
    new_card(producer, live.id, subject="公证办理时间")
    page = as_user("oversight").get(f"/live/{live.id}/summary")
    assert page.status_code == 200
    assert (figure(page.text, "received"), figure(page.text, "aired")) == ("1", "0")
    assert "公证办理时间" in page.text


def test_anonymous_callers_name_is_not_printed(live: SimpleNamespace, as_user: Login) -> None:
    producer = as_user("producer")
    new_card(producer, live.id, caller_name="匿名者甲", anonymous=True, subject="举报违规收费")
    page = producer.get(f"/live/{live.id}/summary")
    assert "举报违规收费" in page.text
    assert "匿名者甲" not in page.text


def test_callers_markup_is_printed_as_text(live: SimpleNamespace, as_user: Login) -> None:
    producer = as_user("producer")
    new_card(
        producer, live.id, caller_name='"><img src=x onerror=alert(1)>', subject="<script>alert(1)</script>"
    )
    page = producer.get(f"/live/{live.id}/summary")
    assert "<script>alert(1)</script>" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_officials_may_not_open_the_summary(demo: SimpleNamespace, as_user: Login) -> None:
    assert as_user("official").get(f"/live/{demo.id}/summary").status_code == 403
