"""The console's HTTP JSON API: every action a seat takes (documented in docs/api.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from flask import Blueprint, current_app, jsonify, send_file
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import or_, select

from broadcast.models import AirSession, Guest, Section, Unit
from console import flow, matching
from console.call_actions import seat_action
from console.models import (
    BlockedNumber,
    Call,
    Channel,
    ChatMessage,
    Outcome,
    Recording,
)
from console.realtime import MASKED_SEATS, snapshot
from console.serialize import call_json, record_json, recording_json
from console.summary import session_summary
from console.unfinished import unfinished
from core.access import Permission, may, may_sit, requires
from core.api import ApiError, get_or_404, invalid, listing, parse
from core.extensions import db
from core.matter import Category, Satisfaction, Urgency

bp = Blueprint("console_api", __name__, url_prefix="/api")

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=256)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=512)]
Para = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32, pattern=r"^[0-9+\-*# ()]*$")]


class CardFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    caller_name: Name | None = None
    district: Name | None = None
    address: Line | None = None
    contact_number: Phone | None = None
    category: Category | None = None
    unit_id: int | None = None
    section_id: int | None = None
    subject: Line | None = None
    details: Body | None = None
    anonymous: bool | None = None
    consent_publish: bool | None = None
    urgency: Urgency | None = None
    host_note: Note | None = None


class CardPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    changes: CardFields
    base: dict[str, Any] | None = None


class ManualCall(CardFields):
    caller_number: Phone | None = None


class RecordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: int | None = None  # the call the clerk's pane is bound to: must be the one addressed
    version: int | None = None
    outcome: Outcome | None = None
    answer: Body | None = None
    answered_by_guest_id: int | None = None
    commitment_what: Para | None = None
    commitment_due: date | None = None
    commitment_how: Para | None = None
    satisfaction: Satisfaction | None = None


class QueueOrder(BaseModel):
    order: list[int]


class ChatBody(BaseModel):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    seat: Annotated[str, StringConstraints(pattern="^(producer|host)$")]


class BlockBody(BaseModel):
    number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=32, pattern=r"^[0-9+\-*#]+$")
    ]
    reason: Line = ""


class TransferBody(BaseModel):
    three_way: bool = False


class PresenceBody(BaseModel):
    present: bool


# --- loading with access checks -------------------------------------------------------------------


# A route of a seat checks once who may act: by the seat the person must be able to sit at for
# that session (core.access.may_sit), after finding the session or call (404 first).


def _session(session_id: int, *seats: str) -> AirSession:
    """The session, if the person may sit at one of ``seats`` for it."""
    session = get_or_404(AirSession, session_id)
    if not any(may_sit(current_user, seat, session) for seat in seats):
        raise ApiError(403, "forbidden", _("Your role may not do this."))
    return session


def _call(call_id: int, *seats: str) -> Call:
    call = get_or_404(Call, call_id)
    _session(call.session_id, *seats)
    return call


def _may_hear() -> None:
    """Recordings are heard by the roles core.access grants them to, from the seats or a case."""
    if not may(current_user, Permission.RECORDINGS):
        raise ApiError(403, "forbidden", _("Your role may not do this."))


def recordings_dir() -> Path:
    """Where the line server writes its recordings; only files inside it are ever served."""
    return Path(current_app.config["RECORDINGS_DIR"]).resolve()


def _check_guest(fields: dict[str, Any], call: Call) -> None:
    """The guest who answered must be one of the call's session's guests."""
    guest_id = fields.get("answered_by_guest_id")
    if guest_id is not None and guest_id not in {g.id for g in call.session.guests}:
        raise invalid("answered_by_guest_id", _("Not a guest of this session."))


def _check_routing(fields: dict[str, Any], call: Call | None = None) -> None:
    """The unit and section on a card must exist and belong together."""
    unit_id = fields.get("unit_id", call.unit_id if call else None)
    section_id = fields.get("section_id", call.section_id if call else None)
    if "unit_id" in fields and unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise ApiError(422, "invalid", _("Some fields are not valid."), {"unit_id": _("No such unit.")})
    if section_id is not None and ("section_id" in fields or "unit_id" in fields):
        section = db.session.get(Section, section_id)
        if section is None or (unit_id is not None and section.unit_id != unit_id):
            raise ApiError(
                422,
                "invalid",
                _("Some fields are not valid."),
                {"section_id": _("The section is not part of that unit.")},
            )


# --- who am I, the state of a seat ------------------------------------------------------------------


@bp.get("/me")
@requires()
def me() -> Any:
    return jsonify(user=current_user.to_json(), csrf_token=generate_csrf())


@bp.get("/sessions/<int:session_id>/state/<seat>")
@requires()
def seat_state(session_id: int, seat: str) -> Any:
    return jsonify(snapshot(_session(session_id, seat), seat))


@bp.get("/sessions/<int:session_id>/summary")
@requires(Permission.SUMMARIES)
def summary(session_id: int) -> Any:
    session = get_or_404(AirSession, session_id)
    return jsonify(session.summary or session_summary(session))


# --- the show ------------------------------------------------------------------------------------


@bp.post("/sessions/<int:session_id>/go-live")
@requires()
def go_live(session_id: int) -> Any:
    return jsonify(flow.go_live(_session(session_id, "host")).to_json())


@bp.get("/sessions/<int:session_id>/unfinished")
@requires()
def unfinished_calls(session_id: int) -> Any:
    """What ending the show now would leave unfinished, for the seat to ask before ending it."""
    return jsonify(unfinished(_session(session_id, "host")))


@bp.post("/sessions/<int:session_id>/end")
@requires()
def end(session_id: int) -> Any:
    return jsonify(flow.end_session(_session(session_id, "host"), current_user))


@bp.post("/guests/<int:guest_id>/presence")
@requires()
def guest_presence(guest_id: int) -> Any:
    guest = get_or_404(Guest, guest_id)
    _session(guest.session_id, "host")
    return jsonify(flow.set_guest_present(guest, parse(PresenceBody).present).to_json())


@bp.post("/sessions/<int:session_id>/end-segment")
@requires()
def end_segment(session_id: int) -> Any:
    calls = flow.end_segment(_session(session_id, "host"), current_user)
    return listing([call_json(c, seat="host") for c in calls])


@bp.post("/sessions/<int:session_id>/queue")
@requires()
def reorder(session_id: int) -> Any:
    flow.reorder(_session(session_id, "host"), parse(QueueOrder).order)
    return jsonify(ok=True)


# --- calls and cards ---------------------------------------------------------------------------------


@bp.post("/sessions/<int:session_id>/calls")
@requires()
def create_manual_call(session_id: int) -> Any:
    session = _session(session_id, "producer")
    fields = parse(ManualCall).model_dump(exclude_none=True)
    _check_routing(fields)
    call = flow.create_call(session, Channel.MANUAL, current_user, **fields)
    return jsonify(call_json(call, seat="producer")), 201


@bp.get("/calls/<int:call_id>")
@requires()
def get_call(call_id: int) -> Any:
    call = _call(call_id, "official")
    seat = "producer" if may_sit(current_user, "producer", call.session) else "official"
    return jsonify(call_json(call, masked=seat in MASKED_SEATS, seat=seat))


@bp.patch("/calls/<int:call_id>")
@requires()
def patch_card(call_id: int) -> Any:
    call = _call(call_id, "producer")
    body = parse(CardPatch)
    changes = body.changes.model_dump(exclude_unset=True)
    _check_routing(changes, call)
    flow.update_card(call, changes, body.base, body.version, current_user)
    return jsonify(call_json(call, seat="producer"))


@bp.post("/calls/<int:call_id>/<name>")
@requires()
def call_action(call_id: int, name: str) -> Any:
    """A seat's action on a call (console/call_actions.py says which seat may take it, and from
    which state); the call comes back as that seat sees it."""
    action = seat_action(name)
    if action is None:
        raise ApiError(404, "no_such_action", _("Unknown action."))
    call = get_or_404(Call, call_id)
    flow.perform(call, action.name, current_user)
    seat = next(s for s in sorted(action.seats) if may_sit(current_user, s, call.session))
    return jsonify(call_json(call, seat=seat))


@bp.post("/calls/<int:call_id>/transfer")
@requires()
def transfer(call_id: int) -> Any:
    call = flow.transfer(_call(call_id, "producer"), current_user, parse(TransferBody).three_way)
    return jsonify(call_json(call, seat="producer")), 202


@bp.get("/calls/<int:call_id>/history")
@requires()
def history(call_id: int) -> Any:
    """Earlier calls from the same number, newest first, with what became of them."""
    call = _call(call_id, "producer")
    numbers = {n for n in (call.caller_number, call.contact_number) if n}
    if not numbers:
        return listing([])
    earlier = db.session.scalars(
        select(Call)
        .where(Call.id != call.id, or_(Call.caller_number.in_(numbers), Call.contact_number.in_(numbers)))
        .order_by(Call.arrived_at.desc())
        .limit(20)
    )
    return listing(
        [
            {
                **call_json(c),
                "session": {
                    "id": c.session.id,
                    "air_date": c.session.air_date.isoformat(),
                    "unit": c.session.unit.name,
                },
            }
            for c in earlier
        ]
    )


@bp.get("/calls/<int:call_id>/prepared-answers")
@requires()
def prepared_answers(call_id: int) -> Any:
    call = _call(call_id, "official")
    return listing(matching.best_answers(call), material=matching.unit_material(call))


@bp.put("/calls/<int:call_id>/record")
@requires()
def record(call_id: int) -> Any:
    call = _call(call_id, "clerk")
    body = parse(RecordBody)
    # A save is never moved to another call: one meant for a different call than the address is
    # refused, so a page bound to one caller cannot write into another's record.
    if body.call_id is not None and body.call_id != call.id:
        raise ApiError(
            409, "wrong_call", _("This record belongs to another call; nothing was saved. Reload the page.")
        )
    fields = body.model_dump(exclude_unset=True, exclude={"version", "call_id"})
    _check_guest(fields, call)
    return jsonify(record_json(flow.save_record(call, fields, body.version, current_user)))


@bp.get("/calls/<int:call_id>/recordings")
@requires()
def call_recordings(call_id: int) -> Any:
    call = get_or_404(Call, call_id)
    _may_hear()
    return listing([recording_json(r) for r in call.recordings])


@bp.get("/recordings/<int:recording_id>/audio")
@requires()
def recording_audio(recording_id: int) -> Any:
    """The WAV itself, with range requests so that the browser's player can seek in it."""
    recording = get_or_404(Recording, recording_id)
    _may_hear()
    path = Path(recording.file_path).resolve()
    if not path.is_relative_to(recordings_dir()):
        raise ApiError(404, "outside_recordings", _("The recording is not in the recordings folder."))
    if not path.is_file():
        raise ApiError(404, "recording_missing", _("The recording's file is missing on the server."))
    return send_file(path, mimetype="audio/wav", conditional=True, download_name=path.name)


