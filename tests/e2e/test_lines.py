"""The phone lines on a seat, in Chromium: a stand-in line server reports its lines to the real
server, and the seat counts them by state and warns that they are fewer than the console plans for
(both the order of the states and the planned count come from the page)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import socketio
from playwright.sync_api import Page, expect

from telephony.protocol import LineState
from tests.e2e.conftest import stand_in_line_server
from tests.live_server import Console

pytestmark = pytest.mark.e2e

LINES = [
    {"name": "L1", "state": LineState.ON_AIR, "call_id": "e2e-1"},
    {"name": "L2", "state": LineState.IDLE},
    {"name": "L3", "state": LineState.WAITING, "call_id": "e2e-2"},
    {"name": "L4", "state": LineState.IDLE},
]


@pytest.fixture
def line_server(live_server: Console) -> Iterator[socketio.Client]:
    with stand_in_line_server(live_server, LINES) as client:
        yield client


def test_a_seat_counts_the_lines_by_state_and_warns_of_too_few(
    login_page: Callable[[str], Page], live_server: Console, line_server: socketio.Client
) -> None:
    host = login_page("host")
    host.goto(f"{live_server.url}/live/{live_server.session_id}/host")

    on_air, waiting, idle = host.evaluate(
        "['on_air', 'waiting', 'idle'].map((state) => window.I18N['LineState.' + state])"
    )
    expect(host.locator("#line-strip .line-counts")).to_have_text(f"1 {on_air} · 1 {waiting} · 2 {idle}")
    expect(host.locator('#line-banner [data-notice="few_lines"]')).to_contain_text("4")
