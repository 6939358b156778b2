"""The life of a call as one table of actions.

Each action names the states it may start from, the state it leads to, the seats that may take it
(none: a system action, taken by the line server's reports or by the end of the show), the
command it sends to the line server, and what happens on entering its target. ``console.flow.perform``
is the only way a call changes state, and ``available`` tells each seat which buttons to draw, so
the rules live here and nowhere else: not in a route, not in a page's script.

This module holds data and the steps on entering a state only; it publishes nothing and sends
nothing, so that the seats' rooms (``console.realtime``) can ask it what each seat may do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from console.models import Call, CallState, Channel
from core.accounts import User
from core.api import ApiError
from core.extensions import db
from telephony.protocol import CommandName

S = CallState
C = CommandName
MAX_ON_AIR = 2
# The state groups, defined once: a call still in the show, and one the show is done with.
OPEN = frozenset({S.WAITING, S.SCREENING, S.READY, S.ON_AIR, S.AFTER_AIR})
FINISHED = frozenset(S) - OPEN
# A call that has been on air is done however it ends; one that never was, abandoned.
AIRED = frozenset({S.ON_AIR, S.AFTER_AIR})
NOT_AIRED = OPEN - AIRED

# What happens on entering the target: (call still in its source state, acting user, now, the
# line server's reason for a hang-up). A step may refuse with an ApiError before changing anything.
Enter = Callable[[Call, User | None, datetime, str | None], None]


def _nothing(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    return None


def _needs_phone(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    # A caller on a phone line is put through to the producer's own phone; without one the line
    # server would ring nothing and the caller would hear hold audio while the producer waits for
    # a voice. Web and hand-made cards have no line, so they need no phone.
    if call.channel == Channel.PHONE and user is not None and not user.sip_extension:
        raise ApiError(
            409,
            "no_phone",
            _(
                "You have no phone set, so this caller cannot be put through to you. An administrator "
                "sets your SIP phone on the Users page (/admin/users)."
            ),
        )


def _screening(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    _needs_phone(call, user, now, reason)
    call.picked_at = call.picked_at or now
    call.screened_by_id = user.id if user is not None else None


def _ready(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    # The subject is what the host reads in the ready list and says on air: a phone card starts
    # without one, and the producer writes it while screening.
    if not (call.subject or "").strip():
        message = _("Write the subject before marking the caller ready: the host reads it on air.")
        raise ApiError(422, "no_subject", message, {"subject": message})
    top = db.session.scalar(
        select(func.max(Call.queue_rank)).where(Call.session_id == call.session_id, Call.state == S.READY)
    )
    call.ready_at = now
    call.queue_rank = (top or 0) + 1


def _on_air(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    on_air = db.session.scalar(
        select(func.count(Call.id)).where(Call.session_id == call.session_id, Call.state == S.ON_AIR)
    )
    if on_air >= MAX_ON_AIR:
        raise ApiError(409, "air_full", _("Two callers are on air already; end one first."))
    call.aired_at = now
    call.queue_rank = None


def _after_air(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    # Off the air but still on the line: the segment's time on air ends here, the call does not.
    call.air_ended_at = now


def _finish(call: Call, user: User | None, now: datetime, reason: str | None) -> None:
    """The one place a call is finished, however it ends: by a seat, a hang-up or the show's end."""
    if call.state == S.ON_AIR:
        call.air_ended_at = now
    call.finished_at = now
    call.queue_rank = None
    if reason is not None:
        call.hangup_reason = reason


def _no_args(user: User | None) -> dict[str, Any]:
    return {}


def _ring_producer(user: User | None) -> dict[str, Any]:
    # The line server rings the producer's own phone to put the caller through to it.
    extension = user.sip_extension if user is not None else None
    return {"extension": extension} if extension else {}


@dataclass(frozen=True)
class CallAction:
    name: str  # also the last part of its URL, POST /api/calls/<id>/<name>
    sources: frozenset[CallState]
    target: CallState
    seats: frozenset[str]  # empty: a system action, which no seat may take
    command: CommandName | None = None  # sent to the line server after the change is committed
    enter: Enter = _nothing
    command_args: Callable[[User | None], dict[str, Any]] = field(default=_no_args)

    @property
    def system(self) -> bool:
        return not self.seats


PRODUCER = frozenset({"producer"})
HOST = frozenset({"host"})
SYSTEM: frozenset[str] = frozenset()

ACTIONS: dict[str, CallAction] = {
    action.name: action
    for action in (
        CallAction("pickup", frozenset({S.WAITING, S.READY}), S.SCREENING, PRODUCER, C.PICK_UP, _screening,
                   _ring_producer),
        CallAction("hold", frozenset({S.SCREENING}), S.WAITING, PRODUCER, C.HOLD),
        CallAction("ready", frozenset({S.WAITING, S.SCREENING}), S.READY, PRODUCER, C.READY, _ready),
        CallAction("finish", OPEN, S.DONE, PRODUCER, C.DROP, _finish),
        CallAction("air", frozenset({S.READY}), S.ON_AIR, HOST, C.TO_AIR, _on_air),
        # As broadcast screeners do, a caller whose segment ends goes back to the producer, held,
        # to confirm the details and be asked the satisfaction with the on-air answer; the host
        # may hang up instead.
        CallAction("end-air", frozenset({S.ON_AIR}), S.AFTER_AIR, HOST, C.HOLD, _after_air),
        CallAction("end-air-hang-up", frozenset({S.ON_AIR}), S.DONE, HOST, C.DROP, _finish),
        # The producer talks to the caller after air on their own phone; the card stays after air
        # (putting the phone down puts the caller back on hold audio).
        CallAction("pickup-after-air", frozenset({S.AFTER_AIR}), S.AFTER_AIR, PRODUCER, C.PICK_UP,
                   _needs_phone, _ring_producer),
        # The caller's line went down: abandoned while waiting, done if the call had been on air.
        CallAction("hang_up", NOT_AIRED, S.ABANDONED, SYSTEM, None, _finish),
        CallAction("hang_up_on_air", AIRED, S.DONE, SYSTEM, None, _finish),
        # The show ended: callers still on a line are let go.
        CallAction("release", OPEN, S.DONE, SYSTEM, C.DROP, _finish),
    )
}  # fmt: skip


def seat_action(name: str) -> CallAction | None:
    """The action a seat asks for by name; a system action is no seat's to ask for."""
    action = ACTIONS.get(name)
    return action if action is not None and not action.system else None


def first_from(call: Call, names: tuple[str, ...]) -> CallAction | None:
    """Of the system actions ``names``, the one that starts from the call's state (None: none does)."""
    return next((ACTIONS[n] for n in names if call.state in ACTIONS[n].sources), None)


def state_groups() -> dict[str, list[str]]:
    """The groups for the seats' pages, each in the order of a call's life."""
    return {
        "open": [state.value for state in S if state in OPEN],
        "finished": [state.value for state in S if state in FINISHED],
    }


def available(call: Call, seat: str) -> list[str]:
    """The actions ``seat`` may take on the call in its present state (whether the show is live is
    the session's own fact, which the seat knows)."""
    return [a.name for a in ACTIONS.values() if seat in a.seats and call.state in a.sources]
