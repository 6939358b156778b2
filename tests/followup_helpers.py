"""Shared helpers of the follow-up tests: a case in any state, quickly.

``make_case(app, demo, CaseState.DRAFTED)`` records a call on the demo session, converts it and
then drives ``followup.workflow.perform`` as the demo users would (the handler accepts and drafts,
the reviewer approves, the callback agent calls back, the office settles), so every case a test
starts from was reached by legal steps and carries their history. Each call gets its own phone
number, so two cases of one test are never taken for duplicates unless a test asks for that.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import select

from broadcast.models import Unit
from console.demo import OTHER_UNIT
from console.models import AirRecord, Call, CallState, Channel, Outcome
from core.accounts import User
from core.db import utcnow
from core.extensions import db
from followup.conversion import convert_call
from followup.models import Callback, CallbackKind, Case, CaseState
from followup.workflow import perform

S = CaseState
# Concrete enough for the default quality gate: who, what, when, with what result.
CONCRETE_REPLY = (
    "经核实，法律援助中心已于3月10日指派王律师与来电人面谈，材料已受理，"
    "预计3月20日前出具援助决定，结果将电话告知来电人。"
)
SUBJECT = "法律援助申请迟迟没有答复"

_numbers = itertools.count(1)

Data = dict[str, Any] | Callable[[Case], dict[str, Any]]


def _result_callback(case: Case) -> dict[str, Any]:
    pending = [c for c in case.callbacks if c.kind == CallbackKind.RESULT and c.done_at is None]
    return {"callback_id": pending[0].id, "channel": "phone", "satisfaction": "satisfied"}


# Who does what, in order, to bring a freshly assigned case to each state.
_ACCEPT = [("accept", "handler", {})]
_START = [*_ACCEPT, ("start", "handler", {})]
_DRAFT = [*_START, ("draft", "handler", {"body": CONCRETE_REPLY})]
_APPROVE = [*_DRAFT, ("approve", "reviewer", {})]
_ANSWER = [*_APPROVE, ("answer", "handler", {"channel": "phone"})]
_CALL_BACK = [*_ANSWER, ("callback", "callback", _result_callback)]
PATHS: dict[CaseState, list[tuple[str, str, Data]]] = {
    S.DUPLICATE: [],
    S.ASSIGNED: [],
    S.ACCEPTED: _ACCEPT,
    S.IN_PROGRESS: _START,
    S.DRAFTED: _DRAFT,
    S.APPROVED: _APPROVE,
    S.ANSWERED: _ANSWER,
    S.CALLED_BACK: _CALL_BACK,
    S.REDO: [*_ANSWER, ("redo", "callback", {"reason": "来电人说问题没有解决"})],
    S.RETURNED: [("return", "handler", {"reason": "此事属住建局职责"})],
    S.SETTLED: [*_CALL_BACK, ("settle", "oversight", {})],
    S.MERGED: [("merge", "oversight", {})],
}


def user(username: str) -> User:
    """A demo user (inside an app context)."""
    found = db.session.scalar(select(User).where(User.username == username))
    assert found is not None, username
    return found


def add_call(app: Flask, session_id: int, *, record: dict[str, Any] | None = None, **fields: Any) -> int:
    """A finished call on the session, straight into the database (no live show needed).
    ``record``: what the clerk wrote on air (outcome, answer, commitment_*); the call then aired."""
    fields.setdefault("channel", Channel.PHONE)
    fields.setdefault("state", CallState.DONE)
    fields.setdefault("caller_name", "张女士")
    fields.setdefault("subject", SUBJECT)
    fields.setdefault("contact_number", f"1550000{next(_numbers):04d}")
    with app.app_context():
        call = Call(session_id=session_id, **fields)
        if record is not None:
            call.aired_at = utcnow()
            call.air_record = AirRecord(**record)
        db.session.add(call)
        db.session.commit()
        return call.id


def act(app: Flask, case_id: int, name: str, username: str, data: Data | None = None) -> None:
    """``username`` takes action ``name`` on the case through the workflow (not through HTTP)."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        perform(case, name, user(username), data(case) if callable(data) else data or {})


def make_case(app: Flask, demo: SimpleNamespace, state: CaseState = S.ASSIGNED, **call_fields: Any) -> int:
    """A case of the demo unit in ``state``, reached by legal steps; returns its id. A DUPLICATE
    (or MERGED) case first makes the open case it duplicates (same number, same subject)."""
    if state in (S.DUPLICATE, S.MERGED):
        first = make_case(app, demo, S.ASSIGNED, **call_fields)
        with app.app_context():
            original = db.session.get(Case, first)
            assert original is not None
            call_fields = {
                "contact_number": original.contact_number,
                "subject": original.subject,
            } | call_fields
    call_id = add_call(app, demo.id, **call_fields)
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call is not None
        case_id = convert_call(call, user("oversight")).id
    for name, username, data in PATHS[state]:
        act(app, case_id, name, username, data)
    with app.app_context():
        reached = db.session.get(Case, case_id)
        assert reached is not None and reached.state == state, (state, reached and reached.state)
    return case_id


def get_case(app: Flask, case_id: int) -> Case:
    """The case as stored now, detached (its columns readable after the context closes)."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        db.session.expunge(case)
        return case


def pending_callback(app: Flask, case_id: int, kind: CallbackKind) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(Callback.id).where(
                Callback.case_id == case_id, Callback.kind == kind, Callback.done_at.is_(None)
            )
        )
        assert found is not None, f"no pending {kind} callback"
        return found


COMMITMENT = {
    "outcome": Outcome.COMMITMENT,
    "answer": "局长在节目中承诺派人上门",
    "commitment_what": "派律师上门办理法律援助申请",
    "commitment_due": date(2026, 12, 31),
    "commitment_how": "电话告知来电人",
}


def other_unit_id(app: Flask) -> int:
    """The demo's second unit (市住房和城乡建设局), of handler2 and reviewer2."""
    with app.app_context():
        found = db.session.scalar(select(Unit.id).where(Unit.name == OTHER_UNIT))
        assert found is not None
        return found


def snapshot(app: Flask, case_id: int) -> tuple[Any, ...]:
    """What a refused action must leave as it was: state, unit, due date, version, history length,
    and the case's callbacks, extensions, notices and replies."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        return (
            case.state,
            case.unit_id,
            case.due_on,
            case.version,
            len(case.events),
            [(c.id, c.done_at) for c in case.callbacks],
            [(e.id, e.state) for e in case.extensions],
            [(n.id, n.seen_at) for n in case.notices],
            [(r.id, r.approved) for r in case.replies],
            (case.internal, case.column_pick, case.complex),
        )


def approve_public_text(app: Flask, case_id: int, editor: str = "oversight", **text: str) -> None:
    """An editor approves the case's public text: the system's masked proposal, or ``text``."""
    from followup.publication import proposal

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        body = proposal(case) | text
    act(app, case_id, "publish", editor, body)
