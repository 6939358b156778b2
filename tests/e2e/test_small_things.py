"""Issue 11's smaller things, seen in Chinese in the browser: the host's button says what it does,
a missing page is the app's own page, each desk role lands on its desk, past shows keep their
summary, and the case history writes its moments as every other page does.

The module runs a server of its own with the demo's past shows and cases loaded (``flask demo
followup``), and marks a caller ready on its show, so the other modules' shows are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import own_server
from tests.live_server import Console, _flask

pytestmark = pytest.mark.e2e

SHOTS = "test-artifacts"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with own_server(tmp_path_factory, "e2e-small") as console:
        _flask(console.env, "demo", "followup")
        yield console


def seat(login_page: Callable[[str], Page], live_server: Console, username: str, name: str) -> Page:
    page = login_page(username)
    page.goto(f"{live_server.url}/live/{live_server.session_id}/{name}")
    expect(page.locator("#conn")).to_have_class("conn conn-online")
    return page


def test_the_hosts_button_puts_a_caller_on_air_by_name(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    producer = seat(login_page, live_server, "producer", "producer")
    host = seat(login_page, live_server, "host", "host")
    producer.wait_for_selector("#go-live:enabled, #end-show:enabled")
    if producer.locator("#go-live").is_enabled():
        producer.click("#go-live")
    producer.click("#new-call")
    producer.fill("#new-call-number", "13812345678")
    producer.keyboard.press("Enter")
    card = producer.locator("#card")
    card.locator('[name="caller_name"]').fill("王先生")
    producer.click('[data-category="help"]')
    card.locator('[name="subject"]').fill("老人申请法律援助")
    expect(producer.locator("#save-status")).to_have_text("已保存", timeout=5000)
    producer.click('[data-action="ready"]')

    button = host.locator('#ready-list [data-action="air"]')
    expect(button).to_have_text("上线")
    host.screenshot(path=f"{SHOTS}/small-host.png")


def test_a_missing_page_is_in_chinese_with_a_way_back(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    page = login_page("producer")
    answer = page.goto(live_server.url + "/no/such/page")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("main")).not_to_contain_text("Not Found")
    page.screenshot(path=f"{SHOTS}/small-404.png")
    page.get_by_role("link", name="返回首页").click()
    expect(page.locator("h1").first).to_have_text("直播场次")


def test_a_handler_lands_on_the_units_desk(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    page = login_page("handler")
    assert page.url.split("?")[0].endswith("/followup/unit"), page.url


def test_past_shows_open_their_summary(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    page = login_page("producer")
    past = page.locator(".past-sessions a", has_text="直播小结")
    expect(past.first).to_be_visible()
    page.screenshot(path=f"{SHOTS}/small-home.png", full_page=True)
    past.first.click()
    assert re.search(r"/live/\d+/summary$", page.url), page.url


def test_the_case_history_writes_moments_like_every_page(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    page = login_page("oversight")
    page.goto(live_server.url + "/followup/cases/1")
    times = page.locator("#history-body tbody td:first-child")
    expect(times.first).to_be_visible()
    for text in times.all_inner_texts():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text), text
    page.screenshot(path=f"{SHOTS}/small-case.png", full_page=True)