# --- chat and block list -------------------------------------------------------------------------


@bp.get("/sessions/<int:session_id>/chat")
@requires()
def chat_history(session_id: int) -> Any:
    session = _session(session_id, "host")
    messages = db.session.scalars(
        select(ChatMessage).where(ChatMessage.session_id == session.id).order_by(ChatMessage.id)
    )
    return listing([m.to_json() for m in messages])


@bp.post("/sessions/<int:session_id>/chat")
@requires()
def chat(session_id: int) -> Any:
    body = parse(ChatBody)
    session = _session(session_id, body.seat)
    return jsonify(flow.post_chat(session, current_user, body.seat, body.body).to_json()), 201


@bp.get("/blocklist")
@requires(Permission.BLOCK_NUMBERS)
def blocklist() -> Any:
    entries = db.session.scalars(select(BlockedNumber).order_by(BlockedNumber.number))
    return listing([b.to_json() for b in entries])


@bp.post("/blocklist")
@requires(Permission.BLOCK_NUMBERS)
def block() -> Any:
    body = parse(BlockBody)
    return jsonify(flow.block(body.number, body.reason, current_user).to_json()), 201


@bp.delete("/blocklist/<int:entry_id>")
@requires(Permission.BLOCK_NUMBERS)
def unblock(entry_id: int) -> Any:
    entry = get_or_404(BlockedNumber, entry_id)
    flow.unblock(entry)
    return "", 204
