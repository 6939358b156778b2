"""Who may do what: the seats of a live show and the roles that may sit at each."""

from __future__ import annotations

from typing import Any, Protocol

from core.accounts import Role

# The live seats of a session, each a page at /live/<session>/<seat>.
SEATS = ("producer", "host", "official", "clerk")

# Who may sit at which seat; an administrator may sit anywhere.
SEAT_ROLES: dict[str, set[Role]] = {
    "producer": {Role.PRODUCER},
    "host": {Role.HOST, Role.PRODUCER},
    "official": {Role.OFFICIAL, Role.HOST, Role.PRODUCER, Role.CLERK, Role.OVERSIGHT},
    "clerk": {Role.CLERK, Role.PRODUCER},
}


class OnAirSession(Protocol):
    """An on-air session, as far as seat access needs it: whose hour it is."""

    unit_id: int


def may_sit(user: Any, seat: str, session: OnAirSession) -> bool:
    if seat not in SEAT_ROLES or not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(*SEAT_ROLES[seat]):
        return False
    # An official sees only the sessions of the official's own unit (none without a unit).
    return not user.has_role(Role.OFFICIAL) or user.unit_id == session.unit_id
