"""End-to-end fixtures: the real server (``python app.py`` under eventlet) on a free loopback port
with the demo loaded, Debian's Chromium driven by Playwright, and logged-in pages.

A failing test gets a screenshot of each page it opened in ``test-artifacts/`` and the tail of the
server's log in its report.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import Browser, Page, sync_playwright

from telephony.protocol import NAMESPACE, Event
from tests.live_server import DEMO_PASSWORD, Console, start_console

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def own_server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Console]:
    """A server of a test module's own, for a module whose show must not disturb the others
    (a module overrides ``live_server`` with it)."""
    try:
        console = start_console(tmp_path_factory.mktemp(name))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield console
    finally:
        console.stop()


@contextmanager
def stand_in_line_server(console: Console, lines: list[dict[str, Any]]) -> Iterator[socketio.Client]:
    """A Socket.IO client that says hello to the console as the line server would, holding
    ``lines``."""
    secret = os.environ.get("HOTLINE_TELEPHONY_SECRET") or (
        (console.instance / "telephony_secret").read_text().strip()
    )
    client = socketio.Client()
    client.connect(console.url, namespaces=[NAMESPACE], auth={"secret": secret}, wait_timeout=10)
    hello = {"lines": lines, "calls": [], "capacity": {"max_calls": len(lines)}}
    client.call(Event.HELLO, hello, namespace=NAMESPACE, timeout=10)
    try:
        yield client
    finally:
        client.disconnect()


def png(path: Path) -> Path:
    """A real 1×1 PNG, as a phone's photo would be."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The console as it runs in production: ``python app.py`` (eventlet) with the demo loaded."""
    with own_server(tmp_path_factory, "e2e-instance") as console:
        try:
            yield console
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "e2e-server.log").write_text(console.log_tail(10_000))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: end-to-end tests need Debian's chromium "
            "(bash scripts/setup.sh --dev installs it)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def login_page(live_server: Console, browser: Browser) -> Iterator[Callable[[str], Page]]:
    """``login_page("producer")`` is a fresh browser context logged in as that demo user."""
    contexts = []
    pages: list[Page] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        page.goto(live_server.url + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        if page.url.split("?")[0].endswith("/login"):
            pytest.fail(f"login as {username} did not leave the login page", pytrace=False)
        return page

    open_as.pages = pages  # type: ignore[attr-defined]  (read by the screenshot hook below)
    yield open_as
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.failed and report.when == "call":
        funcargs = getattr(item, "funcargs", {})
        factory = funcargs.get("login_page")
        if factory is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)
            for index, page in enumerate(getattr(factory, "pages", [])):
                path = ARTIFACTS / f"{name}-{index}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                    report.sections.append(("screenshot", str(path)))
                except Exception as exc:  # a crashed page must not hide the test's own failure
                    report.sections.append(("screenshot", f"failed: {exc}"))
        server = funcargs.get("live_server")
        if isinstance(server, Console):
            report.sections.append(("server log (tail)", server.log_tail()))
    return report


def post(http: requests.Session, url: str, body: dict[str, object] | None = None) -> dict[str, Any]:
    """An API call a test makes on a user's behalf; anything but success fails the test there."""
    response = http.post(url, json=body or {}, timeout=10)
    assert response.status_code in (200, 201), (url, response.text)
    return dict(response.json())


def open_page_as(login_page: Callable[[str], Page], live_server: Console, username: str, path: str) -> Page:
    """``path`` opened by ``username``, in English (the tests read the English words)."""
    page = login_page(username)
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + path)
    return page
