"""Issue 11's "Done when", walked in the browser as each user would, in Chinese, on one server.

A two-caller show: a listener sends a web question (with district and consent to publish), a
phone caller rings the stand-in line server. The producer screens both, the host puts them on air
one after the other; the clerk's pane is left on the first caller while the second is on air, and
each record is filed under its own caller (the second with a commitment earlier than the 15-day
policy deadline). The host ends the segment, the caller goes back to the producer, who records
满意 in one click; the show ends after its warning. The commitment's date is the case's deadline on
the oversight and unit desks; the case page shows district, channel, show and recording; the unit
reports the commitment kept with a photo, the office confirms and the case settles. The web form
is Chinese throughout; the citizen finds the web question's matter by receipt number; its reply
reaches the public page only in its approved, masked form.

The station's day is pinned (HOTLINE_TODAY). With WALK_SHOTS set to a folder, the walk leaves
screenshots (walk-*.png) there.
"""

from __future__ import annotations

import os
import re
import wave
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from telephony.protocol import NAMESPACE, Event, LineState
from tests.e2e.conftest import own_server, png, post, stand_in_line_server
from tests.live_server import Console

pytestmark = pytest.mark.e2e

RECEIVED = "2026-12-06"  # the show's day: the 15-day policy deadline is 2026-12-21
PROMISED = "2026-12-09"
POLICY_DUE = "2026-12-21"
WEB = {
    "caller_name": "刘建华",
    "phone": "13912345678",
    "district": "西湖区",
    "subject": "法律援助申请三个月没有答复",
    "content": "我住在解放路12号幸福小区3栋502室，三个月前申请法律援助，至今没有答复。",
}
PHONE = {
    "caller_name": "赵女士",
    "phone": "13998765432",
    "district": "浦东新区",
    "subject": "小区门口垃圾无人清运",
}
WEB_ANSWER = "法律援助中心节目后核实进度并答复。"
PROMISE = "派人清运小区门口垃圾"
KEPT_REPLY = "经核实，区环卫所已于12月8日派两名工人清运小区门口垃圾，并新设分类垃圾桶两个，已电话告知来电人。"
REPLY = "经核实，刘建华的援助申请已于12月8日批准，经办人张伟科长，联系电话13812345678。"
SHOTS = os.environ.get("WALK_SHOTS")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """This module's own server, on the show's day."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOTLINE_TODAY", RECEIVED)
        with own_server(tmp_path_factory, "e2e-issue11-walk") as console:
            yield console


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"walk-{name}.png"), full_page=True)


def seat(login_page: Callable[[str], Page], console: Console, username: str, path: str) -> Page:
    page = login_page(username)
    page.goto(console.url + path)
    return page


# --- before the show ------------------------------------------------------------------------------


def web_question(browser: Browser, console: Console) -> tuple[Page, str]:
    """The listener sends a question from the web form, which is Chinese throughout; the receipt."""
    listener = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    listener.goto(f"{console.url}/w/{console.web_token}")
    english = re.findall(r"[A-Za-z]{2,}", listener.locator("main").inner_text())
    assert set(english) <= {"FM", "W"}, english
    listener.fill('[name="subject"]', WEB["subject"])
    listener.fill('[name="content"]', WEB["content"])
    listener.fill('[name="caller_name"]', WEB["caller_name"])
    listener.fill('[name="contact_number"]', WEB["phone"])
    listener.fill('[name="district"]', WEB["district"])
    listener.check('[name="consent_publish"]')
    listener.wait_for_timeout(3500)  # the web form refuses what is sent faster than a person types
    listener.click("button.wc-send")
    receipt = listener.locator(".wc-ref strong").inner_text()
    assert re.fullmatch(r"W-\d{6}", receipt), receipt
    return listener, receipt


def phone_rings(line_server: socketio.Client, number: str, line: str) -> int:
    offer = {"call_id": f"walk-{number}", "caller_number": number, "line": line}
    answer = line_server.call(Event.CALL_OFFERED, offer, namespace=NAMESPACE, timeout=10)
    assert answer["accept"], answer
    return int(answer["card_id"])


def give_the_producer_a_phone(console: Console) -> None:
    """The administrator sets the producer's SIP phone: a phone caller is put through to it."""
    admin = console.login("admin")
    users = admin.get(f"{console.url}/api/users", timeout=10).json()["items"]
    producer = next(u for u in users if u["username"] == "producer")
    changes = {"sip_extension": "sip:201@127.0.0.1:5080"}
    response = admin.patch(f"{console.url}/api/users/{producer['id']}", json=changes, timeout=10)
    assert response.status_code == 200, response.text


