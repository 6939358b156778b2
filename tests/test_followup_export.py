"""The Excel register of follow-up cases (/followup/cases.xlsx): only the cases the person may
see, the layout a Chinese office files and prints (title, filter line, header row, print setup),
anonymous callers kept anonymous, and the file's name. Read back with openpyxl."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import date
from io import BytesIO
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from broadcast.models import AirSession, Unit
from console.demo import OTHER_UNIT
from console.models import Call, Channel
from core import clock
from core.extensions import db
from followup.conversion import convert_session

AsUser = Callable[[str], FlaskClient]
HEADER_ROW = 3

ENGLISH_HEADERS = [
    "No.", "Case number", "Received on", "Caller", "Contact number", "Category", "Matter raised",
    "Handling unit", "Handling section", "Handling state", "Time limit", "Overdue?", "Answered on",
    "Callback satisfaction", "Extension", "Times redone", "On-air commitment due", "District", "Channel",
    "Line", "Show and session", "Guest who answered", "Remarks",
]  # fmt: skip
CHINESE_HEADERS = [
    "序号", "编号", "受理日期", "来电人", "联系电话", "类别", "反映问题", "承办单位", "承办科室", "办理状态",
    "办理时限", "是否超期", "答复日期", "回访满意度", "延期", "重办次数", "承诺时限", "区域", "渠道", "线路",
    "直播场次", "答复嘉宾", "备注",
]  # fmt: skip


def make_cases(app: Flask, demo: SimpleNamespace, subjects: list[str], **call: Any) -> list[str]:
    """Calls on the demo session (``call`` sets their fields, e.g. unit_id), made into cases."""
    with app.app_context():
        for subject in subjects:
            number = f"139{zlib.crc32(subject.encode()) % 10**8:08d}"
            db.session.add(
                Call(session_id=demo.id, channel=Channel.PHONE, subject=subject, caller_number=number, **call)
            )
        db.session.commit()
        session = db.session.get(AirSession, demo.id)
        assert session is not None
        return [case.number for case in convert_session(session, None).created]


def other_unit_id(app: Flask) -> int:
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == OTHER_UNIT))
        assert unit is not None
        return unit.id


def sheet_of(client: FlaskClient, query: str = "") -> Worksheet:
    response = client.get(f"/followup/cases.xlsx{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.data)).active
    assert sheet is not None
    return sheet


def numbers(sheet: Worksheet) -> set[str]:
    return {row[1] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}


def headers(sheet: Worksheet) -> list[str]:
    return [cell.value for cell in sheet[HEADER_ROW]]


def test_the_handlers_export_holds_only_the_units_own_cases(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    ours = make_cases(app, demo, ["法律援助申请无人受理", "社区矫正人员扰民"])
    make_cases(app, demo, ["小区电梯长期停运"], unit_id=other_unit_id(app))

    assert numbers(sheet_of(as_user("handler"))) == set(ours)


def test_another_units_export_leaves_out_unit_ones_cases(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    unit_one = make_cases(app, demo, ["法律援助申请无人受理"])
    theirs = make_cases(app, demo, ["小区电梯长期停运"], unit_id=other_unit_id(app))

    exported = numbers(sheet_of(as_user("handler2")))
    assert exported == set(theirs)
    assert not exported & set(unit_one)


def test_the_export_follows_the_desks_filters(
    app: Flask, demo: SimpleNamespace, as_user: AsUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 2))
    (early,) = make_cases(app, demo, ["拖欠工资无人处理"])
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 20))
    make_cases(app, demo, ["公证费用收取过高"])

    sheet = sheet_of(as_user("oversight"), "?due=overdue")
    assert numbers(sheet) == {early}
    assert sheet.cell(HEADER_ROW + 1, 12).value == "是"  # 是否超期


def test_the_register_has_its_title_and_header_row_in_english(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    make_cases(app, demo, ["法律援助申请无人受理"])
    client = as_user("oversight")
    client.get("/lang/en")
    sheet = sheet_of(client)

    assert sheet["A1"].value == "Register of hotline follow-up cases"
    assert "A1:W1" in {str(r) for r in sheet.merged_cells.ranges}
    assert "Exported" in sheet["A2"].value
    assert headers(sheet) == ENGLISH_HEADERS
    assert all(cell.font.b and cell.border.bottom.style == "thin" for cell in sheet[HEADER_ROW])


def test_the_register_is_in_chinese_by_default(app: Flask, demo: SimpleNamespace, as_user: AsUser) -> None:
    make_cases(app, demo, ["法律援助申请无人受理"])
    response = as_user("oversight").get("/followup/cases.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    assert sheet is not None

    assert sheet["A1"].value == "政风行风热线转办件办理情况登记表"
    assert headers(sheet) == CHINESE_HEADERS
    # A Chinese file name travels as RFC 5987 says, beside an ASCII fallback.
    name = f"转办件_{clock.today().isoformat()}.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["Content-Disposition"]


def test_the_register_prints_on_a4_landscape_with_the_header_on_every_page(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    make_cases(app, demo, ["法律援助申请无人受理"])
    sheet = sheet_of(as_user("oversight"))

    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["A"].width  # 反映问题 is wide


def test_an_anonymous_callers_name_and_number_stay_out(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    make_cases(
        app, demo, ["举报律师违规收费"], anonymous=True, caller_name="张三", contact_number="13900001111"
    )
    client = as_user("oversight")
    client.get("/lang/en")
    row = next(sheet_of(client).iter_rows(min_row=HEADER_ROW + 1, values_only=True))

    assert row[3] == "Anonymous"
    assert row[4] in (None, "")


def test_the_file_is_named_after_the_day_it_was_exported(demo: SimpleNamespace, as_user: AsUser) -> None:
    client = as_user("oversight")
    client.get("/lang/en")
    disposition = client.get("/followup/cases.xlsx").headers["Content-Disposition"]
    assert f"Follow-up-cases_{clock.today().isoformat()}.xlsx" in disposition


def test_the_register_carries_the_facts_of_the_call(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    """Where each matter came from: the caller's district, the channel, the line, the show and
    session, and the guest who answered on air."""
    from followup.conversion import convert_call
    from tests.followup_helpers import add_call, user
    from tests.test_case_facts import guest_id

    call_id = add_call(
        app,
        demo.id,
        channel=Channel.PHONE,
        line="2",
        district="浦东新区",
        record={"outcome": "followup", "answer": "请把材料交到法律援助中心。",
                "answered_by_guest_id": guest_id(app, demo.id, "李红")},
    )
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call is not None
        session = db.session.get(AirSession, demo.id)
        assert session is not None
        show = f"{session.programme.name} {session.air_date.isoformat()} {session.start_time:%H:%M}"
        convert_call(call, user("oversight"))
    sheet = sheet_of(as_user("oversight"))
    first = next(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    row = dict(zip(headers(sheet), first, strict=True))

    assert row["区域"] == "浦东新区"
    assert row["渠道"] == "电话"
    assert row["线路"] == "2"
    assert str(row["直播场次"]).startswith(show)
    assert str(row["答复嘉宾"]).startswith("李红")


def test_the_register_carries_the_on_air_commitments_date(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    """A commitment's date is a deadline of its case, so the register shows it beside the time limit."""
    from followup.conversion import convert_call
    from tests.followup_helpers import add_call, user

    call_id = add_call(
        app,
        demo.id,
        record={"outcome": "commitment", "commitment_what": "派人修路灯", "commitment_due": date(2026, 12, 9),
                "commitment_how": "电话告知"},
    )  # fmt: skip
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call is not None
        convert_call(call, user("oversight"))
    sheet = sheet_of(as_user("oversight"))
    first = next(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    row = dict(zip(headers(sheet), first, strict=True))

    assert row["承诺时限"].date() == date(2026, 12, 9)
