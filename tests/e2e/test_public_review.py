"""A reply reaches the public page only in its approved, masked form (issue 11), in the browser:
a caller's matter naming him, his phone, ID number and address becomes a case and is answered;
the public page does not show it; the editor opens the publication desk, sees the case as written
beside the masked proposal, corrects the reply and approves; the public page then shows exactly
the approved text and nothing of what was masked. Pages are in Chinese; a screenshot of the review
page goes to /work/shots-s2/ when that folder exists. Runs a server of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import own_server, post
from tests.followup_helpers import CONCRETE_REPLY
from tests.live_server import Console

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots-s2")
NAME, PHONE, ID_NUMBER, ADDRESS = "王建国", "13912345678", "110105198001011234", "解放路12号幸福小区3栋502室"
DETAILS = f"我叫{NAME}，住在{ADDRESS}，电话{PHONE}，身份证号{ID_NUMBER}。法律援助申请三个月没有答复。"
REPLY = CONCRETE_REPLY + "经办人张伟科长，联系电话13812345678。"
EDITED = "（编辑补充）援助决定已送达。"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with own_server(tmp_path_factory, "e2e-public-review") as console:
        yield console


def answered_case(live_server: Console) -> tuple[int, str]:
    """A listener's matter, made a case and answered by the unit, through the API."""
    api = live_server.url + "/api"
    post(live_server.login("host"), f"{api}/sessions/{live_server.session_id}/go-live")
    card = {
        "caller_name": NAME,
        "contact_number": PHONE,
        "address": ADDRESS,
        "subject": "法律援助申请迟迟没有答复",
        "details": DETAILS,
        "consent_publish": True,
    }
    call_id = post(live_server.login("producer"), f"{api}/sessions/{live_server.session_id}/calls", card)[
        "id"
    ]
    case = post(live_server.login("oversight"), f"{api}/calls/{call_id}/case")
    case_id = int(str(case["id"]))
    handler, reviewer = live_server.login("handler"), live_server.login("reviewer")
    post(handler, f"{api}/cases/{case_id}/actions/accept")
    post(handler, f"{api}/cases/{case_id}/actions/draft", {"body": REPLY})
    post(reviewer, f"{api}/cases/{case_id}/actions/approve")
    post(handler, f"{api}/cases/{case_id}/actions/answer", {"channel": "phone"})
    return case_id, str(case["number"])


def test_the_public_page_shows_only_the_text_the_editor_approved(
    live_server: Console, login_page: Callable[[str], Page], browser: Browser
) -> None:
    case_id, number = answered_case(live_server)
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = visitor.new_page()

    page.goto(live_server.url + "/public/answers")
    expect(page.locator("main")).not_to_contain_text(number)

    editor = login_page("oversight")
    editor.goto(live_server.url + "/followup/publication")
    row = editor.locator(f'#publication-queue tr[data-case-id="{case_id}"]')
    expect(row).to_contain_text("待审核")
    row.locator("a").click()
    expect(editor.locator("#original-question")).to_contain_text(NAME)
    question = editor.locator("#public-question")
    for secret in (NAME, PHONE, ID_NUMBER, "502室"):
        assert secret not in question.input_value()
    assert "王**" in question.input_value() and "139****5678" in question.input_value()
    reply = editor.locator("#public-reply")
    assert "张伟" not in reply.input_value() and "138****5678" in reply.input_value()
    reply.fill(reply.input_value() + EDITED)
    approved = reply.input_value()
    if SHOTS.is_dir():
        editor.screenshot(path=str(SHOTS / "editor-review.png"), full_page=True)
    editor.locator("#approve").click()
    expect(editor.locator("#publication-status")).to_have_text("已批准公开")
    expect(editor.locator("#approved-by")).to_be_visible()

    page.goto(live_server.url + "/public/answers")
    main = page.locator("main")
    expect(main).to_contain_text(number)
    expect(main).to_contain_text(EDITED)
    expect(main).to_contain_text("王**")
    text = main.inner_text()
    for secret in (NAME, PHONE, ID_NUMBER, "502室", "张伟", "13812345678"):
        assert secret not in text
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "public-page.png"), full_page=True)
    visitor.close()

    # The case page sends the editor to the same review.
    editor.goto(f"{live_server.url}/followup/cases/{case_id}")
    editor.locator(f'#actions-body a[href="/followup/publication/{case_id}"]').click()
    expect(editor.locator("#public-reply")).to_have_value(approved)
