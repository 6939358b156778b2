"""The desks' Socket.IO namespace ``/desks``: a desk hears that a case changed and reloads it
through the API, which applies the usual visibility rules.

Rooms: ``unit:<id>`` holds the people of one unit (handlers, reviewers, its on-air officials);
``staff`` holds the oversight office, administrators, callback agents and the station's seats
(producer, host, clerk), who may see every case. ``publish_case`` tells ``staff`` and the rooms of
the case's lead and assisting units only, so a unit never hears of another unit's case. The event
carries no more than the id, number, state and lead unit; the desk fetches the rest.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import Namespace, join_room

from core.accounts import STAFF_ROLES, UNIT_ROLES
from core.extensions import socketio
from followup.models import Case

NAMESPACE = "/desks"
STAFF_ROOM = "staff"


def unit_room(unit_id: int) -> str:
    return f"unit:{unit_id}"


def rooms_of(user: Any) -> list[str]:
    """The rooms a logged-in person joins; none for a unit's person without a unit."""
    if user.role in UNIT_ROLES:
        return [unit_room(user.unit_id)] if user.unit_id is not None else []
    if user.role in STAFF_ROLES:
        return [STAFF_ROOM]
    return []


def case_rooms(case: Case) -> list[str]:
    units = {case.unit_id, *(assist.unit_id for assist in case.assisting)}
    return [STAFF_ROOM, *(unit_room(unit_id) for unit_id in sorted(units))]


def publish_case(case: Case, rooms_before: list[str] | None = None) -> None:
    """Tell the desks that may see ``case`` that it changed; called after the change is committed.
    A unit that saw the case before (``rooms_before``) and no longer does, after a reassignment,
    is told only that it is gone: its id, nothing of the new unit's case."""
    payload = {"id": case.id, "number": case.number, "state": str(case.state), "unit_id": case.unit_id}
    rooms = case_rooms(case)
    for room in rooms:
        socketio.emit("case_changed", payload, to=room, namespace=NAMESPACE)
    for room in set(rooms_before or []) - set(rooms):
        socketio.emit("case_gone", {"id": case.id}, to=room, namespace=NAMESPACE)


class DeskNamespace(Namespace):
    """The desks' namespace ``/desks``: a person joins the rooms of the cases they may see."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("login_required")
        rooms = rooms_of(current_user)
        if not rooms:
            raise ConnectionRefusedError("no_desk")
        for room in rooms:
            join_room(room)
