"""The clerk's record goes to the caller who is on air (issue 11), in the browser: a two-caller show
where the clerk's pane is left on the first caller while the second is on air. The pane names whose
record it is; the change of caller is seen at once and the form waits for the clerk's choice, so
each record is filed under its own caller; with two on air the pane stays put and offers the other.
Ending the show first lists what is unfinished. Runs a server of its own, as it puts today's demo
show on air. A record corrected after the show reaches its case's history. Pages are in English
(the ``lang`` cookie).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_page_as, own_server, post
from tests.live_server import Console

pytestmark = pytest.mark.e2e

FIRST = {"caller_name": "王先生", "contact_number": "13812345678", "subject": "小区门口路灯不亮"}
SECOND = {"caller_name": "赵女士", "contact_number": "13998765432", "subject": "菜场占道经营"}
THIRD = {"caller_name": "孙先生", "contact_number": "13700001111", "subject": "公交站台破损"}
WAITING = {"caller_name": "周女士", "subject": "噪音扰民"}
FIRST_ANSWER = "路灯由街道三天内修复。"
SECOND_ANSWER = "城管今晚到场。"
SECOND_PROMISE = "一周内清理占道摊位并电话回复"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """This module's own server: the show it puts on air and ends does not disturb the others."""
    with own_server(tmp_path_factory, "e2e-clerk-record") as console:
        yield console


def test_each_record_is_filed_under_its_own_caller_and_ending_the_show_warns(
    live_server: Console, login_page: Callable[[str], Page]
) -> None:
    api = live_server.url + "/api"
    session_id = live_server.session_id
    host_http = live_server.login("host")
    producer = live_server.login("producer")
    post(host_http, f"{api}/sessions/{session_id}/go-live")

    def new_call(fields: dict[str, str]) -> int:
        return int(post(producer, f"{api}/sessions/{session_id}/calls", fields)["id"])

    def air(call_id: int) -> None:
        for step in ("pickup", "ready", "air"):
            post(producer, f"{api}/calls/{call_id}/{step}")

    first, second, third = new_call(FIRST), new_call(SECOND), new_call(THIRD)
    air(first)

    clerk = open_page_as(login_page, live_server, "clerk", f"/live/{session_id}/clerk")
    who = clerk.locator("#record-who")
    # The pane follows the caller on air and says whose record it is: name, masked number, time.
    expect(who).to_contain_text(FIRST["caller_name"])
    expect(who).to_contain_text("138****5678")
    expect(who).not_to_contain_text("13812345678")
    clerk.check('#record [name="outcome"][value="answered"]')
    clerk.fill('#record [name="answer"]', FIRST_ANSWER)
    expect(clerk.locator("#record-status")).to_contain_text("Saved", timeout=5000)

    # The first caller leaves the air and the second comes on while the clerk is still in the
    # first one's form: the clerk sees it at once, and the form waits for a choice.
    post(host_http, f"{api}/calls/{first}/end-air")
    air(second)
    notice = clerk.locator("#on-air-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(SECOND["caller_name"])
    expect(who).to_contain_text(FIRST["caller_name"])
    expect(who).to_have_class("record-who earlier")
    expect(clerk.locator('#record [name="answer"]')).to_be_disabled()
    expect(clerk.locator(f'#aired [data-call-id="{second}"]')).to_have_class("aired-item on-air")

    notice.locator(f'[data-switch-to="{second}"]').click()
    expect(who).to_contain_text(SECOND["caller_name"])
    expect(who).to_contain_text("139****5432")
    expect(notice).to_be_hidden()
    clerk.check('#record [name="outcome"][value="commitment"]')
    clerk.fill('#record [name="answer"]', SECOND_ANSWER)
    clerk.fill('#record [name="commitment_what"]', SECOND_PROMISE)
    clerk.fill('#record [name="commitment_due"]', "2026-12-09")
    expect(clerk.locator("#record-status")).to_contain_text("Saved", timeout=5000)

    # Two on air: the pane stays with the caller the clerk is writing for and offers the other.
    air(third)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(THIRD["caller_name"])
    expect(notice.locator(f'[data-switch-to="{third}"]')).to_be_visible()
    expect(who).to_contain_text(SECOND["caller_name"])
    expect(clerk.locator('#record [name="answer"]')).to_be_enabled()
    clerk.fill('#record [name="commitment_how"]', "街道办电话告知")
    expect(clerk.locator("#record-status")).to_contain_text("Saved", timeout=5000)

    records = {
        call_id: producer.get(f"{api}/calls/{call_id}", timeout=10).json()["air_record"]
        for call_id in (first, second, third)
    }
    assert records[first]["answer"] == FIRST_ANSWER
    assert records[first]["outcome"] == "answered"
    assert not records[first]["commitment_what"]
    assert records[second]["answer"] == SECOND_ANSWER
    assert records[second]["commitment_what"] == SECOND_PROMISE
    assert records[second]["commitment_due"] == "2026-12-09"
    assert records[second]["commitment_how"] == "街道办电话告知"
    assert records[third] is None

    # Ending the show: the third caller aired without a record, a card still waits.
    new_call(WAITING)
    seat = open_page_as(login_page, live_server, "producer", f"/live/{session_id}/producer")
    seat.click("#end-show")
    warnings = seat.locator("#end-warnings")
    expect(warnings).to_contain_text(THIRD["caller_name"])
    expect(warnings).to_contain_text("without a record")
    expect(warnings).to_contain_text(WAITING["caller_name"])
    expect(warnings).to_contain_text("waiting")
    seat.click("#end-show-confirm")
    expect(seat.locator("#end-confirm")).to_be_hidden()
    state = host_http.get(f"{api}/sessions/{session_id}/state/host", timeout=10).json()
    assert state["session"]["state"] == "ended"

    # The second caller's commitment became a case; the clerk corrects its date afterwards, and
    # the case's history says so.
    office_http = live_server.login("oversight")
    found = office_http.get(f"{api}/cases", params={"q": SECOND["subject"]}, timeout=10).json()["items"]
    assert len(found) == 1, found
    clerk.locator(f'#aired [data-call-id="{second}"]').click()
    expect(who).to_contain_text(SECOND["caller_name"])
    clerk.fill('#record [name="commitment_due"]', "2026-12-12")
    expect(clerk.locator("#record-status")).to_contain_text("Saved", timeout=5000)
    office = open_page_as(login_page, live_server, "oversight", f"/followup/cases/{found[0]['id']}")
    amended = office.locator('#history-body [data-action="record_amended"]')
    expect(amended).to_contain_text("2026-12-09 → 2026-12-12")
