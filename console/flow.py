"""The life of a call during a show, and of the show itself.

A call changes state only through ``perform``, by the table in console/call_actions.py. Every
change is checked against the state it starts from, committed, and only then published to the
seats (and, for calls on a phone line, sent to the line server); the end of a show is announced
with the ``session_ended`` signal (console/signals.py) once it is committed. Concurrent writers are
caught by the row version: a card edit whose fields someone else changed meanwhile is refused
with the other person's values, never silently overwritten.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from broadcast.models import AirSession, Guest, SessionState, Unit
from console import commands, realtime, signals
from console.call_actions import ACTIONS, FINISHED, CallAction, first_from
from console.models import (
    CARD_FIELDS,
    AirRecord,
    BlockedNumber,
    Call,
    CallState,
    Channel,
    ChatMessage,
)
from console.serialize import call_json, record_json
from console.summary import session_summary
from core import clock
from core.access import may_sit
from core.accounts import User
from core.api import ApiError, commit_or_conflict
from core.db import utcnow
from core.extensions import db
from core.labels import label
from telephony.protocol import CommandName, TransferMode

# Work that must wait until the change it tells of is committed: publishing it to the seats and
# sending the line server its command. A change that is rolled back is never told.
AFTER_COMMIT = "console.after_commit"


def _commit() -> None:
    pending = db.session.info.pop(AFTER_COMMIT, [])
    commit_or_conflict()
    for step in pending:
        step()


def _require_live(session: AirSession) -> None:
    if session.state != SessionState.LIVE:
        raise ApiError(409, "session_not_live", _("The session is not live."))


# --- calls arriving ------------------------------------------------------------------------------


def create_call(session: AirSession, channel: Channel, user: User | None = None, **fields: Any) -> Call:
    """A new card in the producer's queue: a phone call, a hand-made card or a web submission."""
    if channel != Channel.WEB:
        _require_live(session)
    # The matter concerns the unit on air unless the producer chooses another.
    fields.setdefault("unit_id", session.unit_id)
    call = Call(session_id=session.id, channel=channel, state=CallState.WAITING, **fields)
    if call.caller_number and not call.contact_number:
        call.contact_number = call.caller_number
    if user is not None:
        call.updated_by_id = user.id
    db.session.add(call)
    _commit()
    realtime.publish_call(call)
    return call


def is_blocked(number: str | None) -> bool:
    if not number:
        return False
    return (
        db.session.scalar(select(BlockedNumber.id).where(BlockedNumber.number == number.strip())) is not None
    )


# --- the card --------------------------------------------------------------------------------------


def update_card(
    call: Call, changes: dict[str, Any], base: dict[str, Any] | None, version: int, user: User
) -> Call:
    """Apply a producer's edits. With a stale ``version``, fields nobody else touched since
    ``base`` still apply; a field someone else changed is a conflict shown to the producer."""
    if call.state in FINISHED and call.session.state == SessionState.ENDED:
        raise ApiError(409, "closed", _("The show has ended; this card can no longer be edited here."))
    unknown = set(changes) - set(CARD_FIELDS)
    if unknown:
        raise ApiError(422, "invalid", _("Unknown fields."), {f: "unknown" for f in unknown})
    if version != call.version:
        base = base or {}
        conflicts = {
            field: getattr(call, field)
            for field, value in changes.items()
            if getattr(call, field) != value and (field not in base or getattr(call, field) != base[field])
        }
        if conflicts:
            raise ApiError(
                409,
                "conflict",
                _("Someone else changed these fields meanwhile. Choose which version to keep."),
                {"conflicts": conflicts, "current": call_json(call, seat="producer")},
            )
    for field, value in changes.items():
        setattr(call, field, value)
    call.updated_at = utcnow()
    call.updated_by_id = user.id
    _commit()
    realtime.publish_call(call)
    return call


# --- moving calls through the show ---------------------------------------------------------------