# --- the show -------------------------------------------------------------------------------------


def go_live(producer: Page) -> None:
    expect(producer.locator("#conn")).to_have_class("conn conn-online")
    producer.click("#go-live")
    expect(producer.locator("#end-show")).to_be_enabled()


def screen(producer: Page, call_id: int, fields: dict[str, str]) -> None:
    """The producer picks the caller up, fills in what is missing and marks the card ready."""
    producer.locator(f'#queue [data-call-id="{call_id}"]').click()
    producer.click('.card-actions [data-action="pickup"]')
    expect(producer.locator("#card-title")).to_contain_text("接听中")
    card = producer.locator("#card")
    for name, value in fields.items():
        card.locator(f'[name="{name}"]').fill(value)
    if fields:
        expect(producer.locator("#save-status")).to_have_text("已保存", timeout=5000)
    producer.click('.card-actions [data-action="ready"]')
    expect(producer.locator("#card-title")).to_contain_text("待上线")


def air(host: Page, call_id: int) -> None:
    host.locator(f'#ready-list [data-call-id="{call_id}"] [data-action="air"]').click()
    expect(host.locator(f'#on-air [data-call-id="{call_id}"]')).to_be_visible()


def end_segment(host: Page, call_id: int) -> None:
    host.locator(f'#on-air [data-call-id="{call_id}"] [data-action="end-air"]').click()
    expect(host.locator(f'#on-air [data-call-id="{call_id}"]')).to_have_count(0)


def record_the_first_caller(clerk: Page) -> None:
    who = clerk.locator("#record-who")
    expect(who).to_contain_text(WEB["caller_name"])
    expect(who).to_contain_text("139****5678")
    clerk.check('#record [name="outcome"][value="followup"]')
    clerk.fill('#record [name="answer"]', WEB_ANSWER)
    expect(clerk.locator("#record-status")).to_contain_text("已保存", timeout=5000)


