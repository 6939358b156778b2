"""The navigation offers each person exactly the pages their role may open: no link that answers
"forbidden", no page they may use left out of it. Both come from core/access.py's permissions."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from console.demo import DEMO_USERS

# Every page the navigation can link to, after "Today" which everyone has. "Cases" (/followup)
# leads each person to their own desk, and is left out for those whose only desk is the callbacks.
NAV_PAGES = (
    "/plan",
    "/followup/callbacks",
    "/followup/scores",
    "/followup/column",
    "/followup/publication",
    "/admin/users",
)
CASES = "/followup"


def nav_links(client: FlaskClient) -> set[str]:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', page, re.S)
    assert nav is not None
    return set(re.findall(r'href="([^"]+)"', nav.group(1))) - {"/"}


@pytest.mark.parametrize("username", [username for username, _role, _name in DEMO_USERS])
def test_the_navigation_links_every_page_the_person_may_open_and_no_other(
    as_user: Callable[[str], FlaskClient], username: str
) -> None:
    client = as_user(username)
    links = nav_links(client)

    assert links <= {*NAV_PAGES, CASES}
    if CASES in links:
        assert client.get(CASES, follow_redirects=True).status_code == 200
    else:
        assert client.get(CASES).headers["Location"].endswith("/followup/callbacks")
    for path in NAV_PAGES:
        status = client.get(path).status_code
        if path in links:
            assert status in (200, 302), f"{username} is offered {path} but gets {status}"
        else:
            assert status == 403, f"{username} may open {path} ({status}) but is not offered it"
