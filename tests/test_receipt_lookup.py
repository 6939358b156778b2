"""The citizen's receipt lookup: the web channel's receipt number and the phone's last four digits
find the matter; the page shows its state, case number, deadline and approved reply, nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from console.demo import load_demo
from console.models import Call
from core.extensions import db
from followup.conversion import convert_call
from followup.models import Case, CaseEvent, CaseState
from followup.receipt import CITIZEN_STATE
from tests.conftest import make_app
from tests.followup_helpers import CONCRETE_REPLY, act, add_call, approve_public_text, get_case, user
from tests.test_webchannel import QUESTION, send

PHONE = "13800001111"


@pytest.fixture
def listener(app: Flask, demo: SimpleNamespace) -> FlaskClient:
    app.config["WEB_CHANNEL_MIN_SECONDS"] = 0
    return app.test_client()


def receipt_of(client: FlaskClient, demo: SimpleNamespace, **fields: str) -> str:
    """Send a question through the web form; the receipt number the thanks page shows."""
    response = send(client, demo.web_token, **fields)
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    match = re.search(r'class="wc-ref">[^<]*<strong>([^<]+)</strong>', thanks)
    assert match, thanks
    assert 'id="receipt-lookup"' in thanks
    return match.group(1)


def look_up(client: FlaskClient, number: str, digits: str) -> tuple[int, str]:
    response = client.post("/receipt", data={"number": number, "digits": digits})
    return response.status_code, response.get_data(as_text=True)


def case_of(app: Flask, receipt: str) -> int:
    call_id = int(receipt.removeprefix("W-"))
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.call_id == call_id))
        assert case_id is not None
        return case_id


def convert(app: Flask, receipt: str) -> int:
    """The show ends: the web question that never went on air becomes a case."""
    with app.app_context():
        call = db.session.get(Call, int(receipt.removeprefix("W-")))
        assert call is not None
        convert_call(call, user("oversight"))
    return case_of(app, receipt)


def test_the_form_links_to_the_lookup(listener: FlaskClient, demo: SimpleNamespace) -> None:
    assert 'href="/receipt"' in listener.get(f"/w/{demo.web_token}").get_data(as_text=True)
    page = listener.get("/receipt?number=W-000007")
    assert page.status_code == 200
    assert 'value="W-000007"' in page.get_data(as_text=True)


def test_a_received_question_is_found_with_the_right_digits(
    listener: FlaskClient, demo: SimpleNamespace
) -> None:
    receipt = receipt_of(listener, demo)
    status, page = look_up(listener, receipt, "1111")
    assert status == 200
    assert 'id="receipt-state"' in page
    assert 'id="receipt-state">节目组已收到<' in page
    assert 'id="receipt-case"' not in page
    # Nothing of what was sent is shown back: not the name, number, district, subject or question.
    for private in (QUESTION["caller_name"], "1111", QUESTION["district"], QUESTION["subject"], "噪音很大"):
        assert private not in page.replace('value="1111"', "")


def test_wrong_digits_and_a_wrong_number_read_the_same(listener: FlaskClient, demo: SimpleNamespace) -> None:
    receipt = receipt_of(listener, demo)
    wrong_digits = look_up(listener, receipt, "2222")
    unknown = look_up(listener, "W-009999", "1111")
    assert wrong_digits[0] == unknown[0] == 404
    notice = re.compile(r'<div class="wc-notice" id="notice" role="alert">.*?</div>', re.S)
    assert notice.search(wrong_digits[1]).group(0) == notice.search(unknown[1]).group(0)  # type: ignore[union-attr]
    assert 'id="receipt-state"' not in wrong_digits[1] + unknown[1]


def test_a_phone_question_or_one_without_a_number_is_not_found(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    phone_call = add_call(app, demo.id, contact_number=PHONE)
    assert look_up(listener, f"W-{phone_call:06d}", "1111")[0] == 404
    receipt = receipt_of(listener, demo, contact_number="")
    assert look_up(listener, receipt, "0000")[0] == 404


def test_the_case_number_deadline_and_then_the_approved_reply(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    receipt = receipt_of(listener, demo)
    case_id = convert(app, receipt)
    case = get_case(app, case_id)
    status, page = look_up(listener, receipt.lower().replace("-", ""), "1111")
    assert status == 200
    assert f'id="receipt-case">{case.number}<' in page
    assert 'id="receipt-due"' in page
    assert 'id="receipt-reply"' not in page

    for name, who in (("accept", "handler"), ("start", "handler")):
        act(app, case_id, name, who)
    act(app, case_id, "draft", "handler", {"body": CONCRETE_REPLY})
    act(app, case_id, "approve", "reviewer")
    # Approved but the citizen not yet answered: the reply is not shown before the unit gives it.
    assert CONCRETE_REPLY not in look_up(listener, receipt, "1111")[1]
    act(app, case_id, "answer", "handler", {"channel": "phone"})
    assert get_case(app, case_id).state == CaseState.ANSWERED
    page = look_up(listener, receipt, "1111")[1]
    assert CONCRETE_REPLY in page
    assert 'id="receipt-state">已答复<' in page


def test_every_case_state_has_the_citizen_s_words() -> None:
    assert set(CITIZEN_STATE) == set(CaseState)


@pytest.fixture
def limited_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    with make_app(tmp_path, monkeypatch, RATELIMIT_ENABLED=True, RECEIPT_LOOKUP_RATE="3 per minute") as app:
        with app.app_context():
            load_demo()
        yield app


def test_lookups_are_rate_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    codes = [look_up(client, "W-000001", f"{n:04d}")[0] for n in range(4)]
    assert codes == [404, 404, 404, 429]
    assert 'id="notice"' in look_up(client, "W-000001", "0000")[1]


def test_the_citizen_withdraws_consent_and_the_answer_leaves_the_public_page(
    app: Flask, listener: FlaskClient, demo: SimpleNamespace
) -> None:
    receipt = receipt_of(listener, demo, consent_publish="y")
    case_id = convert(app, receipt)
    for name, who in (("accept", "handler"), ("start", "handler")):
        act(app, case_id, name, who)
    act(app, case_id, "draft", "handler", {"body": CONCRETE_REPLY})
    act(app, case_id, "approve", "reviewer")
    act(app, case_id, "answer", "handler", {"channel": "phone"})
    approve_public_text(app, case_id)
    number = get_case(app, case_id).number
    assert number in listener.get("/public/answers").get_data(as_text=True)
    assert 'id="withdraw-consent"' in look_up(listener, receipt, "1111")[1]

    wrong = listener.post("/receipt/withdraw-consent", data={"number": receipt, "digits": "2222"})
    assert wrong.status_code == 404
    assert number in listener.get("/public/answers").get_data(as_text=True)

    response = listener.post("/receipt/withdraw-consent", data={"number": receipt, "digits": "1111"})

    assert response.status_code == 200
    assert 'id="consent-withdrawn"' in response.get_data(as_text=True)
    assert 'id="withdraw-consent"' not in response.get_data(as_text=True)
    assert number not in listener.get("/public/answers").get_data(as_text=True)
    case = get_case(app, case_id)
    assert case.consent_publish is False
    with app.app_context():
        last = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()[-1]
        assert (last.action, last.actor_id) == ("citizen_withdrew_consent", None)