def record_the_second_caller_from_the_first_ones_pane(clerk: Page, second: int) -> None:
    """The pane is still on the first caller when the second comes on air: the clerk sees it at
    once, the form waits, and the clerk switches before writing the commitment."""
    notice = clerk.locator("#on-air-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(PHONE["caller_name"])
    expect(clerk.locator("#record-who")).to_contain_text(WEB["caller_name"])
    expect(clerk.locator('#record [name="answer"]')).to_be_disabled()
    shot(clerk, "clerk-on-air-notice")
    notice.locator(f'[data-switch-to="{second}"]').click()
    expect(clerk.locator("#record-who")).to_contain_text(PHONE["caller_name"])
    expect(clerk.locator("#record-who")).to_contain_text("139****5432")
    clerk.check('#record [name="outcome"][value="commitment"]')
    clerk.fill('#record [name="answer"]', "城管局在节目中承诺三天内清运。")
    clerk.fill('#record [name="commitment_what"]', PROMISE)
    clerk.fill('#record [name="commitment_due"]', PROMISED)
    clerk.fill('#record [name="commitment_how"]', "电话告知来电人")
    expect(clerk.locator("#record-status")).to_contain_text("已保存", timeout=5000)


def satisfaction_after_air(producer: Page, call_id: int) -> None:
    """The caller is back with the producer, marked after air; one click records 满意."""
    row = producer.locator(f'#queue [data-call-id="{call_id}"]')
    expect(row).to_contain_text("播后回访")
    row.click()
    panel = producer.locator("#after-air")
    expect(panel).to_be_visible()
    satisfied = panel.locator('[data-satisfaction="satisfied"]')
    expect(satisfied).to_have_text("满意")
    satisfied.click()
    expect(satisfied).to_have_attribute("aria-pressed", "true")
    shot(producer, "producer-after-air")
    producer.click('.card-actions [data-action="finish"]')
    expect(producer.locator("#card-title")).to_contain_text("已结束")


def end_the_show(producer: Page) -> None:
    """The producer is first told what ending now leaves: the web question's listener still after
    air, a caller still waiting."""
    producer.click("#end-show")
    expect(producer.locator("#end-confirm")).to_be_visible()
    warnings = producer.locator("#end-warnings li")
    expect(warnings.filter(has_text="播后等待回访")).to_contain_text(WEB["caller_name"])
    expect(warnings.filter(has_text="仍在等待")).to_have_count(1)
    shot(producer, "end-show-warning")
    producer.click("#end-show-confirm")
    expect(producer.locator("#end-confirm")).to_be_hidden()
    expect(producer.locator("#go-live")).to_be_disabled()


def report_the_recording(console: Console, line_server: socketio.Client, number: str) -> None:
    """The line server closes the segment's recorder and reports the WAV."""
    path = console.instance / "recordings" / f"walk-{number}-seg-1.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(range(256)) * 125)  # two seconds
    report = {
        "call_id": f"walk-{number}",
        "file": str(path),
        "started_at": datetime.now(UTC).isoformat(),
        "duration_seconds": 2.0,
    }
    assert line_server.call(Event.RECORDING, report, namespace=NAMESPACE, timeout=10)["ok"]


# --- after the show -------------------------------------------------------------------------------


def case_of(console: Console, subject: str) -> dict[str, Any]:
    found = console.login("oversight").get(f"{console.url}/api/cases", params={"q": subject}, timeout=10)
    items = found.json()["items"]
    assert len(items) == 1, items
    return dict(items[0])


def the_commitment_is_the_deadline_on_the_desks(office: Page, handler: Page, case_id: int) -> None:
    row = f'tr.case-row[data-id="{case_id}"]'
    office.goto(office.url.split("/followup")[0] + "/followup/oversight")
    dues = office.locator(f"{row} .dues")
    expect(dues).to_contain_text(f"承诺 {PROMISED}")
    assert dues.inner_text().index(PROMISED) < dues.inner_text().index(f"办理时限 {POLICY_DUE}")
    shot(office, "oversight-desk")
    handler.goto(handler.url.split("/followup")[0] + "/followup/unit")
    expect(handler.locator(f"{row} .due-commitment")).to_contain_text(PROMISED)
    expect(handler.locator(f"{row} .due-policy")).to_contain_text(POLICY_DUE)


def the_case_shows_its_facts(office: Page, console: Console, case_id: int) -> None:
    office.goto(f"{console.url}/followup/cases/{case_id}")
    expect(office.locator("#matter-body")).to_contain_text(PHONE["district"])
    origin = office.locator("#origin-body")
    expect(origin).to_contain_text("电话")
    expect(origin.locator(f'a[href="/live/{console.session_id}/summary"]')).to_have_count(1)
    audio = origin.locator("audio")
    expect(audio).to_have_count(1)
    audio.evaluate("a => { a.preload = 'auto'; a.load(); }")
    office.wait_for_function("() => document.querySelector('#origin-body audio').readyState >= 1")
    assert audio.evaluate("a => a.duration") == pytest.approx(2.0, abs=0.1)
    expect(office.locator("#case-commitment-due")).to_contain_text(PROMISED)
    shot(office, "case-page")


def answered_and_called_back(console: Console, case_id: int, reply: str, callback: bool) -> None:
    """The unit answers by the policy's deadline; the citizen, called back, is satisfied."""
    actions = f"{console.url}/api/cases/{case_id}/actions"
    handler = console.login("handler")
    for name, body in (("accept", {}), ("start", {}), ("draft", {"body": reply})):
        post(handler, f"{actions}/{name}", body)
    post(console.login("reviewer"), f"{actions}/approve")
    case = post(handler, f"{actions}/answer", {"channel": "phone"})
    if not callback:
        return
    result = next(c for c in case["callbacks"] if c["kind"] == "result" and not c["done_at"])
    body = {"callback_id": result["id"], "channel": "phone", "satisfaction": "satisfied"}
    post(console.login("callback"), f"{actions}/callback", body)


def the_commitment_is_kept_and_the_case_settles(
    office: Page, handler: Page, console: Console, case_id: int, photo: Path
) -> None:
    handler.goto(f"{console.url}/followup/cases/{case_id}")
    handler.locator('details[data-action="report_kept"] summary').click()
    form = handler.locator('form[data-action="report_kept"]')
    form.locator('[name="body"]').fill("12月8日已派工人清运垃圾，现场照片附后。")
    form.locator('input[type="file"]').set_input_files(str(photo))
    expect(form.locator("ul.attachments li")).to_contain_text(photo.name)
    form.locator("button[type=submit]").click()
    expect(handler.locator("#matter-body .commitment-report")).to_contain_text("待确认")

    office.goto(f"{console.url}/followup/cases/{case_id}")
    report = office.locator("#matter-body .commitment-report")
    expect(report.locator(f'ul.attachments a:has-text("{photo.name}")')).to_have_count(1)
    report.locator('button[value="confirm"]').click()
    expect(office.locator("#case-commitment-due")).to_contain_text("已兑现")
    office.locator('details[data-action="settle"] summary').click()
    office.locator('form[data-action="settle"] button[type=submit]').click()
    expect(office.locator("#case-facts .case-state")).to_have_text("已办结")


def the_citizen_finds_the_matter(listener: Page, receipt: str, case_number: str) -> None:
    listener.click("#receipt-lookup")
    expect(listener.locator('[name="number"]')).to_have_value(receipt)
    listener.fill('[name="digits"]', WEB["phone"][-4:])
    listener.click("form.wc-form button[type=submit]")
    expect(listener.locator("#receipt-case")).to_have_text(case_number)
    expect(listener.locator("#receipt-state")).to_have_text("已答复")
    expect(listener.locator("#receipt-reply")).to_have_text(REPLY)
    shot(listener, "receipt-lookup")


def the_reply_goes_public_only_approved_and_masked(
    browser: Browser, editor: Page, console: Console, case_id: int, case_number: str
) -> None:
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900}).new_page()
    visitor.goto(console.url + "/public/answers")
    expect(visitor.locator("main")).not_to_contain_text(case_number)  # not yet approved

    editor.goto(f"{console.url}/followup/publication/{case_id}")
    question, reply = editor.locator("#public-question"), editor.locator("#public-reply")
    for secret in (WEB["caller_name"], WEB["phone"], "502室"):
        assert secret not in question.input_value(), question.input_value()
    for secret in ("张伟", "13812345678", WEB["caller_name"]):
        assert secret not in reply.input_value(), reply.input_value()
    approved = reply.input_value()
    shot(editor, "publication-review")
    editor.locator("#approve").click()
    expect(editor.locator("#publication-status")).to_have_text("已批准公开")

    visitor.goto(console.url + "/public/answers")
    main = visitor.locator("main")
    expect(main).to_contain_text(case_number)
    expect(main).to_contain_text(approved)
    for secret in (WEB["caller_name"], WEB["phone"], "502室", "张伟", "13812345678"):
        assert secret not in main.inner_text()
    shot(visitor, "public-page")
    visitor.context.close()


