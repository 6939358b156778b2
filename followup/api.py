"""The follow-up JSON API: case lists and pages, every action, attachments, making one call a case
at any time, the callbacks due, bulk notices and each programme's deadline policy.

Every route finds a case through ``_visible_case``: a case the person's unit may not see is
answered 404, the same as a case that does not exist."""

from __future__ import annotations

import mimetypes
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from broadcast.models import Programme
from console.models import Call
from core import clock
from core.access import Permission, requires
from core.api import ApiError, commit_or_conflict, get_or_404, invalid, listing, not_found, parse
from core.extensions import db
from followup.conversion import convert_call
from followup.deadlines import DeadlinePolicy
from followup.models import OPEN_STATES, UNIT_WORKING, Attachment, Callback, Case, NoticeKind
from followup.policy import policy_for, save_policy
from followup.queries import apply_filter, filter_from_args, visible_cases, with_row_data
from followup.serialize import attachment_json, callback_json, case_json, case_row
from followup.workflow import COMMITMENT_STATES, UNIT, may_report_kept, may_see, perform

bp = Blueprint("followup_api", __name__)

ATTACHMENT_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
}


def _visible_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not may_see(case, current_user):
        raise not_found(Case, case_id)
    return case


@bp.get("/api/cases")
@requires()
def list_cases() -> Any:
    f = filter_from_args(request.args)
    query = apply_filter(visible_cases(current_user), f)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(with_row_data(query).limit(f.per_page).offset((f.page - 1) * f.per_page))
    today = clock.today()
    return listing([case_row(c, today) for c in rows], total=total, page=f.page, per_page=f.per_page)


@bp.get("/api/cases/<int:case_id>")
@requires()
def get_case(case_id: int) -> Any:
    return jsonify(case_json(_visible_case(case_id), current_user))


@bp.post("/api/cases/<int:case_id>/actions/<name>")
@requires()
def act(case_id: int, name: str) -> Any:
    case = perform(_visible_case(case_id), name, current_user, request.get_json(silent=True) or {})
    return jsonify(case_json(case, current_user))


@bp.post("/api/cases/<int:case_id>/attachments")
@requires()
def upload_attachment(case_id: int) -> Any:
    """A photo or document for the reply being drafted, or as evidence that the on-air commitment
    is kept; it joins the reply, or the report, when that is sent."""
    case = _visible_case(case_id)
    if current_user.role not in UNIT or current_user.unit_id != case.unit_id:
        raise ApiError(403, "forbidden", _("Only the handling unit may do this."))
    if case.state not in UNIT_WORKING and not (case.state in COMMITMENT_STATES and may_report_kept(case)):
        raise ApiError(409, "illegal_transition", _("Attachments are added while the reply is drafted."))
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        raise invalid("file", _("The file is too large: %(mb)s MB at most.", mb=limit)) from None
    if upload is None or not upload.filename:
        raise invalid("file", _("Choose a file."))
    content_type = upload.mimetype or mimetypes.guess_type(upload.filename)[0] or ""
    if content_type not in ATTACHMENT_TYPES:
        raise invalid("file", _("Photos (JPEG, PNG, WebP, HEIC), PDF, Word, Excel or text files only."))
    folder = Path(current_app.config["ATTACHMENTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored_as = f"{case.id}-{secrets.token_hex(12)}{Path(upload.filename).suffix.lower()[:10]}"
    upload.save(folder / stored_as)
    attachment = Attachment(
        case_id=case.id,
        filename=Path(upload.filename).name[:256],
        stored_as=stored_as,
        content_type=content_type,
        size=(folder / stored_as).stat().st_size,
        uploaded_by_id=current_user.id,
    )
    db.session.add(attachment)
    commit_or_conflict()
    return jsonify(attachment_json(attachment)), 201


@bp.get("/api/attachments/<int:attachment_id>")
@requires()
def download_attachment(attachment_id: int) -> Any:
    attachment = get_or_404(Attachment, attachment_id)
    _visible_case(attachment.case_id)
    path = Path(current_app.config["ATTACHMENTS_DIR"]) / attachment.stored_as
    # Only pictures open in the browser; anything else is downloaded, never rendered as a page.
    inline = attachment.content_type.startswith("image/")
    response = send_file(
        path, mimetype=attachment.content_type, download_name=attachment.filename, as_attachment=not inline
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/api/calls/<int:call_id>/case")
@requires(Permission.CONVERT)
def convert_one_call(call_id: int) -> Any:
    call = get_or_404(Call, call_id)
    return jsonify(case_row(convert_call(call, current_user))), 201


@bp.get("/api/callbacks")
@requires(Permission.CALLBACKS)
def callbacks_due() -> Any:
    """Callbacks due on ``day`` (default today) or before and not yet made, oldest first."""
    day = parse(_Day, {"day": request.args.get("day") or clock.today().isoformat()}).day
    rows = db.session.execute(
        select(Callback, Case)
        .join(Case)
        .where(
            Callback.done_at.is_(None),
            Callback.due_on <= day,
            Case.anonymous.is_(False),
            Case.state.in_(OPEN_STATES),
        )
        .order_by(Callback.due_on, Callback.id)
    )
    today = clock.today()
    return listing(
        [
            callback_json(cb) | {"case": case_row(case, today) | {"contact_number": case.contact_number}}
            for cb, case in rows
        ],
        day=day.isoformat(),
    )


class _Day(BaseModel):
    day: date


class BulkNotice(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    case_ids: list[int] = Field(min_length=1, max_length=500)
    kind: NoticeKind
    message: str = Field(default="", max_length=2000)


@bp.post("/api/notices/bulk")
@requires(Permission.MANAGE_CASES)
def bulk_notices() -> Any:
    """A reminder or supervision notice to many cases at once; each case is checked on its own,
    and the ones that cannot take it are listed with the reason."""
    body = parse(BulkNotice)
    action = "remind" if body.kind == NoticeKind.REMINDER else "supervise"
    sent, refused = [], []
    for case_id in body.case_ids:
        try:
            perform(_visible_case(case_id), action, current_user, {"message": body.message})
            sent.append(case_id)
        except ApiError as error:
            db.session.rollback()
            refused.append({"id": case_id, "message": error.message})
    return jsonify(sent=sent, refused=refused)


@bp.get("/api/programmes/<int:programme_id>/deadline-policy")
@requires()
def get_policy(programme_id: int) -> Any:
    get_or_404(Programme, programme_id)
    return jsonify(policy_for(programme_id).model_dump(mode="json"))


@bp.put("/api/programmes/<int:programme_id>/deadline-policy")
@requires(Permission.MANAGE_CASES)
def put_policy(programme_id: int) -> Any:
    get_or_404(Programme, programme_id)
    policy = save_policy(programme_id, parse(DeadlinePolicy), current_user)
    return jsonify(policy.model_dump(mode="json"))
