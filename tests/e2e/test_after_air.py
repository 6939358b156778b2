"""After air, back to the producer (issue 11), in Chromium on the real server: the host ends a
caller's segment, the card comes to the top of the producer's queue marked after air, one click
records the caller's satisfaction with the on-air answer, and the scores page counts it; the host
may hang up a caller instead. Runs a server of its own, as it puts today's demo show on air."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from core import clock
from tests.e2e.conftest import own_server, post
from tests.live_server import Console

pytestmark = pytest.mark.e2e

UNIT = "市司法局"  # the demo session's unit


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """This module's own server: the show it puts on air does not disturb the seat tests."""
    with own_server(tmp_path_factory, "e2e-after-air") as console:
        yield console


def on_air(console: Console, subject: str, name: str) -> int:
    """A hand-made card, screened, ready and put on air through the API, as the seats would."""
    api = f"{console.url}/api"
    producer = console.login("producer")
    call_id = int(post(producer, f"{api}/sessions/{console.session_id}/calls", {"caller_name": name})["id"])
    card = producer.get(f"{api}/calls/{call_id}", timeout=10).json()
    body = {"version": card["version"], "changes": {"subject": subject}}
    answer = producer.patch(f"{api}/calls/{call_id}", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    for action in ("pickup", "ready"):
        post(producer, f"{api}/calls/{call_id}/{action}")
    post(console.login("host"), f"{api}/calls/{call_id}/air")
    return call_id


def on_air_satisfaction(console: Console) -> tuple[int, int]:
    """The unit's on-air satisfaction today, as the scores say it: (content, asked)."""
    today = clock.today().isoformat()
    scores = console.login("oversight").get(
        f"{console.url}/api/scores?start={today}&end={today}&min_cases=0", timeout=10
    )
    row = next(s for s in scores.json()["ranked"] + scores.json()["unranked"] if s["unit"] == UNIT)
    measure = row["measures"]["on_air_satisfaction"]
    return measure["numerator"], measure["denominator"]


@pytest.fixture(scope="module")
def live(live_server: Console) -> Console:
    post(live_server.login("host"), f"{live_server.url}/api/sessions/{live_server.session_id}/go-live")
    return live_server


def host_seat(login_page: Callable[[str], Page], console: Console) -> Page:
    page = login_page("host")
    page.goto(f"{console.url}/live/{console.session_id}/host")
    expect(page.locator("#conn")).to_have_class("conn conn-online")
    return page


def test_a_caller_whose_segment_ends_is_asked_the_satisfaction_and_the_score_counts_it(
    live: Console, login_page: Callable[[str], Page]
) -> None:
    call_id = on_air(live, "法律援助申请条件", "钱女士")
    # A caller still waiting: the one back from the air comes before them all the same.
    waiting = {"caller_name": "周先生"}
    post(live.login("producer"), f"{live.url}/api/sessions/{live.session_id}/calls", waiting)
    content, asked = on_air_satisfaction(live)
    host = host_seat(login_page, live)
    card = host.locator(f'#on-air [data-call-id="{call_id}"]')
    expect(card.locator('[data-action="end-air-hang-up"]')).to_be_visible()

    card.locator('[data-action="end-air"]').click()

    expect(card).to_have_count(0)
    producer = login_page("producer")
    producer.goto(f"{live.url}/live/{live.session_id}/producer")
    first = producer.locator("#queue [data-call-id]").first
    expect(first).to_have_attribute("data-call-id", str(call_id))  # at the top of the queue
    expect(first).to_contain_text("播后回访")
    expect(producer.locator("#queue .qgroup").first).to_contain_text("播后回访")
    first.click()
    panel = producer.locator("#after-air")
    expect(panel).to_be_visible()
    expect(producer.locator("#card-title")).to_contain_text("播后回访")

    panel.locator('[data-satisfaction="satisfied"]').click()

    expect(panel.locator('[data-satisfaction="satisfied"]')).to_have_attribute("aria-pressed", "true")
    record = live.login("producer").get(f"{live.url}/api/calls/{call_id}", timeout=10).json()["air_record"]
    assert record["satisfaction"] == "satisfied"
    oversight = login_page("oversight")
    oversight.goto(f"{live.url}/followup/scores")
    row = oversight.locator("#ranking tbody tr").filter(has_text=UNIT).first
    cell = row.locator("td.rate, td.nodata").nth(5)  # the sixth measure: satisfaction with on-air answers
    expect(cell).to_have_attribute("title", re.compile(rf"^\D*{content + 1}\D+{asked + 1}\D*$"))
    # Done with the caller: the producer lets them go.
    producer.click('[data-action="finish"]')
    expect(producer.locator("#card-title")).to_contain_text("已结束")


def test_the_host_may_hang_up_a_caller_instead(live: Console, login_page: Callable[[str], Page]) -> None:
    call_id = on_air(live, "公证收费标准", "孙先生")
    host = host_seat(login_page, live)

    host.locator(f'#on-air [data-call-id="{call_id}"] [data-action="end-air-hang-up"]').click()

    expect(host.locator(f'#on-air [data-call-id="{call_id}"]')).to_have_count(0)
    state = live.login("producer").get(f"{live.url}/api/calls/{call_id}", timeout=10).json()["state"]
    assert state == "done"
