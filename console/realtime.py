"""The seats' Socket.IO rooms: who may join which seat, the full state a seat gets on (re)joining,
and the events published after every committed change.

Rooms: ``s<id>`` holds every seat of session <id>; ``s<id>:<seat>`` one kind of seat. The
officials' screen gets masked cards, and each seat the actions it may take on a call, so calls are
published per seat room. ``seats`` holds every seat and ``producers`` every producer seat: the phone
lines and the block list belong to no one show, and a seat opened before its show goes live needs
them too.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import Namespace, join_room
from sqlalchemy import select

from broadcast.models import AirSession
from console.models import BlockedNumber, Call, ChatMessage, Line
from console.serialize import call_json
from core.access import SEATS, may_sit
from core.db import utcnow
from core.extensions import db, socketio

MASKED_SEATS = {"official"}
CHAT_HISTORY = 100
ALL_SEATS_ROOM = "seats"
ALL_PRODUCERS_ROOM = "producers"


def session_room(session_id: int) -> str:
    return f"s{session_id}"


def seat_room(session_id: int, seat: str) -> str:
    return f"s{session_id}:{seat}"


def line_capacity() -> dict[str, Any]:
    """What the line server said it can hold (set by the telephony link when it says hello)."""
    return current_app.extensions.get("line_capacity") or {"connected": False}


def snapshot(session: AirSession, seat: str) -> dict[str, Any]:
    """Everything a seat shows, so that a reconnecting seat simply starts over from it."""
    calls = db.session.scalars(select(Call).where(Call.session_id == session.id).order_by(Call.id))
    chat = list(
        db.session.scalars(
            select(ChatMessage)
            .where(ChatMessage.session_id == session.id)
            .order_by(ChatMessage.id.desc())
            .limit(CHAT_HISTORY)
        )
    )
    state: dict[str, Any] = {
        "session": session.to_json(),
        "seat": seat,
        "calls": [call_json(c, masked=seat in MASKED_SEATS, seat=seat) for c in calls],
        "lines": [line.to_json() for line in db.session.scalars(select(Line).order_by(Line.id))],
        "line_capacity": line_capacity(),
        "server_time": utcnow().isoformat(),
    }
    if seat in ("producer", "host"):
        state["chat"] = [m.to_json() for m in reversed(chat)]
    if seat == "producer":
        state["blocklist"] = [
            b.to_json() for b in db.session.scalars(select(BlockedNumber).order_by(BlockedNumber.number))
        ]
    return state


# --- publishing, always after the change is committed -------------------------------------------


def publish_call(call: Call) -> None:
    for seat in SEATS:
        payload = call_json(call, masked=seat in MASKED_SEATS, seat=seat)
        socketio.emit("call", payload, to=seat_room(call.session_id, seat))


def publish_session(session: AirSession) -> None:
    socketio.emit("session", session.to_json(), to=session_room(session.id))


def publish_chat(message: ChatMessage) -> None:
    for seat in ("producer", "host"):
        socketio.emit("chat", message.to_json(), to=seat_room(message.session_id, seat))


def publish_blocklist() -> None:
    items = [b.to_json() for b in db.session.scalars(select(BlockedNumber).order_by(BlockedNumber.number))]
    socketio.emit("blocklist", items, to=ALL_PRODUCERS_ROOM)


def publish_lines() -> None:
    lines = [line.to_json() for line in db.session.scalars(select(Line).order_by(Line.id))]
    socketio.emit("lines", {"lines": lines, "line_capacity": line_capacity()}, to=ALL_SEATS_ROOM)


def publish_notice(session_id: int, seat: str, kind: str, message: str) -> None:
    """A message for one kind of seat, e.g. a line server command that failed."""
    socketio.emit("notice", {"kind": kind, "message": message}, to=seat_room(session_id, seat))


class SeatNamespace(Namespace):
    """The seats' namespace (the default one): a seat joins its session's rooms and gets the snapshot."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        auth = auth or {}
        seat = str(auth.get("seat", ""))
        try:
            session_id = int(auth.get("session_id", 0))
        except (TypeError, ValueError):
            session_id = 0
        session = db.session.get(AirSession, session_id) if session_id else None
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("login_required")
        if session is None:
            raise ConnectionRefusedError("no_such_session")
        if not may_sit(current_user, seat, session):
            raise ConnectionRefusedError("seat_not_allowed")
        join_room(session_room(session_id))
        join_room(seat_room(session_id, seat))
        join_room(ALL_SEATS_ROOM)
        if seat == "producer":
            join_room(ALL_PRODUCERS_ROOM)
        socketio.emit("snapshot", snapshot(session, seat), to=request.sid)
