"""The planning JSON API: programmes, units, sections, contacts, sessions and their plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from broadcast.models import AirSession, Programme, SessionState, Unit
from console.models import Call, Channel
from core import clock
from core.extensions import db

AsUser = Callable[[str], FlaskClient]


def _session_body(demo: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    body = {
        "programme_id": demo.programme_id,
        "unit_id": demo.unit_id,
        "air_date": (clock.today() + timedelta(days=14)).isoformat(),
        "start_time": "09:00",
        "end_time": "10:00",
        "topic": "公共法律服务",
    }
    return {**body, **changes}


def _new_unit(client: FlaskClient, name: str = "市交通运输局") -> dict[str, Any]:
    response = client.post("/api/units", json={"name": name, "short_name": "交通局"})
    assert response.status_code == 201, response.json
    return response.json


# --- Programmes ------------------------------------------------------------------------------


def test_created_programme_is_listed(as_user: AsUser) -> None:
    client = as_user("oversight")
    response = client.post(
        "/api/programmes",
        json={"name": "民生热线", "station": "市广播电台", "frequency": "FM 93.6", "time_slot": "周五 10:00"},
    )
    assert response.status_code == 201
    names = [p["name"] for p in client.get("/api/programmes").json["items"]]
    assert "民生热线" in names


def test_programme_patch_changes_only_the_fields_sent(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    response = client.patch(f"/api/programmes/{demo.programme_id}", json={"frequency": "FM 99.0"})
    assert response.status_code == 200
    assert response.json["frequency"] == "FM 99.0"
    assert response.json["name"] == "政风行风热线"


def test_programme_with_sessions_cannot_be_deleted(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    response = as_user("oversight").delete(f"/api/programmes/{demo.programme_id}")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Programme, demo.programme_id) is not None


def test_programme_without_sessions_is_deleted(as_user: AsUser) -> None:
    client = as_user("oversight")
    programme_id = client.post("/api/programmes", json={"name": "试播"}).json["id"]
    assert client.delete(f"/api/programmes/{programme_id}").status_code == 204
    assert all(p["id"] != programme_id for p in client.get("/api/programmes").json["items"])


# --- Units, sections, contacts ---------------------------------------------------------------


def test_created_unit_is_listed_and_readable(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    assert any(u["name"] == "市交通运输局" for u in client.get("/api/units").json["items"])
    assert client.get(f"/api/units/{unit['id']}").json["short_name"] == "交通局"


def test_unit_is_renamed(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    response = client.patch(f"/api/units/{unit['id']}", json={"name": "市交通局", "duty_phone": "0571-12328"})
    assert response.status_code == 200
    assert client.get(f"/api/units/{unit['id']}").json["name"] == "市交通局"


def test_unit_name_already_taken_is_a_conflict(as_user: AsUser) -> None:
    response = as_user("oversight").post("/api/units", json={"name": "市司法局"})
    assert response.status_code == 409
    assert "name" in response.json["error"]["details"]


def test_renaming_a_unit_to_another_units_name_is_a_conflict(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    assert client.patch(f"/api/units/{unit['id']}", json={"name": "市司法局"}).status_code == 409


def test_unit_without_sessions_is_deleted(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    assert client.delete(f"/api/units/{unit['id']}").status_code == 204
    assert client.get(f"/api/units/{unit['id']}").status_code == 404


def test_unit_with_sessions_cannot_be_deleted(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").delete(f"/api/units/{demo.unit_id}")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Unit, demo.unit_id) is not None


def test_unit_that_calls_are_routed_to_cannot_be_deleted(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)  # no session of its own: only the calls keep it
    with app.app_context():
        db.session.add(Call(session_id=demo.id, channel=Channel.WEB, unit_id=unit["id"]))
        db.session.commit()
    response = client.delete(f"/api/units/{unit['id']}")
    assert response.status_code == 409
    assert response.json["error"]["message"] == "已有来电分派给该单位，不能删除。"
    assert client.get(f"/api/units/{unit['id']}").status_code == 200


def test_section_that_calls_are_routed_to_cannot_be_deleted(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    client = as_user("oversight")
    section = client.post(f"/api/units/{demo.unit_id}/sections", json={"name": "律师工作科"}).json
    with app.app_context():
        db.session.add(
            Call(session_id=demo.id, channel=Channel.WEB, unit_id=demo.unit_id, section_id=section["id"])
        )
        db.session.commit()
    response = client.delete(f"/api/sections/{section['id']}")
    assert response.status_code == 409
    assert response.json["error"]["message"] == "已有来电分派给该科室，不能删除。"


def test_section_is_added_renamed_and_deleted(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    section = client.post(f"/api/units/{unit['id']}/sections", json={"name": "运输管理科"}).json
    client.patch(f"/api/sections/{section['id']}", json={"name": "道路运输科"})
    assert [s["name"] for s in client.get(f"/api/units/{unit['id']}").json["sections"]] == ["道路运输科"]
    assert client.delete(f"/api/sections/{section['id']}").status_code == 204
    assert client.get(f"/api/units/{unit['id']}").json["sections"] == []


def test_section_name_twice_in_one_unit_is_a_conflict(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").post(f"/api/units/{demo.unit_id}/sections", json={"name": "法规科"})
    assert response.status_code == 409


def test_same_section_name_in_another_unit_is_allowed(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    assert client.post(f"/api/units/{unit['id']}/sections", json={"name": "法规科"}).status_code == 201


def test_contact_is_added_with_role_and_phone(as_user: AsUser) -> None:
    client = as_user("oversight")
    unit = _new_unit(client)
    body = {"role": "liaison", "name": "钱进", "title": "办公室科员", "phone": "13900000000"}
    contact = client.post(f"/api/units/{unit['id']}/contacts", json=body).json
    client.patch(f"/api/contacts/{contact['id']}", json={"role": "handler"})
    contacts = client.get(f"/api/units/{unit['id']}").json["contacts"]
    assert [(c["name"], c["role"], c["phone"]) for c in contacts] == [("钱进", "handler", "13900000000")]


def test_contact_with_unknown_role_is_invalid(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").post(
        f"/api/units/{demo.unit_id}/contacts", json={"role": "boss", "name": "某人"}
    )
    assert response.status_code == 422
    assert "role" in response.json["error"]["details"]


def test_contact_is_deleted(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    contact_id = client.get(f"/api/units/{demo.unit_id}").json["contacts"][0]["id"]
    assert client.delete(f"/api/contacts/{contact_id}").status_code == 204
    ids = [c["id"] for c in client.get(f"/api/units/{demo.unit_id}").json["contacts"]]
    assert contact_id not in ids


# --- Validation and access -------------------------------------------------------------------


def test_missing_and_overlong_fields_are_named(as_user: AsUser) -> None:
    response = as_user("oversight").post("/api/units", json={"short_name": "x" * 40})
    assert response.status_code == 422
    assert set(response.json["error"]["details"]) == {"name", "short_name"}


def test_blank_name_is_invalid(as_user: AsUser) -> None:
    response = as_user("oversight").post("/api/programmes", json={"name": "   "})
    assert response.status_code == 422
    assert "name" in response.json["error"]["details"]


def test_null_in_a_patch_is_invalid(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").patch(f"/api/units/{demo.unit_id}", json={"name": None})
    assert response.status_code == 422
    assert "name" in response.json["error"]["details"]


def test_misspelt_field_is_invalid(as_user: AsUser) -> None:
    response = as_user("oversight").post("/api/units", json={"name": "市水利局", "dutyphone": "1"})
    assert response.status_code == 422
    assert "dutyphone" in response.json["error"]["details"]


def test_unknown_ids_are_404(as_user: AsUser) -> None:
    client = as_user("oversight")
    assert client.patch("/api/units/9999", json={"name": "x"}).status_code == 404
    assert client.get("/api/sessions/9999/plan").status_code == 404
    assert client.post("/api/sessions/9999/guests", json={"name": "x"}).status_code == 404
    assert client.delete("/api/answers/9999").json["error"]["code"] == "not_found"


def test_producer_may_not_create_a_unit(app: Flask, as_user: AsUser) -> None:
    response = as_user("producer").post("/api/units", json={"name": "市水利局"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Unit).where(Unit.name == "市水利局")) is None


def test_admin_may_create_a_unit(as_user: AsUser) -> None:
    assert as_user("admin").post("/api/units", json={"name": "市水利局"}).status_code == 201


def test_logged_out_api_call_is_401(app: Flask, demo: SimpleNamespace) -> None:
    client = app.test_client()
    assert client.get("/api/sessions").status_code == 401
    assert client.post("/api/units", json={"name": "市水利局"}).status_code == 401


def test_any_seat_may_read_todays_sessions_and_plan(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("producer")
    sessions = client.get(f"/api/sessions?date={clock.today().isoformat()}").json["items"]
    assert [s["id"] for s in sessions] == [demo.id]
    plan = client.get(f"/api/sessions/{demo.id}/plan").json
    assert plan["unit"] == "市司法局"
    assert len(plan["prepared_answers"]) == 4
    assert {m["kind"] for m in plan["materials"]} == {"functions", "commitments"}


# --- Sessions --------------------------------------------------------------------------------


def test_created_session_shows_in_the_schedule(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    body = _session_body(demo, guests=[{"name": "王建国", "title": "局长", "is_head": True}])
    response = client.post("/api/sessions", json=body)
    assert response.status_code == 201
    assert response.json["head_present"] is True
    listed = client.get(f"/api/sessions?date={body['air_date']}").json["items"]
    assert [(s["topic"], s["state"]) for s in listed] == [("公共法律服务", "scheduled")]


def test_sessions_filter_by_range_and_unit(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    day = clock.today().isoformat()
    week = (clock.today() + timedelta(days=7)).isoformat()
    in_range = client.get(f"/api/sessions?from={day}&to={week}&unit_id={demo.unit_id}").json["items"]
    assert [s["air_date"] for s in in_range] == [day, week]
    assert client.get(f"/api/sessions?from={week}&to={week}").json["items"][0]["air_date"] == week
    assert client.get(f"/api/sessions?unit_id={demo.unit_id + 100}").json["items"] == []


def test_bad_date_filter_is_invalid(as_user: AsUser) -> None:
    response = as_user("oversight").get("/api/sessions?date=tomorrow")
    assert response.status_code == 422
    assert "date" in response.json["error"]["details"]


def test_unit_on_air_twice_a_day_is_a_conflict(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").post(
        "/api/sessions",
        json=_session_body(demo, air_date=clock.today().isoformat(), start_time="14:00", end_time="15:00"),
    )
    assert response.status_code == 409
    assert "air_date" in response.json["error"]["details"]


def test_session_ending_before_it_starts_is_invalid(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").post("/api/sessions", json=_session_body(demo, end_time="08:00"))
    assert response.status_code == 422
    assert "end_time" in response.json["error"]["details"]


def test_session_without_required_fields_names_them(as_user: AsUser) -> None:
    response = as_user("oversight").post("/api/sessions", json={"topic": "x"})
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert {"programme_id", "unit_id", "air_date", "start_time", "end_time"} <= set(details)


def test_session_is_moved_to_another_day(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    new_day = (clock.today() + timedelta(days=1)).isoformat()
    response = client.patch(f"/api/sessions/{demo.id}", json={"air_date": new_day, "topic": "社区矫正"})
    assert response.status_code == 200
    assert client.get(f"/api/sessions/{demo.id}/plan").json["air_date"] == new_day


def test_session_cannot_move_onto_the_units_other_session(as_user: AsUser, demo: SimpleNamespace) -> None:
    next_week = (clock.today() + timedelta(days=7)).isoformat()
    response = as_user("oversight").patch(f"/api/sessions/{demo.id}", json={"air_date": next_week})
    assert response.status_code == 409


def _set_state(app: Flask, session_id: int, state: SessionState) -> None:
    with app.app_context():
        db.session.get(AirSession, session_id).state = state
        db.session.commit()


def test_live_session_keeps_its_date_and_unit(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    _set_state(app, demo.id, SessionState.LIVE)
    client = as_user("oversight")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert client.patch(f"/api/sessions/{demo.id}", json={"air_date": tomorrow}).status_code == 409
    # The same values resent with a corrected topic are fine.
    body = {"air_date": clock.today().isoformat(), "unit_id": demo.unit_id, "topic": "法律援助"}
    assert client.patch(f"/api/sessions/{demo.id}", json=body).status_code == 200


def test_scheduled_session_is_deleted(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    session_id = client.post("/api/sessions", json=_session_body(demo)).json["id"]
    assert client.delete(f"/api/sessions/{session_id}").status_code == 204
    assert client.get(f"/api/sessions/{session_id}/plan").status_code == 404


def test_ended_session_cannot_be_deleted(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    _set_state(app, demo.id, SessionState.ENDED)
    assert as_user("oversight").delete(f"/api/sessions/{demo.id}").status_code == 409


def test_session_with_calls_cannot_be_deleted(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    with app.app_context():
        db.session.add(Call(session_id=demo.id, channel=Channel.WEB))
        db.session.commit()
    client = as_user("oversight")
    assert client.delete(f"/api/sessions/{demo.id}").status_code == 409
    assert client.get(f"/api/sessions/{demo.id}/plan").status_code == 200


# --- Guests, material, prepared answers ------------------------------------------------------


def test_guests_are_added_marked_and_removed(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    guest = client.post(f"/api/sessions/{demo.id}/guests", json={"name": "赵六", "title": "科长"}).json
    assert guest["present"] is True and guest["is_head"] is False
    client.patch(f"/api/guests/{guest['id']}", json={"present": False})
    guests = {g["name"]: g for g in client.get(f"/api/sessions/{demo.id}/plan").json["guests"]}
    assert guests["赵六"]["present"] is False
    assert client.delete(f"/api/guests/{guest['id']}").status_code == 204
    assert "赵六" not in [g["name"] for g in client.get(f"/api/sessions/{demo.id}/plan").json["guests"]]


def test_head_of_unit_absent_shows_in_plan(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    head = next(g for g in client.get(f"/api/sessions/{demo.id}/plan").json["guests"] if g["is_head"])
    client.patch(f"/api/guests/{head['id']}", json={"present": False})
    assert client.get(f"/api/sessions/{demo.id}/plan").json["head_present"] is False


def test_material_is_added_by_kind_and_edited(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    body = {"kind": "procedures", "title": "法律援助办理流程", "body": "申请—审查—指派"}
    material = client.post(f"/api/sessions/{demo.id}/materials", json=body).json
    client.patch(f"/api/materials/{material['id']}", json={"body": "申请—审查—指派—办结"})
    materials = client.get(f"/api/sessions/{demo.id}/plan").json["materials"]
    assert {"kind": "procedures", "title": "法律援助办理流程", "body": "申请—审查—指派—办结"} in [
        {k: m[k] for k in ("kind", "title", "body")} for m in materials
    ]


def test_material_of_unknown_kind_is_invalid(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("oversight").post(
        f"/api/sessions/{demo.id}/materials", json={"kind": "gossip", "title": "x"}
    )
    assert response.status_code == 422
    assert "kind" in response.json["error"]["details"]


def test_prepared_answer_is_added_edited_and_deleted(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    answer = client.post(
        f"/api/sessions/{demo.id}/answers", json={"question": "律师收费标准？", "answer": "按政府指导价。"}
    ).json
    client.patch(f"/api/answers/{answer['id']}", json={"answer": "按律师服务收费管理办法执行。"})
    plan = client.get(f"/api/sessions/{demo.id}/plan").json
    assert plan["prepared_answers"][-1] == {
        "id": answer["id"],
        "question": "律师收费标准？",
        "answer": "按律师服务收费管理办法执行。",
    }
    assert client.delete(f"/api/answers/{answer['id']}").status_code == 204
    assert len(client.get(f"/api/sessions/{demo.id}/plan").json["prepared_answers"]) == 4


def test_question_may_be_added_before_its_answer(as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    response = client.post(f"/api/sessions/{demo.id}/answers", json={"question": "公证费怎么收？"})
    assert response.status_code == 201
    assert response.json["answer"] == ""


def test_producer_may_not_edit_the_plan(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = as_user("producer").post(f"/api/sessions/{demo.id}/answers", json={"question": "?"})
    assert response.status_code == 403
