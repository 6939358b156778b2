"""The console's side of the line server protocol (docs/api.md, "Line server protocol").

The line server connects as a Socket.IO client to the ``/telephony`` namespace with the shared
secret. It reports calls and lines; the console answers ``call_offered`` with whether to take the
call, and sends commands (see console/commands.py). On every (re)connect the line server says
``hello`` with all it holds and what it can hold (lines, recording disk), so the console's view is
rebuilt from it; while it is away every line shows as down and every card stays. Each on-air
segment's recording is reported once its WAV is complete and listed on the call's card.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_socketio import Namespace, join_room
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from broadcast.models import AirSession, SessionState
from console import flow, realtime
from console.call_actions import OPEN
from console.commands import LINE_SERVER_ROOM
from console.models import Call, Channel, Line, Recording
from core.db import utcnow
from core.extensions import db
from telephony.protocol import (
    BAD_SECRET,
    CAPACITY_FIELDS,
    CallEnded,
    CallOffered,
    CommandResult,
    HangupReason,
    Hello,
    LineState,
    LineStatus,
    OfferAnswer,
    OfferRefusal,
    RecordingError,
    RecordingReport,
)


def _set_capacity(connected: bool, reported: dict[str, Any] | None = None) -> None:
    info = {key: value for key, value in (reported or {}).items() if key in CAPACITY_FIELDS}
    current_app.extensions["line_capacity"] = {**info, "connected": connected}


def _live_session() -> AirSession | None:
    return db.session.scalar(select(AirSession).where(AirSession.state == SessionState.LIVE))


def _call(line_call_id: Any) -> Call | None:
    """The card of the call the line server calls ``line_call_id``."""
    return db.session.scalar(select(Call).where(Call.external_id == str(line_call_id)))


def _set_line(name: str, state: str, line_call_id: str | None) -> None:
    line = db.session.scalar(select(Line).where(Line.name == name))
    if line is None:
        line = Line(name=name)
        db.session.add(line)
    line.state = LineState(state)
    line.call_external_id = line_call_id
    line.updated_at = utcnow()


def _started_at(value: Any) -> datetime:
    started = datetime.fromisoformat(str(value))
    return started if started.tzinfo else started.replace(tzinfo=UTC)  # the protocol speaks UTC


class LineServerNamespace(Namespace):
    """The ``/telephony`` namespace: each ``on_<event>`` answers one event the line server sends
    (telephony.protocol.Event)."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        secret = str((auth or {}).get("secret", ""))
        if not hmac.compare_digest(secret.encode(), current_app.config["TELEPHONY_SECRET"].encode()):
            raise ConnectionRefusedError(BAD_SECRET)
        join_room(LINE_SERVER_ROOM)

    def on_hello(self, data: Hello) -> dict[str, Any]:
        """The line server's full state; anything the console thought was on a line but is not
        there any more has been lost (e.g. the line server crashed) and is shown as such."""
        lines = data.get("lines", [])
        held = {str(c["call_id"]) for c in data.get("calls", [])}
        names = {str(line["name"]) for line in lines}
        for line in lines:
            _set_line(str(line["name"]), line.get("state", LineState.IDLE), line.get("call_id"))
        for stale in db.session.scalars(select(Line).where(Line.name.not_in(names))):
            db.session.delete(stale)
        db.session.commit()
        lost = db.session.scalars(
            select(Call).where(
                Call.channel == Channel.PHONE,
                Call.external_id.is_not(None),
                Call.hangup_reason.is_(None),
                Call.state.in_(OPEN),
            )
        )
        for call in lost:
            if call.external_id not in held:
                flow.line_ended(call, HangupReason.LOST)
        _set_capacity(True, data.get("capacity"))
        realtime.publish_lines()
        return {"ok": True}

    def on_call_offered(self, data: CallOffered) -> OfferAnswer:
        """Before answering, the line server asks whether to take the call (block list, live show)."""
        line_call_id = str(data["call_id"])
        existing = _call(line_call_id)
        if existing is not None:  # the same offer again (a retry): same answer
            return {"accept": True, "card_id": existing.id}
        number = str(data.get("caller_number") or "")
        if flow.is_blocked(number):
            return {"accept": False, "reason": OfferRefusal.BLOCKED}
        session = _live_session()
        if session is None:
            return {"accept": False, "reason": OfferRefusal.NO_LIVE_SESSION}
        call = flow.create_call(
            session,
            Channel.PHONE,
            external_id=line_call_id,
            line=str(data.get("line") or ""),
            caller_number=number or None,
        )
        return {"accept": True, "card_id": call.id}

    def on_capacity(self, data: dict[str, Any]) -> None:
        """The line server's periodic report: lines it can hold and disk left for recordings."""
        _set_capacity(True, data)
        realtime.publish_lines()

    def on_line_status(self, data: LineStatus) -> None:
        _set_line(str(data["name"]), data["state"], data.get("call_id"))
        db.session.commit()
        realtime.publish_lines()

    def on_call_ended(self, data: CallEnded) -> None:
        call = _call(data["call_id"])
        if call is not None:
            flow.line_ended(call, str(data.get("reason") or HangupReason.HANGUP))

    def on_recording(self, data: RecordingReport) -> dict[str, Any]:
        """A segment's recorder was closed: list the WAV on the call's card. The line server sends it
        again after a reconnect when unsure it arrived, so the same file is stored once."""
        call = _call(data.get("call_id"))
        if call is None:
            return {"ok": False, "error": RecordingError.UNKNOWN_CALL}
        try:
            file_path = str(data["file"]).strip()
            started_at = _started_at(data["started_at"])
            duration = max(0.0, float(data.get("duration_seconds") or 0))
        except (KeyError, TypeError, ValueError):
            return {"ok": False, "error": RecordingError.INVALID}
        if not file_path:
            return {"ok": False, "error": RecordingError.INVALID}
        if db.session.scalar(select(Recording.id).where(Recording.file_path == file_path)) is not None:
            return {"ok": True}  # listed already
        db.session.add(
            Recording(call_id=call.id, file_path=file_path, started_at=started_at, duration_seconds=duration)
        )
        try:
            db.session.commit()
        except IntegrityError:  # the same report, stored by another worker at this very moment
            db.session.rollback()
            return {"ok": True}
        realtime.publish_call(call)
        return {"ok": True}

    def on_command_result(self, data: CommandResult) -> None:
        pending = current_app.extensions.setdefault("pending_commands", {}).pop(data.get("id"), None)
        if pending and not data.get("ok"):
            message = _(
                "The line server could not %(command)s: %(error)s",
                command=pending["name"],
                error=data.get("error", ""),
            )
            realtime.publish_notice(pending["session_id"], "producer", "error", message)

    def on_disconnect(self, *_args: Any) -> None:
        for line in db.session.scalars(select(Line)):
            line.state = LineState.DOWN
            line.updated_at = utcnow()
        db.session.commit()
        _set_capacity(False)
        realtime.publish_lines()
