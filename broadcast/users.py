"""User administration for the administrator: who may log in, with which role, for which unit,
and (for producers) which SIP phone the line server rings on pick-up.

It lives with the plan, not in core, because a person belongs to one of the plan's units."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, jsonify, render_template
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select

from broadcast.models import Unit
from core.access import Permission, requires
from core.accounts import UNIT_ROLES, Role, User, create_user
from core.api import ApiError, commit_or_conflict, get_or_404, listing, parse
from core.extensions import db
from core.labels import choices

bp = Blueprint("users", __name__)

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
SipUri = Annotated[str, StringConstraints(strip_whitespace=True, max_length=128, pattern=r"^(sips?:\S+)?$")]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: Name
    password: Password
    role: Role
    unit_id: int | None = None
    sip_extension: SipUri | None = None


class UserChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Name | None = None
    password: Password | None = None
    role: Role | None = None
    unit_id: int | None = None
    sip_extension: SipUri | None = None
    active: bool | None = None


def _check_unit(role: Role, unit_id: int | None) -> None:
    """Unit roles see only their unit's matters, so they must belong to one."""
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise ApiError(422, "invalid", _("Some fields are not valid."), {"unit_id": _("No such unit.")})
    if role in UNIT_ROLES and unit_id is None:
        raise ApiError(
            422, "invalid", _("Some fields are not valid."), {"unit_id": _("This role belongs to a unit.")}
        )


@bp.get("/admin/users")
@requires(Permission.USERS)
def page() -> Any:
    units = db.session.scalars(select(Unit).order_by(Unit.name)).all()
    return render_template(
        "admin/users.html", units=[{"id": u.id, "name": u.name} for u in units], roles=choices(Role)
    )


@bp.get("/api/users")
@requires(Permission.USERS)
def list_users() -> Any:
    users = db.session.scalars(select(User).order_by(User.id))
    return listing([u.to_json() | {"active": u.active} for u in users])


@bp.post("/api/users")
@requires(Permission.USERS)
def add_user() -> Any:
    body = parse(NewUser)
    _check_unit(body.role, body.unit_id)
    try:
        user = create_user(
            body.username,
            body.password,
            body.role,
            body.display_name,
            body.unit_id,
            body.sip_extension or None,
        )
    except ValueError:
        raise ApiError(409, "exists", _("This username is taken.")) from None
    return jsonify(user.to_json() | {"active": user.active}), 201


@bp.patch("/api/users/<int:user_id>")
@requires(Permission.USERS)
def change_user(user_id: int) -> Any:
    user = get_or_404(User, user_id)
    changes = parse(UserChanges).model_dump(exclude_unset=True)
    if user.id == current_user.id and (
        changes.get("active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN
    ):
        raise ApiError(
            409, "self_lockout", _("You cannot disable yourself or take away your own admin role.")
        )
    role = changes.get("role", user.role)
    _check_unit(role, changes.get("unit_id", user.unit_id))
    if "password" in changes:
        user.set_password(changes.pop("password"))
    for field, value in changes.items():
        setattr(user, field, value)
    commit_or_conflict()
    return jsonify(user.to_json() | {"active": user.active})
