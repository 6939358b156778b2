"""A whole show in four browsers at once: producer, host, official and clerk, on the real server."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def seat(login_page, live_server, username: str, seat_name: str) -> Page:  # type: ignore[no-untyped-def]
    page = login_page(username)
    page.goto(f"{live_server.url}/live/{live_server.session_id}/{seat_name}")
    expect(page.locator("#conn")).to_have_class("conn conn-online")
    return page


def go_live(page: Page) -> None:
    """Whichever test comes first starts the show; the others find it live."""
    page.wait_for_selector("#go-live:enabled, #end-show:enabled")
    if page.locator("#go-live").is_enabled():
        page.click("#go-live")
    expect(page.locator("#end-show")).to_be_enabled()


def test_a_card_goes_from_producer_to_air_and_the_clerk_records_a_commitment(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    producer = seat(login_page, live_server, "producer", "producer")
    host = seat(login_page, live_server, "host", "host")
    official = seat(login_page, live_server, "official", "official")
    clerk = seat(login_page, live_server, "clerk", "clerk")

    go_live(producer)
    producer.click("#new-call")
    producer.fill("#new-call-number", "13812345678")
    producer.keyboard.press("Enter")
    card = producer.locator("#card")
    expect(card.locator('[name="contact_number"]')).to_have_value("13812345678")
    card.locator('[name="caller_name"]').fill("王先生")
    card.locator('[name="district"]').fill("西湖区")
    producer.click('[data-category="help"]')
    card.locator('[name="subject"]').fill("老人申请法律援助")
    card.locator('[name="details"]').fill("家里老人被拖欠工资，没钱请律师，想申请法律援助。")
    expect(producer.locator("#save-status")).to_have_text("已保存", timeout=5000)
    producer.click('[data-action="ready"]')

    ready = host.locator("#ready-list [data-call-id]")
    expect(ready).to_have_count(1)
    expect(ready.first).to_contain_text("老人申请法律援助")
    started = time.perf_counter()
    ready.first.locator('[data-action="air"]').click()

    expect(official.locator("#current [data-call-id]")).to_contain_text("老人申请法律援助")
    print(f"host click -> official screen: {(time.perf_counter() - started) * 1000:.0f} ms")
    expect(official.locator("#current")).to_contain_text("138****5678")
    expect(official.locator("#current")).not_to_contain_text("13812345678")
    expect(official.locator("#prepared-answer")).to_contain_text("法律援助中心")

    clerk.locator("#aired [data-call-id]").first.click()
    clerk.check('#record [name="outcome"][value="commitment"]')
    clerk.fill('#record [name="commitment_what"]', "三个工作日内指派律师并电话回复")
    clerk.fill('#record [name="commitment_due"]', "2026-12-01")
    clerk.fill('#record [name="commitment_how"]', "法律援助中心上门受理")
    expect(clerk.locator("#record-status")).to_contain_text("已保存", timeout=5000)

    host.click("#end-segment")
    expect(official.locator("#current [data-call-id]")).to_have_count(0)
    clerk.click('[data-satisfaction="satisfied"]')
    expect(clerk.locator("#record-status")).to_contain_text("已保存", timeout=5000)
    for page in (producer, host, official, clerk):
        page.screenshot(path=f"test-artifacts/show-{page.url.rsplit('/', 1)[-1]}.png")


def test_a_reload_in_the_middle_of_typing_loses_nothing(login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    producer = seat(login_page, live_server, "producer2", "producer")
    go_live(producer)
    producer.click("#new-call")
    producer.fill("#new-call-number", "13900001111")
    producer.keyboard.press("Enter")
    expect(producer.locator('#card [name="contact_number"]')).to_have_value("13900001111")
    details = producer.locator('#card [name="details"]')
    details.type("小区门口的路灯坏了三个月", delay=20)
    producer.reload()  # before the debounced save has had a chance to go out
    expect(producer.locator("#conn")).to_have_class("conn conn-online")
    producer.locator("#queue [data-call-id]").filter(has_text="13900001111").first.click()
    expect(producer.locator('#card [name="details"]')).to_have_value("小区门口的路灯坏了三个月")
    expect(producer.locator("#save-status")).to_have_text("已保存", timeout=5000)


def test_a_listeners_web_question_arrives_in_the_producers_queue(browser, login_page, live_server) -> None:  # type: ignore[no-untyped-def]
    producer = seat(login_page, live_server, "producer", "producer")
    listener = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    listener.goto(f"{live_server.url}/w/{live_server.web_token}")
    listener.fill('[name="caller_name"]', "李女士")
    listener.fill('[name="contact_number"]', "13700002222")
    listener.check('[name="category"][value="complaint"]', force=True)
    listener.fill('[name="subject"]', "公证处排队太久")
    listener.fill('[name="content"]', "上周去办继承公证，排了三个小时，<b>希望</b>增加窗口。")
    listener.wait_for_timeout(3100)  # a person takes longer than the robot threshold to type this
    listener.click("button[type=submit]")
    expect(listener.locator("body")).to_contain_text("W-")

    row = producer.locator("#queue [data-call-id]").filter(has_text="公证处排队太久")
    expect(row).to_have_count(1)
    row.click()
    expect(producer.locator('#card [name="details"]')).to_have_value(
        "上周去办继承公证，排了三个小时，<b>希望</b>增加窗口。"
    )
    listener.context.close()
