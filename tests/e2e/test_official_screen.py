"""The officials' on-air screen (issue 11), in the browser: long details are fitted, never cut with
"…"; each card says whether it is a web question or a caller, and names the section; and when no
prepared answer matches the matter, the unit's material (functions, service commitments) fills the
answer panel instead of leaving it empty. Pages are in Chinese; a screenshot goes to /work/shots-s2/
when that folder exists. Runs a server of its own, as it puts the demo show on air."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from broadcast.models import Section
from console.models import Call, Channel
from tests.e2e.conftest import own_server, post
from tests.live_server import Console

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots-s2")
SECTION = "社区矫正科"
LONG = (
    "我家楼下住着一位社区矫正人员，最近半年经常深夜在楼道里大声喧哗，还多次和邻居发生争执。"
    "我们先后向居委会、派出所反映过三次，每次都说会转给司法所处理，可是一直没有任何回音。"
    "上个月他又在小区门口和保安动手，保安受了轻伤，物业说这种情况他们管不了。"
    "我想问一下：社区矫正人员的日常监管到底由谁负责？邻居们应该向哪个部门反映才有用？"
    "司法所对这种屡次违反规定的矫正人员有没有相应的处理措施？如果有，多长时间能给我们答复？"
    "另外，我们担心反映之后会被报复，能不能对反映人的信息保密？希望局长能在节目里给个明确说法。"
    "最后一句在这里结束"
)
WEB_SUBJECT = "古籍修复室"  # no prepared answer shares its words


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with own_server(tmp_path_factory, "e2e-official-screen") as console:
        yield console


def on_air(console: Console, card: dict[str, object], *, web: bool = False) -> int:
    api = console.url + "/api"
    producer = console.login("producer")
    call_id = int(str(post(producer, f"{api}/sessions/{console.session_id}/calls", card)["id"]))
    if web:
        engine = create_engine(f"sqlite:///{console.instance / 'console.db'}")
        with Session(engine) as db:
            call = db.get(Call, call_id)
            assert call is not None
            call.channel = Channel.WEB
            db.commit()
        engine.dispose()
    for step in ("pickup", "ready", "air"):
        post(producer, f"{api}/calls/{call_id}/{step}")
    return call_id


def section_id(console: Console, name: str) -> int:
    engine = create_engine(f"sqlite:///{console.instance / 'console.db'}")
    with Session(engine) as db:
        found = db.scalar(select(Section.id).where(Section.name == name))
    engine.dispose()
    assert found is not None
    return int(found)


def test_the_official_reads_the_whole_matter_its_channel_and_section_and_the_units_material(
    live_server: Console, login_page: Callable[[str], Page]
) -> None:
    api = live_server.url + "/api"
    post(live_server.login("host"), f"{api}/sessions/{live_server.session_id}/go-live")
    first = on_air(
        live_server,
        {
            "caller_name": "陈先生",
            "subject": "社区矫正人员深夜扰民无人管",
            "details": LONG,
            "unit_id": 1,
            "section_id": section_id(live_server, SECTION),
        },
    )

    screen = login_page("official")
    screen.goto(f"{live_server.url}/live/{live_server.session_id}/official")
    card = screen.locator(f'#current [data-call-id="{first}"]')
    expect(card).to_contain_text("最后一句在这里结束")
    expect(card).to_contain_text(SECTION)
    expect(card.locator(".channel")).to_have_text("来电人")
    # Fitted, not cut: the whole text is laid out inside the card and the card inside the stage.
    details = card.locator(".details")
    assert details.evaluate("n => n.scrollHeight <= n.clientHeight + 1")
    assert card.evaluate("n => n.scrollHeight <= n.clientHeight + 1")
    assert screen.locator("#current").evaluate("n => n.scrollHeight <= n.clientHeight + 1")
    if SHOTS.is_dir():
        screen.screenshot(path=str(SHOTS / "official-long-details.png"))

    post(live_server.login("host"), f"{api}/calls/{first}/end-air")
    web = on_air(live_server, {"subject": WEB_SUBJECT, "details": "周末能否参观"}, web=True)
    card = screen.locator(f'#current [data-call-id="{web}"]')
    expect(card.locator(".channel")).to_have_text("网络提问")
    panel = screen.locator("#prepared-answer")
    expect(panel).to_contain_text("主要职能", timeout=5000)
    expect(panel).to_contain_text("负责全市法治宣传")
    expect(panel).to_contain_text("服务承诺")
    expect(panel).to_contain_text("15日内办结")
    if SHOTS.is_dir():
        screen.screenshot(path=str(SHOTS / "official-unit-material.png"))
