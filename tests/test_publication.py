"""Nothing goes public without an editor's check: the system proposes a masked public text (names,
phone numbers, ID numbers and addresses), an editor corrects and approves it on the publication
desk, and only the approved text is shown publicly and in the column. A reply changed by a redo
needs a new review; consent withdrawn takes the case down at once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from followup.publication import PublicationStatus, proposal, publication_of, status
from tests.followup_helpers import (
    CONCRETE_REPLY,
    S,
    act,
    approve_public_text,
    get_case,
    make_case,
)

AsUser = Callable[[str], FlaskClient]

NAME, NUMBER, ID_NUMBER, ADDRESS = "王建国", "13912345678", "110105198001011234", "幸福小区3栋502室"
DETAILS = f"我叫{NAME}，住在{ADDRESS}，电话{NUMBER}，身份证号{ID_NUMBER}，法律援助申请三个月没有答复。"
SECRETS = [NAME, NUMBER, ID_NUMBER, ADDRESS, "502室"]


def answered(app: Flask, demo: SimpleNamespace, **fields: Any) -> int:
    fields = {
        "caller_name": NAME,
        "contact_number": NUMBER,
        "address": ADDRESS,
        "details": DETAILS,
        "consent_publish": True,
    } | fields
    return make_case(app, demo, S.ANSWERED, **fields)


def public_page(app: Flask, query: str = "") -> str:
    response = app.test_client().get(f"/public/answers{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def number_of(app: Flask, case_id: int) -> str:
    return get_case(app, case_id).number


def proposal_of(app: Flask, case_id: int) -> dict[str, str]:
    with app.app_context():
        from core.extensions import db
        from followup.models import Case

        case = db.session.get(Case, case_id)
        assert case is not None
        return proposal(case)


def status_of(app: Flask, case_id: int) -> PublicationStatus:
    with app.app_context():
        from core.extensions import db
        from followup.models import Case

        case = db.session.get(Case, case_id)
        assert case is not None
        return status(case)


def events(client: FlaskClient, case_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"/api/cases/{case_id}").json["events"])


# --- the proposal -------------------------------------------------------------------------------


def test_the_proposal_masks_name_phone_id_number_and_address(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(app, demo)

    text = proposal_of(app, case_id)

    for secret in SECRETS:
        assert secret not in text["question"], (secret, text["question"])
    assert "王**" in text["question"] and "139****5678" in text["question"]
    assert "法律援助申请三个月没有答复" in text["question"]
    # The reply names a lawyer by surname only; jieba finds no full name in it to mask.
    assert text["reply"] == CONCRETE_REPLY
    assert text["subject"] == get_case(app, case_id).subject


# --- nothing public before approval -------------------------------------------------------------


def test_an_answered_case_is_not_public_before_an_editor_approves_it(
    app: Flask, demo: SimpleNamespace
) -> None:
    case_id = answered(app, demo)

    html = public_page(app)

    assert number_of(app, case_id) not in html
    assert status_of(app, case_id) == PublicationStatus.NEEDS_REVIEW


def test_only_the_approved_text_is_shown_and_the_approval_is_a_line_of_history(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    case_id = answered(app, demo)
    editor = as_user("producer")
    text = proposal_of(app, case_id) | {"reply": "法律援助中心已指派律师面谈，援助决定将于3月20日前作出。"}

    response = editor.post(f"/api/cases/{case_id}/actions/publish", json=text)

    assert response.status_code == 200, response.json
    html = public_page(app)
    assert number_of(app, case_id) in html
    assert "法律援助中心已指派律师面谈，援助决定将于3月20日前作出。" in html
    assert CONCRETE_REPLY not in html  # the reply as the unit wrote it
    for secret in SECRETS:
        assert secret not in html
    last = events(editor, case_id)[-1]
    assert last["action"] == "publish" and last["actor"]
    assert editor.get(f"/api/cases/{case_id}").json["published"] is True
    with app.app_context():
        from core.extensions import db
        from followup.models import Case

        case = db.session.get(Case, case_id)
        assert case is not None
        stored = publication_of(case)
        assert stored is not None and stored.approved_at is not None
        assert stored.approved_by is not None and stored.approved_by.username == "producer"


def test_the_public_search_does_not_find_what_was_masked(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(app, demo)
    approve_public_text(app, case_id)

    assert number_of(app, case_id) in public_page(app, "?q=法律援助申请")
    assert number_of(app, case_id) not in public_page(app, f"?q={NAME}")


def test_a_unit_may_not_approve_and_a_case_without_consent_may_not_be_approved(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    ours = answered(app, demo)
    no_consent = answered(app, demo, consent_publish=False, contact_number="13900000009")

    refused = as_user("handler").post(f"/api/cases/{ours}/actions/publish", json=proposal_of(app, ours))
    not_publishable = as_user("oversight").post(
        f"/api/cases/{no_consent}/actions/publish", json=proposal_of(app, no_consent)
    )

    assert refused.status_code == 403
    assert not_publishable.status_code == 409
    assert not_publishable.json["error"]["code"] == "not_publishable"


def test_publication_is_offered_only_for_a_citizen_who_consented(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    consented = answered(app, demo)
    no_consent = answered(app, demo, consent_publish=False, contact_number="13900000009")
    office = as_user("oversight")

    def offered(case_id: int) -> set[str]:
        return {a["name"] for a in office.get(f"/api/cases/{case_id}").json["actions"]}

    assert {"publish", "withdraw_consent"} <= offered(consented)
    assert not {"publish", "withdraw_consent"} & offered(no_consent)


# --- taken down, reviewed again -----------------------------------------------------------------


def test_consent_withdrawn_takes_the_case_down_at_once(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    case_id = answered(app, demo)
    approve_public_text(app, case_id)
    act(app, case_id, "column_pick", "oversight", {"picked": True})
    callback_desk = as_user("callback")

    response = callback_desk.post(
        f"/api/cases/{case_id}/actions/withdraw_consent", json={"note": "来电人不同意公开"}
    )

    assert response.status_code == 200, response.json
    assert number_of(app, case_id) not in public_page(app)
    case = get_case(app, case_id)
    assert (case.consent_publish, case.column_pick) == (False, False)
    assert events(callback_desk, case_id)[-1]["action"] == "withdraw_consent"
    # Consent given again does not bring the old text back without a new review.
    act(app, case_id, "edit", "oversight", {"consent_publish": True})
    assert number_of(app, case_id) not in public_page(app)


def test_the_card_consent_unticked_by_the_office_takes_it_down_too(app: Flask, demo: SimpleNamespace) -> None:
    case_id = answered(app, demo)
    approve_public_text(app, case_id)

    act(app, case_id, "edit", "oversight", {"consent_publish": False})

    assert number_of(app, case_id) not in public_page(app)
    act(app, case_id, "edit", "oversight", {"consent_publish": True})
    assert number_of(app, case_id) not in public_page(app)
    assert status_of(app, case_id) == PublicationStatus.NEEDS_REVIEW


def test_a_redone_reply_needs_a_new_review(app: Flask, demo: SimpleNamespace, as_user: AsUser) -> None:
    case_id = answered(app, demo)
    approve_public_text(app, case_id)
    assert status_of(app, case_id) == PublicationStatus.APPROVED

    act(app, case_id, "redo", "callback", {"reason": "来电人说问题没有解决"})
    act(app, case_id, "draft", "handler", {"body": CONCRETE_REPLY + "另经复查，援助决定已于3月18日送达。"})
    act(app, case_id, "approve", "reviewer", {})
    act(app, case_id, "answer", "handler", {"channel": "phone"})

    assert status_of(app, case_id) == PublicationStatus.NEEDS_REVIEW
    assert number_of(app, case_id) not in public_page(app)
    review = as_user("oversight").get(f"/followup/publication/{case_id}").get_data(as_text=True)
    assert 'id="reply-changed"' in review
    assert "另经复查" in review  # the proposal starts from the new reply


# --- the desk ------------------------------------------------------------------------------------


def publication_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="publication-data">(.*?)</script>', html, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def test_the_desk_lists_cases_waiting_for_review_first(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    approved = answered(app, demo, contact_number="13900000001")
    approve_public_text(app, approved)
    waiting = answered(app, demo, contact_number="13900000002")
    no_consent = answered(app, demo, contact_number="13900000003", consent_publish=False)

    html = as_user("producer").get("/followup/publication").get_data(as_text=True)

    ids = [int(i) for i in re.findall(r'data-case-id="(\d+)"', html)]
    assert ids == [waiting, approved]
    assert no_consent not in ids


def test_the_review_page_shows_the_case_as_written_beside_the_proposal(
    app: Flask, demo: SimpleNamespace, as_user: AsUser
) -> None:
    case_id = answered(app, demo)

    html = as_user("oversight").get(f"/followup/publication/{case_id}").get_data(as_text=True)

    original = html.split('id="original-question"', 1)[1].split("</p>", 1)[0]
    assert NAME in original and NUMBER in original
    data = publication_data(html)
    assert data["status"] == "needs_review"
    assert set(data["actions"]) == {"publish", "withdraw_consent"}
    assert NAME not in data["text"]["question"]


def test_the_desk_is_for_editors_only(as_user: AsUser) -> None:
    assert as_user("handler").get("/followup/publication").status_code == 403
    assert as_user("callback").get("/followup/publication").status_code == 403
    assert as_user("producer").get("/followup/publication").status_code == 200
