"""The clerk's record goes to the call the clerk means (issue 11): a save names its call and is
refused for any other, never moved to one; a record corrected after its case was made reaches the
case as a line of its history, and the case's answer and commitment follow; ending the show is
preceded by the list of what it would leave unfinished."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from console.models import CallState, Channel
from tests.followup_helpers import add_call

AsUser = Callable[[str], FlaskClient]
PROMISE = {
    "outcome": "commitment",
    "answer": "街道一周内处理。",
    "commitment_what": "清理占道摊位",
    "commitment_due": "2026-12-09",
    "commitment_how": "电话告知",
}


def aired_unrecorded(app: Flask, session_id: int, **fields: Any) -> int:
    """A call that went on air and has no record yet."""
    return add_call(app, session_id, aired_at=datetime.now(UTC), **fields)


def record_of(client: FlaskClient, call_id: int) -> dict[str, Any]:
    response = client.get(f"/api/calls/{call_id}")
    assert response.status_code == 200, response.json
    return dict(response.json["air_record"] or {})


def case_of(client: FlaskClient, call_id: int) -> dict[str, Any]:
    made = client.post(f"/api/calls/{call_id}/case")
    assert made.status_code == 201, made.json
    return dict(client.get(f"/api/cases/{made.json['id']}").json)


# --- a save names its call ----------------------------------------------------------------------


def test_a_save_meant_for_another_call_is_refused_and_nothing_is_written(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    earlier = add_call(app, demo.id, record={"outcome": "answered", "answer": "早先的答复"})
    on_air = aired_unrecorded(app, demo.id)
    clerk = as_user("clerk")
    version = record_of(clerk, earlier)["version"]

    wrong = clerk.put(
        f"/api/calls/{earlier}/record", json={"call_id": on_air, "version": version, "answer": "新来电的答复"}
    )
    assert wrong.status_code == 409
    assert wrong.json["error"]["code"] == "wrong_call"
    assert record_of(clerk, earlier)["answer"] == "早先的答复"
    assert record_of(clerk, on_air) == {}

    right = clerk.put(f"/api/calls/{on_air}/record", json={"call_id": on_air, "answer": "新来电的答复"})
    assert right.status_code == 200, right.json
    assert right.json["call_id"] == on_air
    assert record_of(clerk, on_air)["answer"] == "新来电的答复"
    assert record_of(clerk, earlier)["answer"] == "早先的答复"


def test_a_stale_version_of_another_record_is_refused(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    call_id = add_call(app, demo.id, record={"outcome": "answered", "answer": "原答复"})
    clerk = as_user("clerk")
    version = record_of(clerk, call_id)["version"]
    assert (
        clerk.put(f"/api/calls/{call_id}/record", json={"version": version, "answer": "改一"}).status_code
        == 200
    )
    stale = clerk.put(
        f"/api/calls/{call_id}/record", json={"call_id": call_id, "version": version, "answer": "改二"}
    )
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"
    assert record_of(clerk, call_id)["answer"] == "改一"


def test_the_clerk_sees_whose_record_by_a_masked_number(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    call_id = aired_unrecorded(app, demo.id, contact_number="13812345678", line="2")
    seen = as_user("clerk").get(f"/api/sessions/{demo.id}/state/clerk").json
    call = next(c for c in seen["calls"] if c["id"] == call_id)
    assert call["number_masked"] == "138****5678"
    assert call["line"] == "2"


# --- a record corrected after its case was made ---------------------------------------------------


def test_a_corrected_record_reaches_its_case_as_a_line_of_history(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    call_id = add_call(app, demo.id, record=dict(PROMISE, commitment_due=None))
    clerk, office = as_user("clerk"), as_user("oversight")
    with app.app_context():
        from datetime import date

        from console.models import Call
        from core.extensions import db

        call = db.session.get(Call, call_id)
        assert call is not None and call.air_record is not None
        call.air_record.commitment_due = date(2026, 12, 9)
        db.session.commit()
    case = case_of(office, call_id)
    assert case["commitment"]["due"] == "2026-12-09"
    events_before = len(case["events"])

    version = record_of(clerk, call_id)["version"]
    saved = clerk.put(
        f"/api/calls/{call_id}/record",
        json={
            "call_id": call_id,
            "version": version,
            "commitment_due": "2026-12-12",
            "answer": "街道三天内处理。",
        },
    )
    assert saved.status_code == 200, saved.json

    after = office.get(f"/api/cases/{case['id']}").json
    assert after["commitment"]["due"] == "2026-12-12"
    assert after["commitment"]["what"] == "清理占道摊位"
    assert after["on_air_answer"] == "街道三天内处理。"
    assert len(after["events"]) == events_before + 1
    line = after["events"][-1]
    assert line["action"] == "record_amended"
    assert "2026-12-09 → 2026-12-12" in line["note"]
    assert "街道一周内处理。 → 街道三天内处理。" in line["note"]
    assert line["actor"]


def test_a_save_that_changes_nothing_writes_no_line(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    call_id = add_call(app, demo.id, record={"outcome": "followup", "answer": "节目后核实。"})
    clerk, office = as_user("clerk"), as_user("oversight")
    case = case_of(office, call_id)
    version = record_of(clerk, call_id)["version"]
    saved = clerk.put(f"/api/calls/{call_id}/record", json={"version": version, "answer": "节目后核实。"})
    assert saved.status_code == 200, saved.json
    assert len(office.get(f"/api/cases/{case['id']}").json["events"]) == len(case["events"])


def test_a_commitment_withdrawn_from_the_record_leaves_the_case(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    call_id = add_call(app, demo.id, record=dict(PROMISE, commitment_due=None))
    clerk, office = as_user("clerk"), as_user("oversight")
    case = case_of(office, call_id)
    version = record_of(clerk, call_id)["version"]
    assert (
        clerk.put(
            f"/api/calls/{call_id}/record", json={"version": version, "outcome": "followup"}
        ).status_code
        == 200
    )
    after = office.get(f"/api/cases/{case['id']}").json
    assert after["commitment"] is None
    assert after["events"][-1]["action"] == "record_amended"


def test_a_record_of_a_call_without_a_case_writes_nothing_else(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    call_id = aired_unrecorded(app, demo.id)
    saved = as_user("clerk").put(f"/api/calls/{call_id}/record", json={"answer": "当场答复"})
    assert saved.status_code == 200, saved.json


# --- ending the show ------------------------------------------------------------------------------


def test_ending_the_show_first_lists_what_it_leaves_unfinished(
    app: Flask, as_user: AsUser, live: SimpleNamespace
) -> None:
    unrecorded = aired_unrecorded(app, live.id, caller_name="孙先生", subject="公交站台破损")
    recorded = add_call(app, live.id, caller_name="钱女士", record={"outcome": "answered"})
    waiting = add_call(app, live.id, caller_name="周女士", state=CallState.WAITING, channel=Channel.WEB)
    on_hold = add_call(app, live.id, caller_name="吴先生", state=CallState.SCREENING)
    ready = add_call(app, live.id, caller_name="郑女士", state=CallState.READY)
    host = as_user("host")

    answer = host.get(f"/api/sessions/{live.id}/unfinished")
    assert answer.status_code == 200, answer.json
    items = {item["kind"]: item for item in answer.json["items"]}
    assert set(items) == {"unrecorded", "waiting", "screening", "ready"}
    assert [c["id"] for c in items["unrecorded"]["calls"]] == [unrecorded]
    assert recorded not in [c["id"] for item in items.values() for c in item["calls"]]
    assert items["unrecorded"]["calls"][0]["who"] == "孙先生（公交站台破损）"
    assert items["unrecorded"]["text"] == "1 个已播来电尚无记录"
    assert items["unrecorded"]["line"] == "1 个已播来电尚无记录：孙先生（公交站台破损）"
    assert [c["id"] for c in items["waiting"]["calls"]] == [waiting]
    assert [c["id"] for c in items["screening"]["calls"]] == [on_hold]
    assert [c["id"] for c in items["ready"]["calls"]] == [ready]
    assert answer.json["total"] == 4

    # Only the seats that may end the show ask.
    assert as_user("official").get(f"/api/sessions/{live.id}/unfinished").status_code == 403
    assert as_user("producer").get(f"/api/sessions/{live.id}/unfinished").status_code == 200


def test_ending_the_show_names_a_caller_still_waiting_after_air(
    app: Flask, as_user: AsUser, live: SimpleNamespace
) -> None:
    after_air = add_call(
        app, live.id, caller_name="钱女士", record={"outcome": "answered"}, state=CallState.AFTER_AIR
    )

    items = as_user("host").get(f"/api/sessions/{live.id}/unfinished").json["items"]

    found = [(item["kind"], [c["id"] for c in item["calls"]]) for item in items]
    assert found == [("after_air", [after_air])]
    assert items[0]["text"] == "1 位来电人播后等待回访"


def test_a_finished_show_leaves_nothing(app: Flask, as_user: AsUser, live: SimpleNamespace) -> None:
    add_call(app, live.id, record={"outcome": "answered"})
    answer = as_user("host").get(f"/api/sessions/{live.id}/unfinished").json
    assert answer == {"items": [], "total": 0}


def test_the_end_show_list_tells_a_nameless_caller_by_the_masked_number(
    app: Flask, as_user: AsUser, live: SimpleNamespace
) -> None:
    add_call(app, live.id, caller_name="", subject="", caller_number="13912345678", state=CallState.WAITING)
    add_call(app, live.id, caller_name="", subject="", caller_number="13987654321", state=CallState.WAITING)

    answer = as_user("host").get(f"/api/sessions/{live.id}/unfinished")

    (waiting,) = answer.json["items"]
    assert waiting["line"] == "2 张卡片仍在等待：139****5678、139****4321"
