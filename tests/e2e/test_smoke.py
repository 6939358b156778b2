"""Smoke test: the real server in Chromium — log in and land on the console."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_login_lands_on_console_with_user_shown(live_server, login_page):  # type: ignore[no-untyped-def]
    page = login_page("producer")

    response = page.goto(live_server.url + "/")
    assert response is not None
    assert response.status == 200, f"{page.url} answered {response.status}"
    assert not page.url.split("?")[0].endswith("/login"), "the logged-in user was sent back to /login"
    # The top bar names who is logged in: display name and role.
    who = page.locator(".topbar .who")
    assert "导播 小张" in who.inner_text()
