"""The yearly schedule import: .xlsx and .csv files, row errors, all-or-nothing, the CLI."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from broadcast.models import AirSession, Unit
from broadcast.schedule import CellError, GuestSpec, parse_date, parse_guests, parse_time
from core import clock
from core.extensions import db

AsUser = Callable[[str], FlaskClient]
HEADER = ["日期", "开始", "结束", "上线单位", "直播主题", "嘉宾"]


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str, header: Sequence[str] = HEADER) -> bytes:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client: FlaskClient, data: bytes, filename: str, programme_id: int, **form: Any) -> Any:
    body = {"programme_id": str(programme_id), "file": (io.BytesIO(data), filename), **form}
    return client.post("/api/schedule/import", data=body, content_type="multipart/form-data")


def session_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AirSession)) or 0


GOOD_ROWS = [
    [
        datetime(2031, 3, 5),
        time(9, 0),
        time(10, 0),
        "市司法局",
        "法律援助",
        "王建国(局长,一把手);李红(副局长)",
    ],
    ["2031/3/12", "09:00", "10:00", "司法局", "人民调解", ""],
]


# --- Through the API -------------------------------------------------------------------------


def test_good_xlsx_creates_the_sessions(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    client = as_user("oversight")
    response = upload(client, xlsx(GOOD_ROWS), "2031.xlsx", demo.programme_id)
    assert response.status_code == 200, response.json
    assert response.json["imported"] == 2
    sessions = client.get("/api/sessions?from=2031-01-01").json["items"]
    assert [(s["air_date"], s["unit"], s["topic"]) for s in sessions] == [
        ("2031-03-05", "市司法局", "法律援助"),
        ("2031-03-12", "市司法局", "人民调解"),
    ]
    guests = [(g["name"], g["title"], g["is_head"]) for g in sessions[0]["guests"]]
    assert guests == [("王建国", "局长", True), ("李红", "副局长", False)]


def test_one_bad_row_imports_nothing_and_names_the_row(
    app: Flask, as_user: AsUser, demo: SimpleNamespace
) -> None:
    before = session_count(app)
    rows = [*GOOD_ROWS, ["2031-02-30", "09:00", "10:00", "市司法局", "", ""]]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id)
    assert response.status_code == 422
    problems = response.json["error"]["details"]["rows"]
    assert [p["row"] for p in problems] == [4]
    assert "2031-02-30" in problems[0]["reason"]
    assert session_count(app) == before


def test_every_bad_row_is_reported(as_user: AsUser, demo: SimpleNamespace) -> None:
    rows = [
        ["2031-03-05", "9点", "10:00", "市司法局", "", ""],
        ["2031-03-12", "25:00", "10:00", "市司法局", "", ""],
        ["2031-03-19", "09:00", "08:00", "市司法局", "", ""],
        ["2031-03-26", "09:00", "10:00", "", "", ""],
    ]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id)
    assert [p["row"] for p in response.json["error"]["details"]["rows"]] == [3, 4, 5]


def test_row_with_two_problems_reports_both(as_user: AsUser, demo: SimpleNamespace) -> None:
    rows = [["2031-13-05", "09:00", "10:00", "市水利局", "", ""]]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id)
    reasons = [p["reason"] for p in response.json["error"]["details"]["rows"] if p["row"] == 2]
    assert len(reasons) == 2
    assert "2031-13-05" in reasons[0] and "市水利局" in reasons[1]


def test_unknown_unit_is_a_row_error(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    rows = [["2031-03-05", "09:00", "10:00", "市水利局", "防汛", ""]]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id)
    assert response.status_code == 422
    assert response.json["error"]["details"]["rows"][0]["row"] == 2
    assert "市水利局" in response.json["error"]["details"]["rows"][0]["reason"]


def test_unknown_unit_is_created_when_asked(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    rows = [["2031-03-05", "09:00", "10:00", "市水利局", "防汛", ""]]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id, create_units="true")
    assert response.json == {"imported": 1, "created_units": ["市水利局"]}
    with app.app_context():
        assert db.session.scalar(select(Unit).where(Unit.name == "市水利局")) is not None


def test_gbk_csv_with_chinese_dates_imports(as_user: AsUser, demo: SimpleNamespace) -> None:
    rows = [
        ["2031年3月5日", "9:00", "10:00", "市司法局", "法律服务", "王建国（局长，一把手）、李红（副局长）"],
        ["2031年3月12日（周三）", "9:30", "", "市司法局", "社区矫正", ""],
    ]
    client = as_user("oversight")
    response = upload(client, csv_bytes(rows, "gbk"), "排期.csv", demo.programme_id)
    assert response.json["imported"] == 2
    sessions = client.get("/api/sessions?from=2031-01-01").json["items"]
    assert [(s["start_time"], s["end_time"]) for s in sessions] == [("09:00", "10:00"), ("09:30", "10:30")]
    assert sessions[0]["head_present"] is True


def test_utf8_csv_with_bom_and_english_headers_imports(as_user: AsUser, demo: SimpleNamespace) -> None:
    header = ["Date", "Start", "End", "Unit", "Topic"]
    data = csv_bytes([["2031-03-05", "09:00", "10:00", "市司法局", "Legal aid"]], "utf-8-sig", header)
    assert upload(as_user("oversight"), data, "plan.csv", demo.programme_id).json["imported"] == 1


def test_title_line_and_time_range_column(as_user: AsUser, demo: SimpleNamespace) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2031年政风行风热线上线单位时间安排"])
    sheet.append(["上线日期", "时间", "单位"])
    sheet.append([date(2031, 3, 5), "09:00-10:00", "市司法局"])
    sheet.append([date(2031, 3, 12), "9点", "市司法局"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(as_user("oversight"), buffer.getvalue(), "2031.xlsx", demo.programme_id)
    # The row numbers are the sheet's, counting the title line.
    assert [p["row"] for p in response.json["error"]["details"]["rows"]] == [4]


def test_unit_twice_on_one_day_in_the_file_is_reported(as_user: AsUser, demo: SimpleNamespace) -> None:
    rows = [
        ["2031-03-05", "09:00", "10:00", "市司法局", "", ""],
        ["2031-03-05", "15:00", "16:00", "市司法局", "", ""],
    ]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id)
    problems = response.json["error"]["details"]["rows"]
    assert [p["row"] for p in problems] == [3]
    assert "2" in problems[0]["reason"]  # points back to the first row


def test_session_already_scheduled_is_reported(app: Flask, as_user: AsUser, demo: SimpleNamespace) -> None:
    before = session_count(app)
    rows = [
        ["2031-03-05", "09:00", "10:00", "市司法局", "", ""],
        [clock.today(), "09:00", "10:00", "市司法局", "", ""],  # the demo's session today
    ]
    response = upload(as_user("oversight"), xlsx(rows), "2031.xlsx", demo.programme_id)
    assert [p["row"] for p in response.json["error"]["details"]["rows"]] == [3]
    assert session_count(app) == before


def test_missing_unit_column_is_reported_on_the_first_row(as_user: AsUser, demo: SimpleNamespace) -> None:
    data = xlsx([["2031-03-05", "09:00"]], header=["日期", "开始"])
    response = upload(as_user("oversight"), data, "2031.xlsx", demo.programme_id)
    assert response.json["error"]["details"]["rows"][0]["row"] == 1


def test_old_xls_file_is_refused_beside_the_file_field(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = upload(as_user("oversight"), b"\xd0\xcf\x11\xe0", "2031.xls", demo.programme_id)
    assert response.status_code == 422
    assert "file" in response.json["error"]["details"]


def test_import_without_programme_names_the_field(as_user: AsUser) -> None:
    response = as_user("oversight").post(
        "/api/schedule/import",
        data={"file": (io.BytesIO(xlsx(GOOD_ROWS)), "2031.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "programme_id" in response.json["error"]["details"]


def test_producer_may_not_import(as_user: AsUser, demo: SimpleNamespace) -> None:
    response = upload(as_user("producer"), xlsx(GOOD_ROWS), "2031.xlsx", demo.programme_id)
    assert response.status_code == 403


# --- The command line ------------------------------------------------------------------------


def test_cli_imports_a_good_file(app: Flask, demo: SimpleNamespace, tmp_path: Path) -> None:
    path = tmp_path / "2031.xlsx"
    path.write_bytes(xlsx(GOOD_ROWS))
    result = app.test_cli_runner().invoke(
        args=["schedule", "import", str(path), "--programme-id", str(demo.programme_id)]
    )
    assert result.exit_code == 0, result.output
    assert "2" in result.output


def test_cli_prints_row_errors_and_fails(app: Flask, demo: SimpleNamespace, tmp_path: Path) -> None:
    before = session_count(app)
    path = tmp_path / "2031.csv"
    path.write_bytes(csv_bytes([["2031-03-05", "09:00", "10:00", "市水利局", "", ""]], "utf-8"))
    result = app.test_cli_runner().invoke(
        args=["schedule", "import", str(path), "--programme-id", str(demo.programme_id)]
    )
    assert result.exit_code != 0
    assert "row 2" in result.output and "市水利局" in result.output
    assert session_count(app) == before


# --- Reading cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2026-03-04", "2026/3/4", "2026.3.4", "2026年3月4日", "2026年3月4日(星期三)"]
)
def test_dates_as_people_write_them(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 4)


@pytest.mark.parametrize(
    ("text", "expected"), [("09:00", time(9)), ("9:30", time(9, 30)), ("9点半", time(9, 30))]
)
def test_times_as_people_write_them(text: str, expected: time) -> None:
    assert parse_time(text) == expected


def test_guests_with_titles_and_head_mark() -> None:
    assert parse_guests("王建国(党组书记、局长,一把手);李红（副局长）, 张强") == [
        GuestSpec("王建国", "党组书记、局长", True),
        GuestSpec("李红", "副局长", False),
        GuestSpec("张强", "", False),
    ]


def test_guest_list_with_unclosed_parenthesis_is_an_error(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(CellError):
        parse_guests("王建国(局长")
