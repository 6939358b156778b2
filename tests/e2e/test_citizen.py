"""The citizen's side in the browser: the web form in Chinese throughout, and the receipt number it
gives finds the matter (wrong digits refused, the right ones show the state, and the reply once the
unit has answered)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.live_server import Console

PHONE = "13600003333"
SUBJECT = "老旧小区加装电梯补贴何时发放"
REPLY = "经核实，区住建局已于本月审核通过该小区加装电梯补贴申请，补贴款将于下月15日前拨付至业主委员会账户。"


def listener_page(browser: Browser) -> Page:
    return browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()


def post(live_server: Console, username: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = live_server.login(username).post(live_server.url + path, json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_web_form_is_chinese_throughout(browser: Browser, live_server: Console) -> None:
    listener = listener_page(browser)
    listener.goto(f"{live_server.url}/w/{live_server.web_token}")
    chips = listener.locator(".wc-categories .wc-chip span")
    expect(chips.first).to_be_visible()
    assert "投诉" in chips.all_inner_texts()
    english = re.findall(r"[A-Za-z]{2,}", listener.locator("main").inner_text())
    assert set(english) <= {"FM", "W"}, english
    listener.context.close()


def test_a_citizen_finds_the_matter_by_receipt_number(browser: Browser, live_server: Console) -> None:
    listener = listener_page(browser)
    listener.goto(f"{live_server.url}/w/{live_server.web_token}")
    listener.fill('[name="contact_number"]', PHONE)
    listener.fill('[name="subject"]', SUBJECT)
    listener.fill('[name="content"]', "去年报名加装电梯，补贴一直没有到账，想知道进度。")
    listener.wait_for_timeout(3500)  # the web form refuses what is sent faster than a person types
    listener.click("button.wc-send")
    receipt = listener.locator(".wc-ref strong").inner_text()
    assert re.fullmatch(r"W-\d{6}", receipt), receipt

    listener.click("#receipt-lookup")
    expect(listener.locator('[name="number"]')).to_have_value(receipt)
    listener.fill('[name="digits"]', "0000")
    listener.click("form.wc-form button[type=submit]")
    expect(listener.locator("#notice")).to_contain_text("没有与该受理编号")
    expect(listener.locator("#receipt-status")).to_have_count(0)

    listener.fill('[name="number"]', receipt)
    listener.fill('[name="digits"]', PHONE[-4:])
    listener.click("form.wc-form button[type=submit]")
    expect(listener.locator("#receipt-state")).to_have_text("节目组已收到")
    expect(listener.locator("#receipt-case")).to_have_count(0)

    # After the show the question becomes a case; the unit answers it.
    case = post(live_server, "oversight", f"/api/calls/{int(receipt[2:])}/case", {})
    actions = f"/api/cases/{case['id']}/actions/"
    post(live_server, "handler", actions + "accept", {})
    post(live_server, "handler", actions + "start", {})
    post(live_server, "handler", actions + "draft", {"body": REPLY})
    post(live_server, "reviewer", actions + "approve", {})

    listener.fill('[name="digits"]', PHONE[-4:])
    listener.click("form.wc-form button[type=submit]")
    expect(listener.locator("#receipt-case")).to_have_text(case["number"])
    expect(listener.locator("#receipt-state")).to_have_text("承办单位正在办理")
    expect(listener.locator("#receipt-due")).not_to_be_empty()
    expect(listener.locator("#receipt-reply")).to_have_count(0)  # approved, not yet given

    post(live_server, "handler", actions + "answer", {"channel": "phone"})
    listener.fill('[name="digits"]', PHONE[-4:])
    listener.click("form.wc-form button[type=submit]")
    expect(listener.locator("#receipt-state")).to_have_text("已答复")
    expect(listener.locator("#receipt-reply")).to_have_text(REPLY)
    # Nothing else of the matter: not the subject, not the number given.
    expect(listener.locator("#receipt-status")).not_to_contain_text(SUBJECT)
    expect(listener.locator("#receipt-status")).not_to_contain_text(PHONE)
    listener.context.close()