def perform(
    call: Call, name: str, user: User | None, *, reason: str | None = None, commit: bool = True
) -> Call:
    """The only way a call changes state (the table is console.call_actions.ACTIONS): checks the
    seat and the state the call is in, applies the step on entering the target, commits, then
    publishes the call to the seats and sends the line server the action's command. A system
    action (``user`` None) comes from the line server or the end of the show. With ``commit=False``
    the caller commits along with its own changes, and the publishing waits for that commit."""
    action = ACTIONS.get(name)
    if action is None:
        raise ApiError(404, "no_such_action", _("Unknown action."))
    _check(call, action, user)
    now = utcnow()
    action.enter(call, user, now, reason)
    call.state = action.target
    call.updated_at = now
    db.session.info.setdefault(AFTER_COMMIT, []).append(lambda: _announce(call, action, user))
    if commit:
        _commit()
    return call


def _check(call: Call, action: CallAction, user: User | None) -> None:
    if not action.system:
        if user is None or not any(may_sit(user, seat, call.session) for seat in action.seats):
            raise ApiError(403, "forbidden", _("Your role may not do this."))
        _require_live(call.session)
    if call.state not in action.sources:
        raise ApiError(
            409,
            "illegal_transition",
            _(
                "A call that is %(state)s cannot be moved to %(target)s.",
                state=label(call.state),
                target=label(action.target),
            ),
        )


def _announce(call: Call, action: CallAction, user: User | None) -> None:
    realtime.publish_call(call)
    if action.command:
        commands.send(call, action.command, **action.command_args(user))


def end_segment(session: AirSession, user: User) -> list[Call]:
    """The host ends the segment: everyone on air goes back to the producer, held (after air)."""
    on_air = list(
        db.session.scalars(select(Call).where(Call.session_id == session.id, Call.state == CallState.ON_AIR))
    )
    return [perform(call, "end-air", user) for call in on_air]


def transfer(call: Call, user: User, three_way: bool) -> Call:
    """Hand an urgent matter to the unit's duty number (seed 001: within minutes)."""
    _require_live(call.session)
    if call.channel != Channel.PHONE or call.finished_at is not None:
        raise ApiError(409, "not_on_a_line", _("Only a caller on a phone line can be transferred."))
    # The unit the card routes the matter to is the one that must act; the on-air unit otherwise.
    unit = db.session.get(Unit, call.unit_id) if call.unit_id else call.session.unit
    target = unit.duty_phone
    if not target:
        raise ApiError(409, "no_duty_number", _("The unit has no duty number to transfer to."))
    mode = TransferMode.THREE_WAY if three_way else TransferMode.BLIND
    commands.send(call, CommandName.TRANSFER, target=target, mode=mode)
    return call


def reorder(session: AirSession, ordered_ids: list[int]) -> None:
    """Set the host's running order of ready callers (the ids in their new order)."""
    ready = {
        c.id: c
        for c in db.session.scalars(
            select(Call).where(Call.session_id == session.id, Call.state == CallState.READY)
        )
    }
    if set(ordered_ids) != set(ready) or len(ordered_ids) != len(ready):
        raise ApiError(409, "queue_changed", _("The list of ready callers changed meanwhile; try again."))
    for rank, call_id in enumerate(ordered_ids, start=1):
        ready[call_id].queue_rank = float(rank)
    _commit()
    for call_id in ordered_ids:
        realtime.publish_call(ready[call_id])


# --- hang-ups from the line server -------------------------------------------------------------


def line_ended(call: Call, reason: str) -> Call:
    """The caller's line went down (a system action; nothing to do for a call already finished)."""
    action = first_from(call, ("hang_up", "hang_up_on_air"))
    return call if action is None else perform(call, action.name, None, reason=reason)


# --- the clerk's record -----------------------------------------------------------------------------


RECORD_FIELDS = (
    "outcome",
    "answer",
    "answered_by_guest_id",
    "commitment_what",
    "commitment_due",
    "commitment_how",
    "satisfaction",
)


