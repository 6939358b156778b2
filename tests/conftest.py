"""Fixtures shared by the tests: an app on a fresh SQLite file, the demo data, logged-in clients.

No application context stays pushed while a test runs: Flask would reuse it for every request of
the test client, and with it ``g`` and the logged-in user, so two clients would mix up who they
are. A test that reads the database wraps that read in ``with app.app_context():``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from console.demo import DEMO_PASSWORD, load_demo
from core.extensions import db


@contextmanager
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **overrides: Any) -> Iterator[Flask]:
    """An app on a fresh SQLite file with the test settings (CSRF and rate limits off, cheap
    password hashing), ``overrides`` on top."""
    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SOCKETIO_ASYNC_MODE": "threading",
            # Ten demo users are hashed for every test; scrypt would spend seconds on it.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **overrides,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    with make_app(tmp_path, monkeypatch) as app:
        yield app


@pytest.fixture
def demo(app: Flask) -> SimpleNamespace:
    """The demo programme, unit and today's (scheduled) session, with one user per role.
    Gives the ids: ``demo.id`` (today's session), ``demo.unit_id``, ``demo.programme_id``,
    ``demo.web_token``."""
    with app.app_context():
        session = load_demo()
        return SimpleNamespace(
            id=session.id,
            unit_id=session.unit_id,
            programme_id=session.programme_id,
            web_token=session.web_token,
        )


def login(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.fixture
def as_user(app: Flask, demo: SimpleNamespace) -> Callable[[str], FlaskClient]:
    """``as_user("producer")`` gives a test client logged in as that demo user."""
    return lambda username: login(app, username)


@pytest.fixture
def live(app: Flask, demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]) -> SimpleNamespace:
    """Today's demo session, live."""
    response = as_user("host").post(f"/api/sessions/{demo.id}/go-live")
    assert response.status_code == 200, response.json
    return demo
