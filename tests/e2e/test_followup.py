"""After the show, through the UI (issue 5's "done when"): today's show ends and its unsettled calls
become cases; the oversight officer sees them with their numbers and due dates; the unit's handler
is refused a perfunctory reply and fixes it; the reviewer approves; the citizen is answered; the
callback agent records 不满意; the case goes back to be redone; and the unit's scores move.

The scenario ends today's demo show, which the seat tests (test_show.py) need live, so this module
runs a server of its own. Pages are in English (the ``lang`` cookie): English msgids do not change
when the Chinese catalogue is filled in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from followup.deadlines import DeadlinePolicy, due_date
from tests.e2e.conftest import own_server
from tests.live_server import Console

pytestmark = pytest.mark.e2e

UNIT = "市司法局"  # the demo session's unit, whose handler and reviewer are "handler" and "reviewer"
STATION_ZONE = ZoneInfo("Asia/Shanghai")  # cases are dated in the station's local days

AIRED_FOLLOWUP = "人民调解员调解时偏袒一方"  # aired; the clerk marks it "after the show"
AIRED_COMMITMENT = "八旬老人申请法律援助遭推诿"  # aired; an on-air commitment
WEB_QUESTION = "公证处排队太久"  # a listener's web question, never aired

PERFUNCTORY = "您反映的问题我局高度重视，正在联系处理中，请您耐心等待后续结果。"
CONCRETE = (
    "人民调解科于本周三约见双方当事人，查实原调解员与对方系表亲、应回避而未回避，已撤销原调解协议，"
    "另行指派街道人民调解委员会主任重新调解，双方已就排水沟改道达成新协议并签字。"
)

OpenAs = Callable[[str, str], Page]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """This module's own server (overrides the session's one from conftest.py): the show it ends
    stays ended."""
    with own_server(tmp_path_factory, "e2e-followup") as console:
        yield console


@pytest.fixture
def open_as(login_page: Callable[[str], Page], live_server: Console) -> OpenAs:
    """``open_as("handler", "/followup/unit")``: a browser logged in as that demo user, in English."""

    def open_page(username: str, path: str) -> Page:
        page = login_page(username)
        page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
        page.goto(live_server.url + path)
        return page

    return open_page


# --- helpers ------------------------------------------------------------------------------------
def station_today() -> date:
    return datetime.now(STATION_ZONE).date()


def expected_due(received: date, category: str | None, *, redo: bool = False) -> date:
    """The due date the default policy gives: 15 calendar days from the next day, off a rest day;
    a redo 2 working days."""
    rule = DeadlinePolicy().rule_for(category=category, urgency=None, complex=False, redo=redo)
    return due_date(received, rule).on


def api(page: Page, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    """A logged-in API call from the page itself (the page's client sends the CSRF header)."""
    # No body is undefined, not null: a GET may carry none.
    return page.evaluate("([m, u, b]) => Hotline.api(m, u, b ?? undefined)", [method, url, body])


def seat(open_as: OpenAs, live_server: Console, username: str) -> Page:
    page = open_as(username, f"/live/{live_server.session_id}/{username}")
    expect(page.locator("#conn")).to_have_class("conn conn-online")
    return page


def new_card(producer: Page, number: str, name: str, category: str, subject: str, details: str) -> None:
    producer.click("#new-call")
    producer.fill("#new-call-number", number)
    producer.keyboard.press("Enter")
    card = producer.locator("#card")
    expect(card.locator('[name="contact_number"]')).to_have_value(number)
    card.locator('[name="caller_name"]').fill(name)
    producer.click(f'[data-category="{category}"]')
    card.locator('[name="subject"]').fill(subject)
    card.locator('[name="details"]').fill(details)
    expect(producer.locator("#save-status")).to_have_text("Saved", timeout=5000)
    producer.click('[data-action="ready"]')


def put_on_air(host: Page, subject: str) -> None:
    host.locator("#ready-list [data-call-id]").filter(has_text=subject).locator('[data-action="air"]').click()
    expect(host.locator("#on-air [data-call-id]").filter(has_text=subject)).to_have_count(1)


def clerk_records(clerk: Page, subject: str, outcome: str, **fields: str) -> None:
    clerk.locator("#aired [data-call-id]").filter(has_text=subject).click()
    clerk.check(f'#record [name="outcome"][value="{outcome}"]')
    for name, value in fields.items():
        clerk.fill(f'#record [name="{name}"]', value)
    expect(clerk.locator("#record-status")).to_contain_text("Saved", timeout=5000)


def case_state(page: Page) -> Locator:
    return page.locator("#case-facts .case-state")


def act(page: Page, action: str) -> None:
    """Press the submit button of one action's form in the case page's "What you can do now"."""
    page.locator(f'#actions-body form[data-action="{action}"] button[type="submit"]').click()


def answered_and_satisfied(
    handler: Page, reviewer: Page, agent: Page, case_id: int, callback_day: date
) -> None:
    """Set-up through the API: a case taken to a satisfied result callback."""
    actions = f"/api/cases/{case_id}/actions/"
    api(handler, "POST", actions + "accept", {})
    api(handler, "POST", actions + "start", {})
    reply = "法律援助中心主任带两名工作人员上门受理申请，免予经济困难审查，已指派律师代理租金追索。"
    api(handler, "POST", actions + "draft", {"body": reply})
    api(reviewer, "POST", actions + "approve", {})
    api(handler, "POST", actions + "answer", {"channel": "phone"})
    due = api(agent, "GET", f"/api/callbacks?day={callback_day.isoformat()}")["items"]
    result = next(c for c in due if c["case"]["id"] == case_id and c["kind"] == "result")
    body = {"callback_id": result["id"], "channel": "phone", "satisfaction": "satisfied"}
    api(agent, "POST", actions + "callback", body)


def unit_scores(scores: Page) -> dict[str, str]:
    """The unit's row of the ranking as shown: column heading → cell text."""
    row = scores.locator("#ranking tbody tr").filter(has=scores.locator("td.unit", has_text=UNIT))
    expect(row).to_have_count(1)
    heads = [h.split("\n")[0].strip() for h in scores.locator("#ranking thead th").all_inner_texts()]
    cells = row.locator("td").all_inner_texts()
    shown = dict(zip(heads, cells, strict=True))
    for line in shown["Handling satisfaction"].splitlines():  # "Satisfied 1" / "Unsatisfied 0" …
        label, _, count = line.strip().rpartition(" ")
        shown[label] = count
    return shown


def percent(text: str) -> float:
    assert text.endswith("%"), f"not a rate: {text!r}"
    return float(text.rstrip("%"))


# --- the scenario -------------------------------------------------------------------------------
def test_after_the_show_a_case_is_refused_fixed_approved_called_back_unsatisfied_and_redone(
    browser: Browser, open_as: OpenAs, live_server: Console
) -> None:
    today = station_today()
    tomorrow = today + timedelta(days=1)

    # 1. The show. A listener opens the web form first: it may only be sent a few seconds later.
    listener = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    listener.goto(f"{live_server.url}/w/{live_server.web_token}")
    listener.fill('[name="caller_name"]', "李女士")
    listener.fill('[name="contact_number"]', "13700002222")
    listener.check('[name="category"][value="complaint"]', force=True)
    listener.fill('[name="subject"]', WEB_QUESTION)
    listener.fill('[name="content"]', "上周去办继承公证，排了三个小时，希望增加窗口或开通网上预约。")

    producer = seat(open_as, live_server, "producer")
    host = seat(open_as, live_server, "host")
    clerk = seat(open_as, live_server, "clerk")
    producer.click("#go-live")
    expect(producer.locator("#end-show")).to_be_enabled()

    new_card(producer, "13906711872", "刘建军", "complaint", AIRED_FOLLOWUP,
             "与邻居因排水沟纠纷申请社区调解，调解员是对方亲戚，没有回避，调解协议对我不公平。")  # fmt: skip
    new_card(producer, "13805710231", "张桂兰", "help", AIRED_COMMITMENT,
             "母亲82岁，到区法律援助中心申请三次，工作人员只说材料不全，不说缺什么。")  # fmt: skip
    put_on_air(host, AIRED_FOLLOWUP)
    put_on_air(host, AIRED_COMMITMENT)
    clerk_records(clerk, AIRED_FOLLOWUP, "followup", answer="调解员与当事人有亲属关系应当回避，会后核查。")
    clerk_records(
        clerk,
        AIRED_COMMITMENT,
        "commitment",
        answer="老年人申请法律援助可免予经济困难审查。",
        commitment_what="法律援助中心主任带队上门受理申请",
        commitment_due=(today + timedelta(days=3)).isoformat(),
        commitment_how="先电话联系，再上门",
    )
    host.click("#end-segment")
    expect(host.locator("#on-air [data-call-id]")).to_have_count(0)

    listener.click("button[type=submit]")
    expect(listener.locator("body")).to_contain_text("W-")
    expect(producer.locator("#queue [data-call-id]").filter(has_text=WEB_QUESTION)).to_have_count(1)
    listener.context.close()

    producer.click("#end-show")
    producer.click("#end-show-confirm")
    expect(producer.locator("#summary")).to_be_visible()

    # 2. The oversight officer sees the new cases, numbered, each with its due date.
    oversight = open_as("oversight", "/followup/oversight")
    ids: dict[str, int] = {}
    numbers: dict[str, str] = {}
    for subject, category in (
        (AIRED_FOLLOWUP, "complaint"),
        (AIRED_COMMITMENT, "help"),
        (WEB_QUESTION, "complaint"),
    ):
        row = oversight.locator("#case-list tr.case-row").filter(has_text=subject)
        expect(row).to_have_count(1)
        expect(row.locator(".case-state")).to_have_text("Assigned")
        if subject == AIRED_COMMITMENT:
            expect(row).to_contain_text("On-air commitment")
            # The commitment's own date is a deadline of the case, shown beside the policy's.
            expect(row.locator(".due-policy")).to_contain_text(expected_due(today, category).isoformat())
            expect(row.locator(".due-commitment")).to_contain_text((today + timedelta(days=3)).isoformat())
        else:
            expect(row.locator(".due")).to_contain_text(expected_due(today, category).isoformat())
        numbers[subject] = row.locator("a.case-number").inner_text()
        ids[subject] = int(row.get_attribute("data-id") or 0)
    assert all(re.fullmatch(rf"{today.year}-\d{{4}}", n) for n in numbers.values()), numbers
    assert len(set(numbers.values())) == 3, numbers
    case_id, number = ids[AIRED_FOLLOWUP], numbers[AIRED_FOLLOWUP]

    # 3. The handler opens the case from the unit desk, accepts, starts, and drafts a reply.
    handler = open_as("handler", "/followup/unit")
    to_accept = handler.locator("#queue-assigned tr.case-row").filter(has_text=AIRED_FOLLOWUP)
    to_accept.locator("a.case-number").click()
    expect(handler).to_have_url(re.compile(rf"/followup/cases/{case_id}$"))
    expect(handler.locator("#case-number")).to_have_text(number)
    act(handler, "accept")
    expect(case_state(handler)).to_have_text("Accepted")
    act(handler, "start")
    expect(case_state(handler)).to_have_text("In progress")

    draft = handler.locator('#actions-body form[data-action="draft"]')
    draft.locator('textarea[name="body"]').fill(PERFUNCTORY)
    act(handler, "draft")
    refusal = draft.locator(".field-error")
    expect(refusal).to_contain_text("正在联系处理中")
    expect(refusal).to_contain_text("perfunctory")
    expect(draft.locator('textarea[name="body"]')).to_have_value(PERFUNCTORY)
    expect(case_state(handler)).to_have_text("In progress")

    draft.locator('textarea[name="body"]').fill(CONCRETE)
    act(handler, "draft")
    expect(case_state(handler)).to_have_text("Reply drafted")
    expect(handler.locator("#replies-body")).to_contain_text(CONCRETE)

    # Set-up the scenario does not describe: another case of the unit was already answered and its
    # citizen satisfied, so the unit has a handling-satisfaction rate before the callback below.
    reviewer = open_as("reviewer", f"/followup/cases/{case_id}")
    agent = open_as("callback", "/followup/callbacks")
    answered_and_satisfied(handler, reviewer, agent, ids[AIRED_COMMITMENT], tomorrow)

    # 4. The reviewer approves; the handler records that the citizen was answered by phone.
    expect(case_state(reviewer)).to_have_text("Reply drafted")
    act(reviewer, "approve")
    expect(case_state(reviewer)).to_have_text("Reply approved")
    handler.reload()
    answer = handler.locator('#actions-body form[data-action="answer"]')
    answer.locator('select[name="channel"]').select_option("phone")
    act(handler, "answer")
    expect(case_state(handler)).to_have_text("Citizen answered")

    # 6 (before). The oversight officer looks at the scores, every unit with a case ranked.
    scores = open_as("oversight", "/followup/scores?min_cases=1")
    before = unit_scores(scores)
    assert before["Rank"] == "1", before
    assert (before["Satisfied"], before["Unsatisfied"]) == ("1", "0"), before
    assert percent(before["Satisfaction with handling"]) == 100.0, before

    # 5. The callback agent: the result callback is due tomorrow (a day after the answer); 不满意.
    agent.fill("#cb-day", tomorrow.isoformat())
    callback_row = agent.locator("#cb-result tr.cb-row").filter(has_text=number)
    expect(callback_row).to_have_count(1)
    callback_row.get_by_role("button", name="Unsatisfied", exact=True).click()
    expect(callback_row).to_have_count(0)

    handler.reload()
    expect(case_state(handler)).to_have_text("Sent back to redo")
    expect(handler.locator("#case-due")).to_contain_text(
        expected_due(today, "complaint", redo=True).isoformat()
    )

    # 6 (after). The unit's handling satisfaction and composite score fall; the redo is counted.
    scores.reload()
    after = unit_scores(scores)
    assert (after["Satisfied"], after["Unsatisfied"]) == ("1", "1"), after
    assert percent(after["Satisfaction with handling"]) == 50.0, after
    assert float(after["Composite"]) < float(before["Composite"]), (before, after)
    assert (before["Redone"], after["Redone"]) == ("0", "1"), (before, after)
