"""The planning JSON API: programmes, units with their sections and contacts, on-air sessions with
their guests, prepared material and Q&A, and the yearly schedule import.

Writes need the oversight role (admin always passes). Any logged-in seat may read programmes,
units and sessions: the live seats need the unit's sections and the session's plan. Going live
and ending a session belong to the console (console/api.py), not here.

Conventions: bodies are validated by pydantic (422 lists every bad field), unknown ids answer 404,
a name already taken answers 409, creation answers 201 with the object, deletion 204.
"""

from __future__ import annotations

from copy import copy
from datetime import date, time
from typing import Any, TypeVar

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from broadcast.models import (
    AirSession,
    ContactRole,
    Guest,
    Material,
    MaterialKind,
    PreparedAnswer,
    Programme,
    Section,
    SessionState,
    Unit,
    UnitContact,
)
from broadcast.schedule import ScheduleError, ScheduleFileError, import_schedule, scheduled_on
from broadcast.signals import reason_to_keep
from core.access import Permission, requires
from core.accounts import User
from core.api import ApiError, commit_or_conflict, get_or_404, invalid, listing, parse
from core.extensions import db

bp = Blueprint("broadcast_api", __name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

WRITE = requires(Permission.PLAN)
READ = requires()

# --- Bodies ----------------------------------------------------------------------------------


class Body(BaseModel):
    # A misspelt field is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Body):
    """Marks a PATCH body: apply() copies only the fields the client sent."""


def partial(model: type[M]) -> type[M]:
    """The same body with every field optional, for PATCH: only the fields sent are changed.

    ``null`` stays invalid for a field that cannot be empty, because defaults are not validated.
    """
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        loose = copy(info)
        loose.default, loose.default_factory = None, None
        fields[name] = (info.annotation, loose)
    return create_model(f"{model.__name__}Patch", __base__=(model, Patch), **fields)


def required(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length)


def optional(max_length: int) -> Any:
    return Field("", max_length=max_length)


class ProgrammeIn(Body):
    name: str = required(128)
    station: str = optional(128)
    frequency: str = optional(32)
    time_slot: str = optional(64)


class UnitIn(Body):
    name: str = required(128)
    short_name: str = optional(32)
    duty_phone: str = optional(128)


class SectionIn(Body):
    name: str = required(128)


class ContactIn(Body):
    role: ContactRole
    name: str = required(64)
    title: str = optional(64)
    phone: str = optional(32)
    email: str = Field("", max_length=128, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")


class GuestIn(Body):
    name: str = required(64)
    title: str = optional(128)
    is_head: bool = False
    present: bool = True


class MaterialIn(Body):
    kind: MaterialKind
    title: str = required(256)
    body: str = optional(20000)


class AnswerIn(Body):
    question: str = required(2000)
    answer: str = optional(20000)


class SessionEdit(Body):
    unit_id: int
    air_date: date
    start_time: time
    end_time: time
    topic: str = optional(256)


class SessionIn(SessionEdit):
    programme_id: int
    guests: list[GuestIn] = []


class SessionQuery(Body):
    model_config = ConfigDict(extra="ignore")
    on: date | None = Field(None, alias="date")
    since: date | None = Field(None, alias="from")
    until: date | None = Field(None, alias="to")
    unit_id: int | None = None
    programme_id: int | None = None


class ImportForm(Body):
    model_config = ConfigDict(extra="ignore")
    programme_id: int
    create_units: bool = False


ProgrammePatch = partial(ProgrammeIn)
UnitPatch = partial(UnitIn)
SectionPatch = partial(SectionIn)
ContactPatch = partial(ContactIn)
GuestPatch = partial(GuestIn)
MaterialPatch = partial(MaterialIn)
AnswerPatch = partial(AnswerIn)
SessionPatch = partial(SessionEdit)

# --- Helpers ---------------------------------------------------------------------------------


def apply(obj: T, body: BaseModel) -> T:
    """Copy the body's fields onto ``obj``: all of them, or for a PATCH only those sent."""
    for name, value in body.model_dump(exclude_unset=isinstance(body, Patch)).items():
        setattr(obj, name, value)
    return obj


def conflict(message: str, field: str | None = None) -> ApiError:
    return ApiError(409, "conflict", message, {field: message} if field else None)


def refuse_if(count_query: Select[Any], message: str) -> None:
    """409 when the count query finds anything that still depends on the object."""
    if db.session.scalar(count_query):
        raise conflict(message)


def refuse_if_referred_to(row: Any) -> None:
    """409 when a package above the plan still has rows that refer to ``row``."""
    reason = reason_to_keep(row)
    if reason:
        raise conflict(reason)


def created(obj: Any) -> tuple[Any, int]:
    db.session.add(obj)
    commit_or_conflict()
    return jsonify(obj.to_json()), 201


def saved(obj: Any) -> Any:
    commit_or_conflict()
    return jsonify(obj.to_json())


def deleted(obj: Any) -> tuple[str, int]:
    db.session.delete(obj)
    commit_or_conflict()
    return "", 204


def count(model: Any, *where: Any) -> Select[Any]:
    return select(func.count()).select_from(model).where(*where)


# --- Programmes ------------------------------------------------------------------------------


def programmes_json() -> list[dict[str, Any]]:
    return [p.to_json() for p in db.session.scalars(select(Programme).order_by(Programme.id))]


@bp.get("/api/programmes")
@READ
def list_programmes() -> Any:
    return listing(programmes_json())


@bp.post("/api/programmes")
@WRITE
def create_programme() -> Any:
    return created(apply(Programme(), parse(ProgrammeIn)))


@bp.patch("/api/programmes/<int:programme_id>")
@WRITE
def update_programme(programme_id: int) -> Any:
    return saved(apply(get_or_404(Programme, programme_id), parse(ProgrammePatch)))


@bp.delete("/api/programmes/<int:programme_id>")
@WRITE
def delete_programme(programme_id: int) -> Any:
    programme = get_or_404(Programme, programme_id)
    refuse_if(
        count(AirSession, AirSession.programme_id == programme.id),
        _("The programme has sessions; delete or move them first."),
    )
    return deleted(programme)


# --- Units, sections, contacts ---------------------------------------------------------------


def units_json() -> list[dict[str, Any]]:
    query = select(Unit).options(selectinload(Unit.sections), selectinload(Unit.contacts)).order_by(Unit.name)
    return [u.to_json() for u in db.session.scalars(query)]


def _unique_unit_name(name: str | None, unit_id: int | None = None) -> None:
    if name is None:
        return
    query = select(Unit.id).where(Unit.name == name, Unit.id != unit_id)
    if db.session.scalar(query) is not None:
        raise conflict(_("A unit named %(name)s already exists.", name=name), "name")


def _unique_section_name(unit_id: int, name: str | None, section_id: int | None = None) -> None:
    if name is None:
        return
    query = select(Section.id).where(
        Section.unit_id == unit_id, Section.name == name, Section.id != section_id
    )
    if db.session.scalar(query) is not None:
        raise conflict(_("The unit already has a section named %(name)s.", name=name), "name")


@bp.get("/api/units")
@READ
def list_units() -> Any:
    return listing(units_json())


@bp.post("/api/units")
@WRITE
def create_unit() -> Any:
    body = parse(UnitIn)
    _unique_unit_name(body.name)
    return created(apply(Unit(), body))


@bp.get("/api/units/<int:unit_id>")
@READ
def get_unit(unit_id: int) -> Any:
    return jsonify(get_or_404(Unit, unit_id).to_json())


@bp.patch("/api/units/<int:unit_id>")
@WRITE
def update_unit(unit_id: int) -> Any:
    unit = get_or_404(Unit, unit_id)
    body = parse(UnitPatch)
    _unique_unit_name(body.name, unit.id)
    return saved(apply(unit, body))


@bp.delete("/api/units/<int:unit_id>")
@WRITE
def delete_unit(unit_id: int) -> Any:
    unit = get_or_404(Unit, unit_id)
    refuse_if(
        count(AirSession, AirSession.unit_id == unit.id), _("The unit has sessions; delete them first.")
    )
    refuse_if_referred_to(unit)
    refuse_if(count(User, User.unit_id == unit.id), _("Users belong to this unit; move them first."))
    return deleted(unit)


@bp.post("/api/units/<int:unit_id>/sections")
@WRITE
def create_section(unit_id: int) -> Any:
    unit = get_or_404(Unit, unit_id)
    body = parse(SectionIn)
    _unique_section_name(unit.id, body.name)
    return created(apply(Section(unit=unit), body))


@bp.patch("/api/sections/<int:section_id>")
@WRITE
def update_section(section_id: int) -> Any:
    section = get_or_404(Section, section_id)
    body = parse(SectionPatch)
    _unique_section_name(section.unit_id, body.name, section.id)
    return saved(apply(section, body))


@bp.delete("/api/sections/<int:section_id>")
@WRITE
def delete_section(section_id: int) -> Any:
    section = get_or_404(Section, section_id)
    refuse_if_referred_to(section)
    return deleted(section)


@bp.post("/api/units/<int:unit_id>/contacts")
@WRITE
def create_contact(unit_id: int) -> Any:
    return created(apply(UnitContact(unit=get_or_404(Unit, unit_id)), parse(ContactIn)))


@bp.patch("/api/contacts/<int:contact_id>")
@WRITE
def update_contact(contact_id: int) -> Any:
    return saved(apply(get_or_404(UnitContact, contact_id), parse(ContactPatch)))


@bp.delete("/api/contacts/<int:contact_id>")
@WRITE
def delete_contact(contact_id: int) -> Any:
    return deleted(get_or_404(UnitContact, contact_id))


# --- Sessions --------------------------------------------------------------------------------


def sessions_json(query: SessionQuery) -> list[dict[str, Any]]:
    stmt = (
        select(AirSession)
        .options(
            selectinload(AirSession.programme), selectinload(AirSession.unit), selectinload(AirSession.guests)
        )
        .order_by(AirSession.air_date, AirSession.start_time, AirSession.id)
    )
    filters = [
        (query.on, AirSession.air_date.__eq__),
        (query.since, AirSession.air_date.__ge__),
        (query.until, AirSession.air_date.__le__),
        (query.unit_id, AirSession.unit_id.__eq__),
        (query.programme_id, AirSession.programme_id.__eq__),
    ]
    for value, condition in filters:
        if value is not None:
            stmt = stmt.where(condition(value))
    return [s.to_json() for s in db.session.scalars(stmt)]


def plan_json(session: AirSession) -> dict[str, Any]:
    return {
        **session.to_json(),
        "materials": [m.to_json() for m in session.materials],
        "prepared_answers": [a.to_json() for a in session.prepared_answers],
    }


def _check_slot(
    unit_id: int, air_date: date, start_time: time, end_time: time, session_id: int | None = None
) -> None:
    """The unit exists, is not on air twice that day, and the hour ends after it starts."""
    get_or_404(Unit, unit_id)
    if end_time <= start_time:
        raise invalid("end_time", _("The session must end after it starts."))
    other = scheduled_on(unit_id, air_date, exclude_id=session_id)
    if other is not None:
        message = _("This unit is already on air on %(date)s (session #%(id)d).", date=air_date, id=other.id)
        raise conflict(message, "air_date")


@bp.get("/api/sessions")
@READ
def list_sessions() -> Any:
    return listing(sessions_json(parse(SessionQuery, request.args.to_dict())))


@bp.post("/api/sessions")
@WRITE
def create_session() -> Any:
    body = parse(SessionIn)
    get_or_404(Programme, body.programme_id)
    _check_slot(body.unit_id, body.air_date, body.start_time, body.end_time)
    session = AirSession(**body.model_dump(exclude={"guests"}))
    session.guests = [apply(Guest(), guest) for guest in body.guests]
    db.session.add(session)
    commit_or_conflict()
    return jsonify(plan_json(session)), 201


@bp.get("/api/sessions/<int:session_id>/plan")
@READ
def get_plan(session_id: int) -> Any:
    return jsonify(plan_json(get_or_404(AirSession, session_id)))


@bp.patch("/api/sessions/<int:session_id>")
@WRITE
def update_session(session_id: int) -> Any:
    session = get_or_404(AirSession, session_id)
    body = parse(SessionPatch)
    slot = {name: getattr(session, name) for name in ("unit_id", "air_date", "start_time", "end_time")}
    slot.update(body.model_dump(exclude_unset=True, exclude={"topic"}))
    moved = slot["air_date"] != session.air_date or slot["unit_id"] != session.unit_id
    if moved and session.state != SessionState.SCHEDULED:
        raise conflict(_("The session has gone on air; its date and unit can no longer change."))
    _check_slot(**slot, session_id=session.id)
    apply(session, body)
    commit_or_conflict()
    return jsonify(plan_json(session))


@bp.delete("/api/sessions/<int:session_id>")
@WRITE
def delete_session(session_id: int) -> Any:
    session = get_or_404(AirSession, session_id)
    if session.state != SessionState.SCHEDULED:
        raise conflict(_("The session has gone on air; it is part of the record and cannot be deleted."))
    refuse_if_referred_to(session)
    return deleted(session)


# --- A session's guests, material and prepared answers ---------------------------------------
# The three lists share one shape: create under the session, edit and delete by their own id.


def _session_children(
    name: str, one: str, model: type[Any], body: type[BaseModel], patch: type[BaseModel]
) -> None:
    def create(session_id: int) -> Any:
        return created(apply(model(session=get_or_404(AirSession, session_id)), parse(body)))

    def update(item_id: int) -> Any:
        return saved(apply(get_or_404(model, item_id), parse(patch)))

    def delete(item_id: int) -> Any:
        return deleted(get_or_404(model, item_id))

    bp.add_url_rule(
        f"/api/sessions/<int:session_id>/{name}", f"create_{one}", WRITE(create), methods=["POST"]
    )
    bp.add_url_rule(f"/api/{name}/<int:item_id>", f"update_{one}", WRITE(update), methods=["PATCH"])
    bp.add_url_rule(f"/api/{name}/<int:item_id>", f"delete_{one}", WRITE(delete), methods=["DELETE"])


_session_children("guests", "guest", Guest, GuestIn, GuestPatch)
_session_children("materials", "material", Material, MaterialIn, MaterialPatch)
_session_children("answers", "answer", PreparedAnswer, AnswerIn, AnswerPatch)


# --- Schedule import -------------------------------------------------------------------------


@bp.post("/api/schedule/import")
@WRITE
def import_schedule_file() -> Any:
    form = parse(ImportForm, request.form.to_dict())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise invalid("file", _("Choose a .xlsx or .csv file."))
    programme = get_or_404(Programme, form.programme_id)
    try:
        result = import_schedule(upload.read(), upload.filename, programme, create_units=form.create_units)
    except ScheduleFileError as exc:
        raise invalid("file", str(exc)) from exc
    except ScheduleError as exc:
        message = _("Nothing was imported: %(n)d problem(s) in the file.", n=len(exc.errors))
        raise ApiError(422, "invalid_rows", message, {"rows": [e.to_json() for e in exc.errors]}) from exc
    return jsonify(imported=result.imported, created_units=result.created_units)
