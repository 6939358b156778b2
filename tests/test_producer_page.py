"""The producer's seat page as the server renders it: who may open it, that it carries the card
form and the vendored Socket.IO client, and that callers' text never reaches it as markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from flask.testing import FlaskClient

from console.models import CARD_FIELDS


def _url(session_id: int) -> str:
    return f"/live/{session_id}/producer"


def test_producer_gets_the_seat_with_every_card_field(
    demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    response = as_user("producer").get(_url(demo.id))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form id="card"' in html
    for field in CARD_FIELDS:
        if field in ("category", "urgency"):
            continue  # toggle buttons and radios, checked below
        assert f'name="{field}"' in html, field
    assert html.count("data-category=") == 6
    assert html.count('name="urgency"') == 3
    for action in ("pickup", "hold", "ready", "finish", "transfer", "block"):
        assert f'data-action="{action}"' in html


def test_seat_loads_the_vendored_socketio_client_and_nothing_from_outside(
    demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    html = as_user("producer").get(_url(demo.id)).get_data(as_text=True)

    assert "/static/vendor/socket.io/socket.io.min.js" in html
    assert not re.search(r"""(?:src|href)=["']https?://""", html)


def test_on_air_official_is_refused_the_producer_seat(
    demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    assert as_user("official").get(_url(demo.id)).status_code == 403


def test_logged_out_visitor_is_sent_to_login(app, demo: SimpleNamespace) -> None:  # type: ignore[no-untyped-def]
    response = app.test_client().get(_url(demo.id))

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_script_in_a_card_subject_never_reaches_the_page_as_markup(
    live: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    producer = as_user("producer")
    payload = "<script>alert('x')</script>"
    created = producer.post(
        f"/api/sessions/{live.id}/calls", json={"caller_number": "13900001111", "subject": payload}
    )
    assert created.status_code == 201

    html = producer.get(_url(live.id)).get_data(as_text=True)

    assert payload not in html
    assert "alert(" not in html
