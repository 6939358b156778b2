"""The follow-up workflow through the case API, as the oversight office, the unit and the callback
desk use it: every legal step of the action table, every refused one, and the particular rules
(return with a reason, reassignment, 首问负责制, extensions, review, redo, settling, history).

The table in followup.workflow.ACTIONS is the specification: the transition tests are generated
from it, so an action or a state added to it is tested without anyone remembering to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

import core.clock
from console.demo import DEMO_USERS, OTHER_UNIT_USERS
from core import clock
from core.api import ApiError
from core.extensions import db
from followup.models import (
    Callback,
    CallbackKind,
    Case,
    CaseEvent,
    CaseState,
    CommitmentReport,
    Extension,
    ExtensionState,
    HistoryIsAppendOnly,
    Notice,
    NoticeKind,
)
from followup.scheduler import schedule_lookbacks
from followup.workflow import ACTIONS, perform
from tests.followup_helpers import (
    COMMITMENT,
    CONCRETE_REPLY,
    act,
    get_case,
    make_case,
    other_unit_id,
    pending_callback,
    snapshot,
    user,
)

Login = Callable[[str], FlaskClient]
S = CaseState

# The demo users of unit 1 (and those of no unit), by role; handler2 / reviewer2 are the other unit's.
ROLE_OF = {name: role for name, role, _ in DEMO_USERS if name not in OTHER_UNIT_USERS | {"producer2"}}
# Who takes each action in the tests: the person whose daily work it is.
PREFERRED = ["handler", "reviewer", "callback", "oversight", "producer"]


def actor(action: str) -> str:
    roles = ACTIONS[action].roles
    return next(name for name in PREFERRED if ROLE_OF[name] in roles)


def start_state(action: str) -> CaseState:
    """A state the action starts from, reachable for an ordinary (non-anonymous) case."""
    sources = ACTIONS[action].sources
    if action == "settle":
        return S.CALLED_BACK
    return next(state for state in CaseState if state in sources)


def anonymous_needed(action: str, state: CaseState) -> bool:
    # Settling straight from "answered" is for anonymous cases only (no result callback owed).
    return action == "settle" and state == S.ANSWERED


def body_for(app: Flask, case_id: int, action: str) -> dict[str, Any]:
    """A valid body for ``action`` on the case as it is now, making the callback, extension or
    notice the action is about when it acts on one."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        later = (case.due_on + timedelta(days=10)).isoformat()
        item: Callback | Extension | Notice | CommitmentReport | None = None
        if action == "callback":
            item = Callback(case_id=case.id, kind=CallbackKind.PROCESS, due_on=clock.today())
        elif action in ("decide_extension", "extension_told"):
            approved = action == "extension_told"
            item = Extension(
                case_id=case.id,
                reason="需要调取档案",
                requested_due=case.due_on + timedelta(days=10),
                previous_due=case.due_on,
                requested_by_id=user("handler").id,
                state=ExtensionState.APPROVED if approved else ExtensionState.PENDING,
                granted_due=case.due_on + timedelta(days=10) if approved else None,
            )
        elif action == "publish":
            case.consent_publish = True  # only a case whose citizen consented may be published
            db.session.commit()
        elif action in ("report_kept", "confirm_kept", "reject_kept"):
            # The on-air commitment the action is about, as the conversion copies it from the record.
            case.commitment_what = "派人上门调解"
            case.commitment_due = case.due_on
            db.session.commit()
            if action != "report_kept":
                handler_id, day = user("handler").id, clock.today()
                item = CommitmentReport(
                    case_id=case.id, body="已上门调解", reported_by_id=handler_id, reported_on=day
                )
        elif action == "notice_seen":
            item = Notice(
                case_id=case.id, unit_id=case.unit_id, kind=NoticeKind.REMINDER, message="请尽快办理"
            )
        item_id = 0
        if item is not None:
            db.session.add(item)
            db.session.commit()
            item_id = item.id
        unit_id = case.unit_id
    bodies: dict[str, dict[str, Any]] = {
        "return": {"reason": "此事属住建局职责"},
        "reassign": {"unit_id": other_unit_id(app) if unit_id != other_unit_id(app) else unit_id},
        "draft": {"body": CONCRETE_REPLY},
        "return_to_drafter": {"reason": "请写明办理结果"},
        "answer": {"channel": "phone"},
        "callback": {"callback_id": item_id, "channel": "phone", "contacted": True},
        "redo": {"reason": "来电人说无人联系"},
        "request_extension": {"reason": "需要调取档案", "requested_due": later},
        "decide_extension": {"extension_id": item_id, "approve": True, "note": "同意延期"},
        "extension_told": {"extension_id": item_id},
        "remind": {"message": "请抓紧办理"},
        "supervise": {"message": "请三日内报送办理结果"},
        "notice_seen": {"notice_id": item_id},
        "edit": {"internal": True},
        "column_pick": {"picked": False},
        "publish": {"subject": "法律援助申请", "question": "申请三个月没有答复", "reply": CONCRETE_REPLY},
        "withdraw_consent": {"note": "来电人不同意公开"},
        "report_kept": {"body": "已派人上门调解，双方达成协议。"},
        "confirm_kept": {"report_id": item_id},
        "reject_kept": {"report_id": item_id, "reason": "照片看不出已调解"},
    }
    return bodies.get(action, {})