def save_record(call: Call, fields: dict[str, Any], version: int | None, user: User) -> AirRecord:
    if call.aired_at is None:
        raise ApiError(409, "not_aired", _("Only an aired call has an on-air answer to record."))
    record = call.air_record
    before = {field: getattr(record, field) for field in RECORD_FIELDS} if record else {}
    if record is None:
        record = AirRecord(call_id=call.id)
        db.session.add(record)
    elif version != record.version:
        raise ApiError(
            409,
            "conflict",
            _("Someone else changed this record meanwhile. Review it and save again."),
            {"current": record_json(record)},
        )
    for field in RECORD_FIELDS:
        if field in fields:
            setattr(record, field, fields[field])
    record.recorded_by_id = user.id
    record.updated_at = utcnow()
    _refresh_frozen_summary(call.session)
    _commit()
    db.session.refresh(call)
    realtime.publish_call(call)
    signals.record_saved.send(current_app._get_current_object(), call=call, before=before, actor=user)
    return record


# --- chat, block list ---------------------------------------------------------------------------


def post_chat(session: AirSession, user: User, seat: str, body: str) -> ChatMessage:
    message = ChatMessage(session_id=session.id, sender_id=user.id, seat=seat, body=body)
    db.session.add(message)
    _commit()
    realtime.publish_chat(message)
    return message


def block(number: str, reason: str, user: User) -> BlockedNumber:
    number = number.strip()
    if is_blocked(number):
        raise ApiError(409, "already_blocked", _("This number is already blocked."))
    entry = BlockedNumber(number=number, reason=reason, created_by_id=user.id)
    db.session.add(entry)
    _commit()
    realtime.publish_blocklist()
    return entry


def unblock(entry: BlockedNumber) -> None:
    db.session.delete(entry)
    _commit()
    realtime.publish_blocklist()


# --- the show itself ----------------------------------------------------------------------------


def go_live(session: AirSession) -> AirSession:
    if session.state != SessionState.SCHEDULED:
        raise ApiError(409, "illegal_transition", _("Only a scheduled session can go live."))
    other = db.session.scalar(select(AirSession).where(AirSession.state == SessionState.LIVE))
    if other is not None:
        raise ApiError(409, "another_live", _("Another session is live; end it first."))
    if session.air_date != clock.today() and not current_app.config.get("ALLOW_LIVE_ON_ANY_DATE"):
        raise ApiError(409, "not_today", _("A session goes live on its own air date."))
    session.state = SessionState.LIVE
    session.went_live_at = utcnow()
    _commit()
    realtime.publish_session(session)
    return session


def end_session(session: AirSession, actor: User | None = None) -> dict[str, Any]:
    """End the show; callers still on a line are let go, and the summary is frozen."""
    if session.state != SessionState.LIVE:
        raise ApiError(409, "illegal_transition", _("Only a live session can end."))
    release = ACTIONS["release"]
    open_calls = list(
        db.session.scalars(
            select(Call).where(Call.session_id == session.id, Call.state.in_(release.sources))
        )
    )
    for call in open_calls:
        perform(call, release.name, None, commit=False)
    session.state = SessionState.ENDED
    session.ended_at = utcnow()
    db.session.flush()
    session.summary = session_summary(session)
    _commit()
    realtime.publish_session(session)
    # Told only now that the end is committed: what was not settled on air goes to the units.
    signals.session_ended.send(current_app._get_current_object(), session=session, actor=actor)
    return session.summary


def _refresh_frozen_summary(session: AirSession) -> None:
    """The clerk may finish a record, or correct who attended, after the show ended: the frozen
    summary follows."""
    if session.state == SessionState.ENDED:
        db.session.flush()
        session.summary = session_summary(session)


def set_guest_present(guest: Guest, present: bool) -> Guest:
    guest.present = present
    _refresh_frozen_summary(guest.session)
    _commit()
    realtime.publish_session(guest.session)
    return guest
