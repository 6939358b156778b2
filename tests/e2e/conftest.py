"""End-to-end fixtures: the real server (``python app.py`` under eventlet) on a free loopback port
with the demo loaded, Debian's Chromium driven by Playwright, and logged-in pages.

A failing test gets a screenshot of each page it opened in ``test-artifacts/`` and the tail of the
server's log in its report.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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
DEMO_PASSWORD = "hotline-demo"
START_TIMEOUT = 30.0


@dataclass
class LiveServer:
    url: str
    session_id: int
    web_token: str | None
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False
        )
    return result.stdout


def _prepare_database(env: dict[str, str]) -> tuple[int, str | None]:
    """Create the schema (migrations when there are any) and load the demo; return its session."""
    migrations = ROOT / "migrations"
    if (migrations / "env.py").exists() and any((migrations / "versions").glob("*.py")):
        _run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], env, "flask db upgrade")
    else:
        script = (
            "from app import create_app\nfrom core.extensions import db\n"
            "with create_app().app_context():\n    db.create_all()\n"
        )
        _run([sys.executable, "-c", script], env, "creating the tables")
    output = _run([sys.executable, "-m", "flask", "--app", "app", "demo", "load"], env, "flask demo load")
    session = re.search(r"#(\d+)", output)
    if session is None:
        pytest.fail(f"no session id in the output of flask demo load:\n{output}", pytrace=False)
    token = re.search(r"/w/(\S+)", output)
    return int(session.group(1)), token.group(1) if token else None


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited with {process.returncode} while starting:\n"
                f"{log_path.read_text(errors='replace')}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers HTTP, whatever the status
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(
        f"the server did not answer on {url} within {START_TIMEOUT:.0f} s:\n"
        f"{log_path.read_text(errors='replace')}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The console as it runs in production: ``python app.py`` (eventlet) with the demo loaded."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = _free_port()
    env = {
        **os.environ,
        "HOTLINE_INSTANCE": str(instance),
        "HOTLINE_DATABASE_URL": f"sqlite:///{instance / 'e2e.db'}",
        "HOTLINE_HTTP_HOST": "127.0.0.1",
        "HOTLINE_HTTP_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    session_id, web_token = _prepare_database(env)

    log_path = instance / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", session_id, web_token, log_path, process)
    try:
        _wait_until_up(server.url, process, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "e2e-server.log").write_bytes(log_path.read_bytes())


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
def login_page(live_server: LiveServer, browser: Browser) -> Iterator[Callable[[str], Page]]:
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
        if isinstance(server, LiveServer):
            report.sections.append(("server log (tail)", server.log_tail()))
    return report