def post_action(client: FlaskClient, case_id: int, action: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/cases/{case_id}/actions/{action}", json=body)


# The actions a person takes; the application's own (system actions) are tested below them.
PERSONS = {name: action for name, action in ACTIONS.items() if not action.system}
SYSTEM_ACTIONS = sorted(name for name, action in ACTIONS.items() if action.system)
LEGAL = [(name, state) for name, action in PERSONS.items() for state in CaseState if state in action.sources]
REFUSED = [
    (name, state) for name, action in PERSONS.items() for state in CaseState if state not in action.sources
]
ALLOWED_USERS = [
    (name, username)
    for name, action in PERSONS.items()
    for username, role in ROLE_OF.items()
    if role in action.roles
]
WRONG_ROLES = [
    (name, username)
    for name, action in PERSONS.items()
    for username, role in ROLE_OF.items()
    if role not in action.roles
]
ANYONE_ON_SYSTEM = [(name, username) for name in SYSTEM_ACTIONS for username in ROLE_OF]


# --- every transition of the table --------------------------------------------------------------
@pytest.mark.parametrize(("action", "source"), LEGAL, ids=[f"{a}-from-{s}" for a, s in LEGAL])
def test_each_legal_action_leads_to_its_target_and_writes_one_history_line(
    app: Flask, demo: SimpleNamespace, as_user: Login, action: str, source: CaseState
) -> None:
    case_id = make_case(app, demo, source, anonymous=anonymous_needed(action, source))
    before = datetime.now(UTC) - timedelta(seconds=1)
    username = actor(action)

    response = post_action(as_user(username), case_id, action, body_for(app, case_id, action))

    assert response.status_code == 200, response.json
    # Actions without a target (a callback with no verdict, a notice, an extension) leave the state.
    target = ACTIONS[action].target if action != "callback" else None
    assert response.json["state"] == (target or source)
    last = response.json["events"][-1]
    with app.app_context():
        display_name = user(username).display_name
    assert (last["action"], last["from_state"], last["to_state"], last["actor"]) == (
        action,
        source,
        target or source,
        display_name,
    )
    assert before <= datetime.fromisoformat(last["at"]) <= datetime.now(UTC) + timedelta(seconds=1)


@pytest.mark.parametrize(("action", "username"), ALLOWED_USERS, ids=[f"{a}-by-{u}" for a, u in ALLOWED_USERS])
def test_each_role_the_table_allows_may_take_the_action(
    app: Flask, demo: SimpleNamespace, as_user: Login, action: str, username: str
) -> None:
    case_id = make_case(app, demo, start_state(action))
    response = post_action(as_user(username), case_id, action, body_for(app, case_id, action))
    assert response.status_code == 200, response.json


# --- every refused one --------------------------------------------------------------------------
@pytest.mark.parametrize(("action", "state"), REFUSED, ids=[f"{a}-from-{s}" for a, s in REFUSED])
def test_an_action_from_a_state_it_does_not_start_from_is_refused_and_changes_nothing(
    app: Flask, demo: SimpleNamespace, as_user: Login, action: str, state: CaseState
) -> None:
    case_id = make_case(app, demo, state)
    body = body_for(app, case_id, action)
    before = snapshot(app, case_id)

    response = post_action(as_user(actor(action)), case_id, action, body)

    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "illegal_transition"
    assert snapshot(app, case_id) == before


@pytest.mark.parametrize(("action", "username"), WRONG_ROLES, ids=[f"{a}-by-{u}" for a, u in WRONG_ROLES])
def test_a_role_the_table_does_not_name_is_refused_and_changes_nothing(
    app: Flask, demo: SimpleNamespace, as_user: Login, action: str, username: str
) -> None:
    case_id = make_case(app, demo, start_state(action))
    body = body_for(app, case_id, action)
    before = snapshot(app, case_id)

    response = post_action(as_user(username), case_id, action, body)

    assert response.status_code == 403, response.json
    assert snapshot(app, case_id) == before


@pytest.mark.parametrize(
    ("action", "username"), ANYONE_ON_SYSTEM, ids=[f"{a}-by-{u}" for a, u in ANYONE_ON_SYSTEM]
)
def test_no_one_takes_a_system_action_through_the_api(
    app: Flask, demo: SimpleNamespace, as_user: Login, action: str, username: str
) -> None:
    case_id = make_case(app, demo, S.ACCEPTED, record=COMMITMENT)
    bodies = {
        "created": {"call_id": 1},
        "merged_in": {"case_id": case_id, "note": "x"},
        "due_recomputed": {"start": "2026-03-02"},
        "lookback_scheduled": {"due_on": "2026-03-02"},
        "record_amended": {"call_id": 1, "changed": ["answer"]},
        "citizen_withdrew_consent": {},
    }
    before = snapshot(app, case_id)

    response = post_action(as_user(username), case_id, action, bodies[action])

    assert response.status_code == 403, response.json
    assert snapshot(app, case_id) == before


def test_the_application_takes_a_persons_action_only_as_the_scheduler(
    app: Flask, demo: SimpleNamespace
) -> None:
    case_id = make_case(app, demo)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        with pytest.raises(ApiError) as refused:
            perform(case, "accept", user("handler"), system=True)
    assert refused.value.status == 403


def test_another_units_handler_cannot_see_the_case_to_act_on_it(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo)
    before = snapshot(app, case_id)
    response = post_action(as_user("handler2"), case_id, "accept", {})
    assert response.status_code == 404
    assert snapshot(app, case_id) == before


def test_an_action_on_a_stale_version_is_refused(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo)
    handler = as_user("handler")
    seen = handler.get(f"/api/cases/{case_id}").json["version"]
    act(app, case_id, "accept", "handler")  # someone else, meanwhile
    before = snapshot(app, case_id)

    response = post_action(handler, case_id, "start", {"version": seen})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "changed_meanwhile"
    assert snapshot(app, case_id) == before


def test_an_action_on_the_current_version_goes_through(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo)
    handler = as_user("handler")
    seen = handler.get(f"/api/cases/{case_id}").json["version"]
    response = post_action(handler, case_id, "accept", {"version": seen})
    assert response.status_code == 200
    assert response.json["version"] > seen


def test_an_unknown_action_is_not_found(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo)
    assert post_action(as_user("oversight"), case_id, "close_quietly", {}).status_code == 404


# --- return and reassignment --------------------------------------------------------------------
def test_returning_a_case_needs_a_reason(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo, S.ACCEPTED)
    response = post_action(as_user("handler"), case_id, "return", {})
    assert response.status_code == 422
    assert "reason" in response.json["error"]["details"]
    assert get_case(app, case_id).state == S.ACCEPTED


def test_a_returned_case_waits_for_the_office_with_the_units_reason(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo)
    response = post_action(as_user("handler"), case_id, "return", {"reason": "房屋质量问题属住建局"})
    assert response.status_code == 200
    assert response.json["state"] == S.RETURNED
    assert response.json["events"][-1]["note"] == "房屋质量问题属住建局"
    office = as_user("oversight").get("/api/cases?state=returned").json
    assert [row["id"] for row in office["items"]] == [case_id]


def test_reassigning_to_the_other_unit_counts_its_deadline_from_that_day(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.clock, "today", lambda: date(2026, 3, 2))
    case_id = make_case(app, demo, S.RETURNED)
    assert get_case(app, case_id).due_on == date(2026, 3, 17)
    monkeypatch.setattr(core.clock, "today", lambda: date(2026, 3, 10))  # a Tuesday

    response = post_action(as_user("oversight"), case_id, "reassign", {"unit_id": other_unit_id(app)})

    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["due_on"]) == (S.ASSIGNED, "2026-03-25")


