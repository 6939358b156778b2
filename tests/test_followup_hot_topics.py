"""Hot topics: the words callers raised most, counted once per call, from the subjects of the
calls of sessions aired in the period (March 2026 here; the demo's own sessions are in other months)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from broadcast.models import AirSession, SessionState, Unit
from console.models import Call, Channel
from core.extensions import db
from followup.hot_topics import call_text, hot_topics, topic_words

Login = Callable[[str], FlaskClient]
START, END = date(2026, 3, 1), date(2026, 3, 31)

JUSTICE_CALLS = [
    "申请法律援助需要什么材料",
    "老人申请法律援助被拒绝",
    "法律援助律师一直不联系我，法律援助中心电话打不通",  # 法律援助 twice: one call
    "社区矫正人员外出审批",
]
HOUSING_CALLS = [
    "小区物业乱收费",
    "物业不修电梯，业主投诉无人管",
    "老旧小区加装电梯补贴",
    "物业维修基金使用不透明",
]


def add_session(programme_id: int, unit_id: int, air: date, subjects: list[str]) -> None:
    session = AirSession(
        programme_id=programme_id,
        unit_id=unit_id,
        air_date=air,
        start_time=time(9),
        end_time=time(10),
        state=SessionState.ENDED,
    )
    db.session.add(session)
    db.session.flush()
    for subject in subjects:
        db.session.add(Call(session_id=session.id, channel=Channel.PHONE, subject=subject))


@pytest.fixture
def calls(app: Flask, demo: SimpleNamespace) -> SimpleNamespace:
    with app.app_context():
        housing = db.session.scalar(select(Unit.id).where(Unit.name == "市住房和城乡建设局"))
        add_session(demo.programme_id, demo.unit_id, date(2026, 3, 4), JUSTICE_CALLS)
        add_session(demo.programme_id, housing, date(2026, 3, 11), HOUSING_CALLS)
        add_session(demo.programme_id, housing, date(2026, 2, 25), ["物业费上涨"] * 5)  # before the period
        # A call on the justice bureau's show about a housing matter: the housing bureau's topic.
        session = db.session.scalar(select(AirSession).where(AirSession.air_date == date(2026, 3, 4)))
        db.session.add(
            Call(session_id=session.id, channel=Channel.WEB, unit_id=housing, subject="物业占用消防通道")
        )
        db.session.commit()
        return SimpleNamespace(justice=demo.unit_id, housing=housing)


def test_the_most_raised_words_come_first_with_their_calls(app: Flask, calls: SimpleNamespace) -> None:
    with app.app_context():
        result = hot_topics(START, END, limit=3)
    assert result.calls == 9
    # 小区 and 电梯 are raised by two calls each: equal counts go in the words' order.
    assert [(t.word, t.count) for t in result.topics] == [("物业", 4), ("法律援助", 3), ("小区", 2)]
    assert "申请法律援助需要什么材料" in result.topics[1].examples


def test_a_word_repeated_in_one_call_counts_once(app: Flask, calls: SimpleNamespace) -> None:
    assert topic_words("法律援助律师不联系，法律援助中心电话打不通").issuperset({"法律援助"})
    with app.app_context():
        counts = {t.word: t.count for t in hot_topics(START, END, limit=50).topics}
    assert counts["法律援助"] == 3  # four mentions in three calls


def test_hotline_routine_words_are_not_topics() -> None:
    words = topic_words("市民反映问题：请问投诉物业乱收费怎么处理")
    assert {"市民", "反映", "问题", "请问", "投诉", "处理"}.isdisjoint(words)
    assert {"物业", "乱收费"} <= words


def test_a_short_subject_is_read_with_its_details() -> None:
    assert call_text("电梯", "小区电梯停运一周无人维修") == "电梯 小区电梯停运一周无人维修"
    assert call_text("老旧小区加装电梯补贴申请", "详情") == "老旧小区加装电梯补贴申请"


def test_one_units_topics_are_its_own_matters(app: Flask, calls: SimpleNamespace) -> None:
    with app.app_context():
        result = hot_topics(START, END, limit=50, unit_id=calls.housing)
    words = {t.word: t.count for t in result.topics}
    assert result.calls == 5  # its show's four calls and the one routed to it from the other show
    assert words["物业"] == 4
    assert "法律援助" not in words


def test_oversight_gets_every_units_topics_as_json(calls: SimpleNamespace, as_user: Login) -> None:
    response = as_user("oversight").get("/api/hot-topics?start=2026-03-01&end=2026-03-31&limit=2")
    assert response.status_code == 200
    assert [(t["word"], t["count"]) for t in response.json["topics"]] == [("物业", 4), ("法律援助", 3)]
    assert response.json["calls"] == 9


def test_a_unit_reads_only_its_own_callers_topics(calls: SimpleNamespace, as_user: Login) -> None:
    handler = as_user("handler")  # 市司法局
    own = handler.get("/api/hot-topics?start=2026-03-01&end=2026-03-31&limit=50").json
    assert own["unit_id"] == calls.justice
    assert "物业" not in {t["word"] for t in own["topics"]}
    other = handler.get(f"/api/hot-topics?start=2026-03-01&end=2026-03-31&unit_id={calls.housing}")
    assert other.status_code == 403


def test_words_raised_by_too_few_calls_are_left_out(calls: SimpleNamespace, as_user: Login) -> None:
    response = as_user("oversight").get("/api/hot-topics?start=2026-03-01&end=2026-03-31&min_calls=3")
    assert [(t["word"], t["count"]) for t in response.json["topics"]] == [("物业", 4), ("法律援助", 3)]
