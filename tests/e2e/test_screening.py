"""The producer's screening guards, in Chromium on the real server: a card without a subject is not
marked ready (the reason stands under the subject), a phone caller is not picked up by a producer
who has no phone of their own (the toast says where one is set), and a new card names the unit on
air as the unit concerned."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import socketio
from playwright.sync_api import Page, expect

from telephony.protocol import NAMESPACE, Event, LineState
from tests.e2e.conftest import stand_in_line_server
from tests.live_server import Console

pytestmark = pytest.mark.e2e


def producer_seat(login_page: Callable[[str], Page], live_server: Console) -> Page:
    """The demo producer's seat (who has no SIP phone set), with the show live."""
    page = login_page("producer")
    page.goto(f"{live_server.url}/live/{live_server.session_id}/producer")
    expect(page.locator("#conn")).to_have_class("conn conn-online")
    page.wait_for_selector("#go-live:enabled, #end-show:enabled")
    if page.locator("#go-live").is_enabled():
        page.click("#go-live")
    expect(page.locator("#end-show")).to_be_enabled()
    return page


def new_card(producer: Page, number: str) -> None:
    producer.click("#new-call")
    producer.fill("#new-call-number", number)
    producer.keyboard.press("Enter")
    expect(producer.locator('#card [name="contact_number"]')).to_have_value(number)


@pytest.fixture
def line_server(live_server: Console) -> Iterator[socketio.Client]:
    """A stand-in line server with one line, connected as the real one would be."""
    with stand_in_line_server(live_server, [{"name": "L1", "state": LineState.IDLE}]) as client:
        yield client


def test_a_card_without_a_subject_is_not_marked_ready(
    login_page: Callable[[str], Page], live_server: Console
) -> None:
    producer = producer_seat(login_page, live_server)
    new_card(producer, "13600003333")
    producer.locator('#card [name="caller_name"]').fill("赵先生")
    expect(producer.locator("#save-status")).to_have_text("已保存", timeout=5000)

    producer.click('[data-action="ready"]')

    expect(producer.locator('#card [data-error-for="subject"]')).to_contain_text("主题")
    expect(producer.locator("#card-title")).to_contain_text("等待")
    expect(producer.locator('#card [name="caller_name"]')).to_have_value("赵先生")
    # Written, the subject clears the reason, and the card goes ready.
    producer.locator('#card [name="subject"]').fill("遗产继承公证")
    expect(producer.locator('#card [data-error-for="subject"]')).to_have_text("")
    producer.click('[data-action="ready"]')
    expect(producer.locator("#card-title")).to_contain_text("待上线")
    # Taken off the host's list again: the other tests of this server count what is ready.
    producer.click('[data-action="finish"]')
    expect(producer.locator("#card-title")).to_contain_text("已结束")


def test_a_producer_without_a_phone_is_told_where_to_set_one(
    login_page: Callable[[str], Page], live_server: Console, line_server: socketio.Client
) -> None:
    producer = producer_seat(login_page, live_server)
    offer = {"call_id": "e2e-screening-1", "caller_number": "13500004444", "line": "L1"}
    assert line_server.call(Event.CALL_OFFERED, offer, namespace=NAMESPACE, timeout=10)["accept"]
    producer.locator("#queue [data-call-id]").filter(has_text="13500004444").click()

    producer.click('[data-action="pickup"]')

    expect(producer.locator("#toasts .toast-error")).to_contain_text("/admin/users")
    expect(producer.locator("#card-title")).not_to_contain_text("接听中")
    producer.click('[data-action="finish"]')
    expect(producer.locator("#card-title")).to_contain_text("已结束")


def test_a_new_card_names_the_unit_on_air(login_page: Callable[[str], Page], live_server: Console) -> None:
    producer = producer_seat(login_page, live_server)

    new_card(producer, "13400005555")

    unit = producer.locator('#card [name="unit_id"]')
    expect(unit.locator("option:checked")).to_have_text("市司法局")