def test_after_reassignment_the_new_unit_sees_the_case_and_the_first_does_not(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.RETURNED)
    act(app, case_id, "reassign", "oversight", {"unit_id": other_unit_id(app)})

    assert as_user("handler2").get(f"/api/cases/{case_id}").status_code == 200
    assert [row["id"] for row in as_user("handler2").get("/api/cases").json["items"]] == [case_id]
    assert as_user("handler").get(f"/api/cases/{case_id}").status_code == 404
    assert as_user("handler").get("/api/cases").json["items"] == []
    assert post_action(as_user("handler2"), case_id, "accept", {}).status_code == 200


def test_in_a_multi_unit_matter_the_first_asked_unit_leads(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.RETURNED)
    body = {"unit_id": other_unit_id(app), "assisting_unit_ids": [demo.unit_id]}

    response = post_action(as_user("oversight"), case_id, "reassign", body)

    assert response.status_code == 200, response.json
    assert response.json["unit_id"] == demo.unit_id
    assert response.json["assisting_units"] == ["市住房和城乡建设局"]


def test_an_assisting_unit_sees_the_case_but_cannot_act_on_it(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.RETURNED)
    act(
        app,
        case_id,
        "reassign",
        "oversight",
        {"unit_id": demo.unit_id, "assisting_unit_ids": [other_unit_id(app)]},
    )
    assisting = as_user("handler2")
    assert assisting.get(f"/api/cases/{case_id}").json["actions"] == []
    before = snapshot(app, case_id)

    response = post_action(assisting, case_id, "accept", {})

    assert response.status_code == 403
    assert snapshot(app, case_id) == before
    assert post_action(as_user("handler"), case_id, "accept", {}).status_code == 200


