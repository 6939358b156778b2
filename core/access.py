"""Who may do what: named permissions granted to roles, one ``may()`` to ask, one decorator for
views and one Jinja global for pages; and the seats of a live show with the roles that may sit at
each (``may_sit``, which also keeps an official to the official's own unit).

A route, a page's navigation and a script all ask by the permission's name, never by a list of
roles, so a role's reach is changed here and nowhere else. An administrator may do everything.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.accounts import Role
from core.api import ApiError, wants_json
from core.extensions import login_manager


class Permission(enum.StrEnum):
    PLAN = "plan"  # edit programmes, units, sessions and the schedule
    SUMMARIES = "summaries"  # read a show's summary
    UNIT_DESK = "unit_desk"  # the unit's own cases
    OVERSIGHT_DESK = "oversight_desk"  # every unit's cases, filtered and exported
    CASES = "cases"  # the cases entry of the navigation, whichever desk it leads to
    MANAGE_CASES = "manage_cases"  # bulk notices, extension decisions, deadline policy
    CONVERT = "convert"  # make a call a case
    CALLBACKS = "callbacks"  # the callback desk
    SCORES = "scores"  # unit scores, ranking and hot topics
    COLUMN = "column"  # pick cases for the newspaper column
    PUBLISH = "publish"  # review and approve the public (masked) text of an answered case
    USERS = "users"  # who may log in, and as what
    BLOCK_NUMBERS = "block_numbers"  # the block list, which belongs to no one show
    RECORDINGS = "recordings"  # hear a call's on-air recordings (the studio and the office)


GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.PLAN: frozenset({Role.OVERSIGHT}),
    Permission.SUMMARIES: frozenset({Role.PRODUCER, Role.HOST, Role.CLERK, Role.OVERSIGHT}),
    Permission.UNIT_DESK: frozenset({Role.UNIT_HANDLER, Role.UNIT_REVIEWER, Role.OFFICIAL}),
    Permission.OVERSIGHT_DESK: frozenset({Role.OVERSIGHT, Role.PRODUCER, Role.HOST, Role.CLERK}),
    Permission.CASES: frozenset(Role) - {Role.CALLBACK_AGENT},
    Permission.MANAGE_CASES: frozenset({Role.OVERSIGHT}),
    Permission.CONVERT: frozenset({Role.OVERSIGHT, Role.PRODUCER, Role.HOST, Role.CLERK}),
    Permission.CALLBACKS: frozenset({Role.CALLBACK_AGENT, Role.OVERSIGHT}),
    Permission.SCORES: frozenset({Role.OVERSIGHT, Role.UNIT_HANDLER, Role.UNIT_REVIEWER, Role.OFFICIAL}),
    Permission.COLUMN: frozenset({Role.OVERSIGHT, Role.PRODUCER}),
    # The station's editors: what the public page and the column print is theirs to approve.
    Permission.PUBLISH: frozenset({Role.OVERSIGHT, Role.PRODUCER}),
    Permission.USERS: frozenset(),
    Permission.BLOCK_NUMBERS: frozenset({Role.PRODUCER}),
    # The caller's own voice, number and all: the studio that aired it and the office that oversees
    # the cases. A unit has the matter in writing and the on-air answer; it does not hear the caller.
    Permission.RECORDINGS: frozenset({Role.PRODUCER, Role.HOST, Role.CLERK, Role.OVERSIGHT}),
}


def may(user: Any, permission: Permission | str) -> bool:
    """Whether ``user`` (a person, or Flask-Login's anonymous user) holds ``permission``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or user.role in GRANTS[Permission(permission)]


# The live seats of a session, each a page at /live/<session>/<seat>.
SEATS = ("producer", "host", "official", "clerk")

# Who may sit at which seat; an administrator may sit anywhere.
SEAT_ROLES: dict[str, set[Role]] = {
    "producer": {Role.PRODUCER},
    "host": {Role.HOST, Role.PRODUCER},
    "official": {Role.OFFICIAL, Role.HOST, Role.PRODUCER, Role.CLERK, Role.OVERSIGHT},
    "clerk": {Role.CLERK, Role.PRODUCER},
}


def sits_on_air(user: Any) -> bool:
    """Whether the person may sit at some seat of a show: the shows are then their start page."""
    return user.has_role(Role.ADMIN, *set().union(*SEAT_ROLES.values()))


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


F = TypeVar("F", bound=Callable[..., Any])


def requires(permission: Permission | None = None) -> Callable[[F], F]:
    """Let only logged-in people holding ``permission`` (any logged-in person for None) reach the
    view; others are sent to log in (401 for the API) or refused (403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if permission is not None and not may(current_user, permission):
                if wants_json():
                    raise ApiError(403, "forbidden", _l("Your role may not do this."))
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def init_app(app: Flask) -> None:
    @app.context_processor
    def _may() -> dict[str, Any]:
        return {
            "may": lambda permission: may(current_user, permission),
            "sits_on_air": lambda: sits_on_air(current_user),
        }
