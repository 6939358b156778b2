"""People and roles: the user model, login and logout, role checks and the ``flask users`` CLI."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from core.api import ApiError, wants_json
from core.db import EnumText, UTCDateTime, utcnow
from core.extensions import db, login_manager
from core.labels import register


class Role(enum.StrEnum):
    ADMIN = "admin"
    OVERSIGHT = "oversight"
    PRODUCER = "producer"
    HOST = "host"
    OFFICIAL = "official"
    CLERK = "clerk"
    UNIT_HANDLER = "unit_handler"
    UNIT_REVIEWER = "unit_reviewer"
    CALLBACK_AGENT = "callback_agent"


register(
    Role,
    {
        Role.ADMIN: _l("Administrator"),
        Role.OVERSIGHT: _l("Oversight officer"),
        Role.PRODUCER: _l("Producer"),
        Role.HOST: _l("Host"),
        Role.OFFICIAL: _l("On-air official"),
        Role.CLERK: _l("Clerk"),
        Role.UNIT_HANDLER: _l("Unit handler"),
        Role.UNIT_REVIEWER: _l("Unit reviewer"),
        Role.CALLBACK_AGENT: _l("Callback agent"),
    },
)

# Roles that belong to one unit and see only that unit's matters.
UNIT_ROLES = {Role.UNIT_HANDLER, Role.UNIT_REVIEWER, Role.OFFICIAL}
# Roles of the office and the station, who see every unit's follow-up cases.
STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.OVERSIGHT, Role.CALLBACK_AGENT, Role.PRODUCER, Role.HOST, Role.CLERK}
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    noun: ClassVar[Any] = _l("User")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(EnumText(Role, 32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The producer's own phone: the line server bridges a caller here on pick-up.
    sip_extension: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        if len(password) < 8:
            raise ValueError("password must be at least 8 characters")
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in roles

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "unit_id": self.unit_id,
            "sip_extension": self.sip_extension,
        }


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    if wants_json():
        raise ApiError(401, "login_required", _l("Please log in."))
    return redirect(url_for("auth.login", next=request.full_path))


bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if user and user.active and user.check_password(form.password.data or ""):
            login_user(user, remember=True)
            target = request.args.get("next", "")
            # Only follow local paths, never an absolute URL someone slipped into ?next=. Browsers
            # drop tabs and newlines from a URL and read a backslash as a slash: "/<tab>/x.org" is off-site.
            local = target.startswith("/") and not target.startswith("//")
            if not local or "\\" in target or not target.isprintable():
                target = url_for("console.home")
            return redirect(target)
        flash(_l("Wrong username or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    logout_user()
    return redirect(url_for("auth.login"))


def create_user(
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    unit_id: int | None = None,
    sip_extension: str | None = None,
) -> User:
    if db.session.scalar(select(User).where(User.username == username)):
        raise ValueError(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        unit_id=unit_id,
        sip_extension=sip_extension,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


users_cli = click.Group("users", help="Create and list console users.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "display_name", help="Name shown on the seats.")
@click.option("--unit-id", type=int, help="The unit of a unit handler, reviewer or official.")
@click.option("--sip-extension", help="A producer's own SIP phone, e.g. sip:201@127.0.0.1:5080.")
@click.password_option()
def create_command(
    username: str,
    role: str,
    display_name: str | None,
    unit_id: int | None,
    sip_extension: str | None,
    password: str,
) -> None:
    """Create a user with a role."""
    try:
        create_user(username, password, Role(role), display_name, unit_id, sip_extension)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} {username}")


@users_cli.command("create-admin")
@click.argument("username", default="admin")
@click.password_option()
def create_admin_command(username: str, password: str) -> None:
    """Create the first administrator."""
    try:
        create_user(username, password, Role.ADMIN, "Administrator")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created admin {username}")


@users_cli.command("list")
def list_command() -> None:
    """List users and their roles."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id:4} {user.username:20} {user.role:15} {'active' if user.active else 'disabled'}")