def test_the_office_can_reassign_twice_with_the_same_assisting_unit(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.RETURNED)
    office = as_user("oversight")
    body = {"unit_id": demo.unit_id, "assisting_unit_ids": [other_unit_id(app)]}
    assert post_action(office, case_id, "reassign", body).status_code == 200

    response = post_action(office, case_id, "reassign", body | {"note": "补充协办"})

    assert response.status_code == 200, response.json
    assert response.json["assisting_units"] == ["市住房和城乡建设局"]


# --- extensions ---------------------------------------------------------------------------------
def request_extension(client: FlaskClient, case_id: int, requested_due: str) -> Any:
    return post_action(
        client, case_id, "request_extension", {"reason": "需调取三年前档案", "requested_due": requested_due}
    )


def test_an_extension_is_requested_before_the_deadline(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.clock, "today", lambda: date(2026, 3, 2))
    case_id = make_case(app, demo, S.IN_PROGRESS)  # due 17 March
    monkeypatch.setattr(core.clock, "today", lambda: date(2026, 3, 17))

    response = request_extension(as_user("handler"), case_id, "2026-03-31")

    assert response.status_code == 200, response.json
    assert [(e["state"], e["requested_due"]) for e in response.json["extensions"]] == [
        ("pending", "2026-03-31")
    ]
    assert response.json["pending_extension"] is True


def test_an_extension_is_not_requested_after_the_deadline(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.clock, "today", lambda: date(2026, 3, 2))
    case_id = make_case(app, demo, S.IN_PROGRESS)  # due 17 March
    monkeypatch.setattr(core.clock, "today", lambda: date(2026, 3, 18))
    before = snapshot(app, case_id)

    response = request_extension(as_user("handler"), case_id, "2026-03-31")

    assert response.status_code == 409
    assert response.json["error"]["code"] == "too_late"
    assert snapshot(app, case_id) == before


