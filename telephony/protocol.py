"""The words of the line server protocol (docs/api.md, "Line server protocol"), spelt once for both
ends: the line server (telephony/) and the console (console/commands.py, console/telephony_link.py).

Standard library only, so that the console imports it without pjsua2 or anything else of the line
server, and the line server without anything of the console. The words are ``StrEnum`` members:
each is the very string on the wire. The messages are ``TypedDict``s naming their fields.

Two ids of a call cross the wire: the line server's own id, always the field ``call_id`` (the
console keeps it as ``Call.external_id``), and the console's card id, ``card_id`` (the line server
keeps it only to name recordings). Neither side uses one name for the other's id.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NotRequired, TypedDict

NAMESPACE = "/telephony"  # the Socket.IO namespace the line server connects to
BAD_SECRET = "bad_secret"  # the console's refusal of a connection with the wrong secret


class Event(StrEnum):
    """The Socket.IO events of the namespace."""

    # line server -> console
    HELLO = "hello"
    CALL_OFFERED = "call_offered"
    CAPACITY = "capacity"
    LINE_STATUS = "line_status"
    CALL_ENDED = "call_ended"
    COMMAND_RESULT = "command_result"
    RECORDING = "recording"
    # console -> line server
    COMMAND = "command"


class CommandName(StrEnum):
    """What the console tells the line server to do with a call."""

    PICK_UP = "pick_up"
    HOLD = "hold"
    READY = "ready"
    TO_AIR = "to_air"
    DROP = "drop"
    TRANSFER = "transfer"


class TransferMode(StrEnum):
    BLIND = "blind"  # SIP REFER: the line server lets go of the caller
    THREE_WAY = "three_way"  # the line server calls the target and bridges the two


class LineState(StrEnum):
    """A line's state; a line with a caller on it is in the caller's state."""

    IDLE = "idle"
    RINGING = "ringing"
    GREETING = "greeting"
    WAITING = "waiting"
    WITH_PRODUCER = "with_producer"
    READY = "ready"
    ON_AIR = "on_air"
    HELD = "held"
    DOWN = "down"  # only the console says it: the line server is not connected


class OfferRefusal(StrEnum):
    """Why the console does not take an offered call."""

    BLOCKED = "blocked"  # the line server declines it with 603
    NO_LIVE_SESSION = "no_live_session"


class HangupReason(StrEnum):
    """Why a call ended, as the console stores it on the card (``hangup_reason``)."""

    # sent by the line server in call_ended
    CALLER_HANGUP = "caller_hangup"
    CANCEL = "cancel"  # the caller gave up while it was ringing
    DROPPED = "dropped"  # the console's drop command
    TRANSFERRED = "transferred"
    REJECTED = "rejected"
    SHUTDOWN = "shutdown"  # the line server was stopped
    # the console's own
    HANGUP = "hangup"  # call_ended without a reason
    LOST = "lost"  # the line server's hello no longer holds the call


class RecordingError(StrEnum):
    """The console's refusal of a ``recording`` report."""

    UNKNOWN_CALL = "unknown_call"
    INVALID = "invalid"


# The fields of ``capacity`` (and hello's ``capacity``) the console passes on to the seats.
CAPACITY_FIELDS = ("max_calls", "build", "warning", "disk_free_bytes", "disk_warning")


class LineStatus(TypedDict):
    name: str
    state: LineState
    call_id: NotRequired[str]  # the line server's id of the call on the line


class CallOffered(TypedDict):
    call_id: str  # the line server's id
    line: str
    caller_number: str


class OfferAnswer(TypedDict):
    accept: bool
    card_id: NotRequired[int]  # the console's id of the call's card, when accepted
    reason: NotRequired[OfferRefusal]


class CallEnded(TypedDict):
    call_id: str  # the line server's id
    reason: HangupReason


class RecordingReport(TypedDict):
    call_id: str  # the line server's id
    file: str
    started_at: str
    duration_seconds: float


class HeldCall(TypedDict):
    call_id: str  # the line server's id
    line: str
    caller_number: str
    state: LineState


class Hello(TypedDict):
    lines: list[LineStatus]
    calls: list[HeldCall]
    capacity: dict[str, Any]  # CAPACITY_FIELDS


class Command(TypedDict):
    id: str  # unique per command; the command_result answers it
    name: CommandName
    call_id: str  # the line server's id of the call, never the console's card id
    args: dict[str, Any]


class CommandResult(TypedDict):
    id: str
    ok: bool
    error: NotRequired[str]
