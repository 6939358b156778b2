"""Every page and form in Chinese: no English interface words on any page a person can reach.

Each demo user (and a listener who is not logged in) walks every page linked from where they land,
with the demo's past shows and their cases loaded, in zh_CN. Every word of Latin letters in the
visible text (and in the words a screen reader or a tooltip shows, and in the scripts' strings)
must be on the small allow-list below: codes, units, names of things that are not translated.
An English interface string, such as a label translated once when its module was imported, fails.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from broadcast.models import AirSession, SessionState
from console.demo import DEMO_PASSWORD, DEMO_USERS
from core.extensions import db
from followup.demo import load_followup_demo
from tests.conftest import make_app

# Words of Latin letters that are not English interface text. Kept short on purpose.
ALLOWED = {
    "FM",  # the station's frequency band (FM 101.7)
    "SIP",  # the phone protocol's name
    "W",  # the web receipt's prefix (W-000012)
    "Excel",  # the export's file format
    "English",  # the language switch names itself
    "PDF",
    "MB",  # a size, as on the line server's disk notice
    *("xlsx", "csv", "UTF", "GBK"),  # the schedule import's file formats and encodings
}
# The demo users' login names appear where an administrator manages them.
ALLOWED |= {username for username, _role, _name in DEMO_USERS}

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Placeholders filled in by the scripts: %(mb)s, {n}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# Attributes a person reads or hears.
SHOWN_ATTRIBUTES = re.compile(r'\s(?:placeholder|title|aria-label|alt)="([^"]*)"')
# A tooltip naming a button's key (title="N", title="Alt+1") names a key, not a word to translate.
SHORTCUT = re.compile(r"^(?:Alt\+)?[A-Za-z0-9]$")
BUTTON_VALUE = re.compile(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"')
I18N = re.compile(r"window\.I18N = (\{.*?\});</script>", re.S)
LINK = re.compile(r'href="(/[^"#]*)"')
# Not pages: the language switch, downloads, the API, static files, logging out.
NOT_A_PAGE = re.compile(r"^/(?:lang/|static/|api/|logout)|\.xlsx\b|/files?/|/recordings?/")
MAX_PAGES_PER_VISITOR = 120


@pytest.fixture
def shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, SimpleNamespace]]:
    with make_app(tmp_path, monkeypatch, WEB_CHANNEL_MIN_SECONDS=0) as app:
        with app.app_context():
            load_followup_demo()
            token = db.session.scalar(
                select(AirSession.web_token).where(AirSession.state != SessionState.ENDED)
            )
        yield app, SimpleNamespace(web_token=token)


def visible_words(page: str) -> set[str]:
    """The Latin-letter words a person sees or hears on the page, and the scripts' strings."""
    words: set[str] = set()
    scripts = I18N.search(page)
    if scripts:
        for text in json.loads(scripts.group(1)).values():
            words.update(WORD.findall(PLACEHOLDER.sub(" ", text)))
    shown = [text for text in SHOWN_ATTRIBUTES.findall(page) if not SHORTCUT.match(text)]
    shown += BUTTON_VALUE.findall(page)
    # Key caps (<kbd>Enter</kbd>) name keys, not words to translate.
    body = re.sub(r"<(script|style|template|kbd)\b.*?</\1>", " ", page, flags=re.S | re.I)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    for text in [body, *shown]:
        text = html.unescape(text)
        text = re.sub(r"(?:https?://|sip:)\S+", " ", text)
        words.update(WORD.findall(text))
    return words


def english(page: str) -> set[str]:
    return {w for w in visible_words(page) if w not in ALLOWED}


def walk(client: FlaskClient, start: list[str]) -> dict[str, set[str]]:
    """Every page reachable by links from ``start``: the English words found on each."""
    seen: set[str] = set()
    todo = list(start)
    found: dict[str, set[str]] = {}
    while todo and len(seen) < MAX_PAGES_PER_VISITOR:
        url = todo.pop(0)
        if url in seen or NOT_A_PAGE.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            todo.append(response.headers["Location"].replace("http://localhost", ""))
            continue
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        words = english(page)
        if words:
            found[url] = words
        todo.extend(html.unescape(link) for link in LINK.findall(page))
    return found


def report(found: dict[str, set[str]]) -> str:
    return "English on the Chinese pages:\n" + "\n".join(
        f"{url}: {sorted(words)}" for url, words in found.items()
    )


def chinese_client(app: Flask, username: str | None) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("lang", "zh_CN")
    if username is not None:
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"login of {username} failed"
    return client


def test_the_listener_s_pages_are_chinese(shows: tuple[Flask, SimpleNamespace]) -> None:
    app, demo = shows
    client = chinese_client(app, None)
    found = walk(client, ["/login", f"/w/{demo.web_token}", "/public/answers", "/w/no-such-show"])
    # A form sent back with its mistakes shows every message in Chinese too.
    sent = client.post(f"/w/{demo.web_token}", data={"category": "complaint", "contact_number": "abc"})
    assert sent.status_code == 200
    if english(sent.get_data(as_text=True)):
        found["POST /w/<token>"] = english(sent.get_data(as_text=True))
    assert not found, report(found)


@pytest.mark.parametrize("username", [u for u, _role, _name in DEMO_USERS])
def test_every_page_a_user_reaches_is_chinese(shows: tuple[Flask, SimpleNamespace], username: str) -> None:
    app, _demo = shows
    found = walk(chinese_client(app, username), ["/"])
    assert not found, report(found)
