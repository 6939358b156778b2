"""Commands to the line server: pick up, hold, ready, to air, drop, transfer.

Each command carries an id; the line server answers ``command_result`` with the same id, so a
command is idempotent and its failure reaches the seat that caused it. Calls that are not on a
line the system holds (web and hand-made cards) need no command.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app

from console.models import Call, Channel
from core.extensions import socketio
from telephony.protocol import NAMESPACE, Command, CommandName, Event

# The room the line server's connection joins: commands go to whichever line server is connected.
LINE_SERVER_ROOM = "line-server"


def send(call: Call, name: CommandName, **args: Any) -> str | None:
    """Tell the line server to do ``name`` with the call; returns the command id, or None when the
    call is not on a line (nothing to do)."""
    if call.channel != Channel.PHONE or not call.external_id or call.hangup_reason is not None:
        return None  # not on a line, or the line is already gone
    command_id = uuid.uuid4().hex
    pending = current_app.extensions.setdefault("pending_commands", {})
    pending[command_id] = {"card_id": call.id, "session_id": call.session_id, "name": name}
    command: Command = {"id": command_id, "name": name, "call_id": call.external_id, "args": args}
    socketio.emit(Event.COMMAND, command, to=LINE_SERVER_ROOM, namespace=NAMESPACE)
    return command_id