def test_only_one_extension_request_waits_at_a_time(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.IN_PROGRESS)
    handler = as_user("handler")
    later = (get_case(app, case_id).due_on + timedelta(days=10)).isoformat()
    assert request_extension(handler, case_id, later).status_code == 200
    before = snapshot(app, case_id)

    response = request_extension(handler, case_id, later)

    assert response.status_code == 409
    assert response.json["error"]["code"] == "extension_pending"
    assert snapshot(app, case_id) == before


def pending_extension(app: Flask, demo: SimpleNamespace, as_user: Login) -> tuple[int, int, date]:
    case_id = make_case(app, demo, S.IN_PROGRESS)
    due = get_case(app, case_id).due_on
    response = request_extension(as_user("handler"), case_id, (due + timedelta(days=10)).isoformat())
    return case_id, response.json["extensions"][0]["id"], due


def test_an_approved_extension_moves_the_deadline_and_keeps_the_original(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id, extension_id, due = pending_extension(app, demo, as_user)
    granted = due + timedelta(days=7)

    response = post_action(
        as_user("oversight"),
        case_id,
        "decide_extension",
        {
            "extension_id": extension_id,
            "approve": True,
            "note": "同意，延至新日期",
            "granted_due": granted.isoformat(),
        },
    )

    assert response.status_code == 200, response.json
    assert (response.json["due_on"], response.json["original_due_on"]) == (
        granted.isoformat(),
        due.isoformat(),
    )
    assert response.json["extensions"][0]["state"] == "approved"
    assert response.json["pending_extension"] is False


def test_a_refused_extension_keeps_the_deadline(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id, extension_id, due = pending_extension(app, demo, as_user)

    response = post_action(
        as_user("oversight"),
        case_id,
        "decide_extension",
        {"extension_id": extension_id, "approve": False, "note": "理由不充分，请按期办结"},
    )

    assert response.status_code == 200, response.json
    assert response.json["due_on"] == due.isoformat()
    assert response.json["extensions"][0]["state"] == "refused"
    assert response.json["extensions"][0]["decision_note"] == "理由不充分，请按期办结"


def test_an_extension_granted_no_later_than_the_deadline_is_refused_and_stays_pending(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id, extension_id, due = pending_extension(app, demo, as_user)
    body = {"extension_id": extension_id, "approve": True, "note": "同意", "granted_due": due.isoformat()}

    response = post_action(as_user("oversight"), case_id, "decide_extension", body)

    assert response.status_code == 422
    assert "granted_due" in response.json["error"]["details"]
    extension = as_user("oversight").get(f"/api/cases/{case_id}").json["extensions"][0]
    assert (extension["state"], extension["decided_at"]) == ("pending", None)


def test_the_citizen_is_not_told_of_an_extension_still_pending(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id, extension_id, _due = pending_extension(app, demo, as_user)
    response = post_action(as_user("handler"), case_id, "extension_told", {"extension_id": extension_id})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "extension_not_approved"


def test_the_citizen_is_told_of_an_approved_extension(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id, extension_id, _due = pending_extension(app, demo, as_user)
    act(
        app,
        case_id,
        "decide_extension",
        "oversight",
        {"extension_id": extension_id, "approve": True, "note": "同意"},
    )

    response = post_action(as_user("handler"), case_id, "extension_told", {"extension_id": extension_id})

    assert response.status_code == 200, response.json
    assert response.json["extensions"][0]["citizen_told_at"] is not None


# --- review -------------------------------------------------------------------------------------
def test_a_reviewer_cannot_approve_their_own_draft(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo, S.IN_PROGRESS)
    reviewer = as_user("reviewer")
    assert post_action(reviewer, case_id, "draft", {"body": CONCRETE_REPLY}).status_code == 200
    before = snapshot(app, case_id)

    response = post_action(reviewer, case_id, "approve", {})

    assert response.status_code == 403
    assert response.json["error"]["code"] == "own_reply"
    assert snapshot(app, case_id) == before


def require_head_signoff(as_user: Login, programme_id: int) -> None:
    response = as_user("oversight").put(
        f"/api/programmes/{programme_id}/deadline-policy", json={"head_signoff_required": True}
    )
    assert response.status_code == 200, response.json


def test_approval_needs_the_unit_heads_signoff_when_the_policy_asks(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    require_head_signoff(as_user, demo.programme_id)
    case_id = make_case(app, demo, S.DRAFTED)

    response = post_action(as_user("reviewer"), case_id, "approve", {})

    assert response.status_code == 422
    assert "head_signoff" in response.json["error"]["details"]
    assert get_case(app, case_id).state == S.DRAFTED


def test_an_approval_with_the_heads_signoff_carries_it(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    require_head_signoff(as_user, demo.programme_id)
    case_id = make_case(app, demo, S.DRAFTED)

    response = post_action(as_user("reviewer"), case_id, "approve", {"head_signoff": "王建国"})

    assert response.status_code == 200, response.json
    assert response.json["state"] == S.APPROVED
    assert response.json["replies"][-1]["head_signoff"] == "王建国"


def test_a_reply_returned_to_the_drafter_is_worked_on_again(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.DRAFTED)
    response = post_action(as_user("reviewer"), case_id, "return_to_drafter", {"reason": "请附现场照片"})
    assert response.status_code == 200
    assert response.json["state"] == S.IN_PROGRESS
    assert (response.json["replies"][-1]["approved"], response.json["replies"][-1]["review_note"]) == (
        False,
        "请附现场照片",
    )


# --- callbacks, redo, settling ------------------------------------------------------------------
FRIDAY_BEFORE_SPRING_FESTIVAL = date(2026, 2, 13)


def test_an_unsatisfied_result_callback_sends_the_case_back_with_two_working_days(
    app: Flask, demo: SimpleNamespace, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.clock, "today", lambda: FRIDAY_BEFORE_SPRING_FESTIVAL)
    case_id = make_case(app, demo, S.ANSWERED)
    callback_id = pending_callback(app, case_id, CallbackKind.RESULT)

    response = post_action(
        as_user("callback"),
        case_id,
        "callback",
        {"callback_id": callback_id, "channel": "phone", "satisfaction": "unsatisfied", "note": "没人来修"},
    )

    assert response.status_code == 200, response.json
    # Sat 14 Feb is a make-up working day; 15–23 Feb are the Spring Festival; Tue 24 Feb is the second.
    assert (response.json["state"], response.json["due_on"], response.json["redo_count"]) == (
        S.REDO,
        "2026-02-24",
        1,
    )


def test_a_satisfied_result_callback_leaves_the_case_for_the_office_to_settle(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.ANSWERED)
    callback_id = pending_callback(app, case_id, CallbackKind.RESULT)
    response = post_action(
        as_user("callback"),
        case_id,
        "callback",
        {"callback_id": callback_id, "channel": "wechat", "satisfaction": "basic"},
    )
    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["satisfaction"]) == (S.CALLED_BACK, "basic")
    assert "settle" in [a["name"] for a in as_user("oversight").get(f"/api/cases/{case_id}").json["actions"]]


def test_nobody_contacted_me_sends_the_case_back_to_redo(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.ACCEPTED)
    callback_id = pending_callback(app, case_id, CallbackKind.PROCESS)
    response = post_action(
        as_user("callback"),
        case_id,
        "callback",
        {"callback_id": callback_id, "channel": "phone", "contacted": False},
    )
    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["no_contact_count"]) == (S.REDO, 1)


def test_settling_waits_for_the_result_callback(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo, S.ANSWERED)
    before = snapshot(app, case_id)
    response = post_action(as_user("oversight"), case_id, "settle", {})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "callback_first"
    assert snapshot(app, case_id) == before


def test_an_anonymous_case_is_settled_once_answered(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.ANSWERED, anonymous=True)
    response = post_action(as_user("oversight"), case_id, "settle", {})
    assert response.status_code == 200, response.json
    assert response.json["state"] == S.SETTLED


def test_settling_waits_while_an_on_air_commitment_is_open(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=COMMITMENT)
    before = snapshot(app, case_id)
    response = post_action(as_user("oversight"), case_id, "settle", {})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "commitment_open"
    assert snapshot(app, case_id) == before


def look_back(app: Flask, as_user: Login, case_id: int, fulfilled: bool) -> Any:
    with app.app_context():
        schedule_lookbacks(clock.today() + timedelta(days=7))
    callback_id = pending_callback(app, case_id, CallbackKind.LOOKBACK)
    return post_action(
        as_user("callback"),
        case_id,
        "callback",
        {"callback_id": callback_id, "channel": "on_site", "fulfilled": fulfilled},
    )


def test_a_case_with_a_commitment_is_settled_once_a_look_back_finds_it_kept(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=COMMITMENT)
    assert look_back(app, as_user, case_id, fulfilled=True).status_code == 200

    response = post_action(as_user("oversight"), case_id, "settle", {})

    assert response.status_code == 200, response.json
    assert response.json["state"] == S.SETTLED
    assert response.json["commitment"]["fulfilled_on"] is not None


def test_a_look_back_finding_the_commitment_not_kept_keeps_the_case_open(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=COMMITMENT)
    response = look_back(app, as_user, case_id, fulfilled=False)
    assert response.status_code == 200, response.json
    assert response.json["commitment_open"] is True
    assert [c["kind"] for c in response.json["callbacks"] if c["done_at"] is None][-1] == "lookback"
    assert post_action(as_user("oversight"), case_id, "settle", {}).status_code == 409


def test_a_scheduled_look_back_is_a_line_of_the_history_by_no_one(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.CALLED_BACK, record=COMMITMENT)
    with app.app_context():
        assert schedule_lookbacks(clock.today() + timedelta(days=7)) == 1
    last = as_user("oversight").get(f"/api/cases/{case_id}").json["events"][-1]
    assert (last["action"], last["actor"], last["from_state"], last["to_state"]) == (
        "lookback_scheduled",
        None,
        S.CALLED_BACK,
        S.CALLED_BACK,
    )


def test_an_anonymous_case_with_a_commitment_does_not_wait_for_a_look_back_it_is_exempt_from(
    app: Flask, demo: SimpleNamespace, as_user: Login
) -> None:
    case_id = make_case(app, demo, S.ANSWERED, anonymous=True, record=COMMITMENT)
    with app.app_context():
        assert schedule_lookbacks(clock.today() + timedelta(days=7)) == 0
    response = post_action(as_user("oversight"), case_id, "settle", {})
    assert response.status_code == 200, response.json
    assert response.json["state"] == S.SETTLED


# --- history ------------------------------------------------------------------------------------
def test_a_history_line_cannot_be_changed(app: Flask, demo: SimpleNamespace) -> None:
    case_id = make_case(app, demo, S.ACCEPTED)
    with app.app_context():
        line = db.session.get(Case, case_id).events[-1]  # type: ignore[union-attr]
        line.note = "改写历史"
        with pytest.raises(HistoryIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert [e.note for e in db.session.get(Case, case_id).events] == ["", ""]  # type: ignore[union-attr]


def test_a_history_line_cannot_be_deleted(app: Flask, demo: SimpleNamespace) -> None:
    case_id = make_case(app, demo, S.ACCEPTED)
    with app.app_context():
        db.session.delete(db.session.get(Case, case_id).events[0])  # type: ignore[union-attr]
        with pytest.raises(HistoryIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.query(CaseEvent).filter_by(case_id=case_id).count() == 2


def test_a_bulk_update_of_the_history_is_refused(app: Flask, demo: SimpleNamespace) -> None:
    case_id = make_case(app, demo, S.ACCEPTED)
    with app.app_context():
        with pytest.raises(HistoryIsAppendOnly):
            db.session.execute(update(CaseEvent).where(CaseEvent.case_id == case_id).values(note="改写历史"))
        db.session.rollback()
        assert [e.note for e in db.session.get(Case, case_id).events] == ["", ""]  # type: ignore[union-attr]


def test_the_history_lists_every_step_in_order(app: Flask, demo: SimpleNamespace, as_user: Login) -> None:
    case_id = make_case(app, demo, S.SETTLED)
    events = as_user("oversight").get(f"/api/cases/{case_id}").json["events"]
    assert [(e["action"], e["to_state"]) for e in events] == [
        ("created", S.ASSIGNED),
        ("accept", S.ACCEPTED),
        ("start", S.IN_PROGRESS),
        ("draft", S.DRAFTED),
        ("approve", S.APPROVED),
        ("answer", S.ANSWERED),
        ("callback", S.CALLED_BACK),
        ("settle", S.SETTLED),
    ]