def test_the_done_when_walk_of_a_two_caller_show(
    live_server: Console, login_page: Callable[[str], Page], browser: Browser, tmp_path: Path
) -> None:
    lines = [{"name": "L1", "state": LineState.IDLE}, {"name": "L2", "state": LineState.IDLE}]
    with stand_in_line_server(live_server, lines) as line_server:
        listener, receipt = web_question(browser, live_server)
        web_call = int(receipt[2:])
        give_the_producer_a_phone(live_server)

        session = live_server.session_id
        producer = seat(login_page, live_server, "producer", f"/live/{session}/producer")
        host = seat(login_page, live_server, "host", f"/live/{session}/host")
        clerk = seat(login_page, live_server, "clerk", f"/live/{session}/clerk")
        go_live(producer)
        phone_call = phone_rings(line_server, PHONE["phone"], "L1")
        screen(producer, web_call, {})
        screen(producer, phone_call, {k: PHONE[k] for k in ("caller_name", "district", "subject")})

        air(host, web_call)
        record_the_first_caller(clerk)
        end_segment(host, web_call)
        air(host, phone_call)
        record_the_second_caller_from_the_first_ones_pane(clerk, phone_call)
        end_segment(host, phone_call)
        report_the_recording(live_server, line_server, PHONE["phone"])
        satisfaction_after_air(producer, phone_call)

        phone_rings(line_server, "13700001111", "L2")  # a caller still waiting when the show ends
        end_the_show(producer)

    records = {
        call_id: live_server.login("producer").get(f"{live_server.url}/api/calls/{call_id}", timeout=10)
        .json()["air_record"]
        for call_id in (web_call, phone_call)
    }
    assert records[web_call]["answer"] == WEB_ANSWER
    assert not records[web_call]["commitment_what"]
    assert records[phone_call]["commitment_what"] == PROMISE
    assert records[phone_call]["commitment_due"] == PROMISED
    assert records[phone_call]["satisfaction"] == "satisfied"

    kept = case_of(live_server, PHONE["subject"])
    office = seat(login_page, live_server, "oversight", "/followup/oversight")
    handler = seat(login_page, live_server, "handler", "/followup/unit")
    the_commitment_is_the_deadline_on_the_desks(office, handler, kept["id"])
    the_case_shows_its_facts(office, live_server, kept["id"])
    answered_and_called_back(live_server, kept["id"], KEPT_REPLY, callback=True)
    photo = png(tmp_path / "现场.png")
    the_commitment_is_kept_and_the_case_settles(office, handler, live_server, kept["id"], photo)

    asked = case_of(live_server, WEB["subject"])
    answered_and_called_back(live_server, asked["id"], REPLY, callback=False)
    the_citizen_finds_the_matter(listener, receipt, asked["number"])
    the_reply_goes_public_only_approved_and_masked(browser, office, live_server, asked["id"], asked["number"])
    listener.context.close()
