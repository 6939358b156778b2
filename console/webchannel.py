"""The public web channel: one page per session where listeners send a question before or during
the show, and the thank-you page after it.

Anyone on the internet reaches this page, so it is guarded in layers: CSRF (Flask-WTF), a honeypot
field that people leave empty, a signed timestamp that refuses forms sent faster than a person
types, a per-address rate limit, duplicate detection, length limits and control characters
stripped from every field. Whatever goes wrong, the listener gets the form back with everything
typed still in it. An accepted question becomes a web card in the producer's queue.
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.exceptions import NotFound, TooManyRequests
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from broadcast.models import AirSession, SessionState
from console.flow import create_call, is_blocked
from console.models import Call, Channel
from core.extensions import db, limiter
from core.labels import label
from core.matter import Category

bp = Blueprint("webchannel", __name__)

MAX_CONTENT = 2000
MAX_SUBJECT = 100
# A form older than this is refused with a request to send it again (values kept).
STAMP_MAX_AGE = 24 * 3600
# Faster than this from opening the page to sending is a robot (WEB_CHANNEL_MIN_SECONDS overrides).
MIN_SECONDS = 3
STAMP_SALT = "webchannel.form-opened"
THANKS_KEY = "webchannel_thanks"

# C0/C1 controls except tab and newlines, and the bidi overrides that make text display
# differently from how it reads (a card on the producer's screen must show what was sent).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
PHONE = r"^\+?[0-9]{5,20}$"


def _clean_line(value: str | None) -> str | None:
    """One line of text: no control characters, whitespace runs (newlines too) as one space."""
    return " ".join(_CONTROLS.sub("", value).split()) if value is not None else None


def _clean_text(value: str | None) -> str | None:
    """Free text: line breaks kept (as \\n), other control characters dropped."""
    if value is None:
        return None
    return _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _clean_phone(value: str | None) -> str | None:
    """A number without the spaces, dashes and brackets people group digits with; anything that
    is not a number stays as typed, so the listener sees what to correct."""
    value = _clean_line(value)
    if value is None:
        return None
    digits = _PHONE_SEPARATORS.sub("", value)
    return digits if re.match(PHONE, digits) else value


# --- the form-opened stamp ---------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def _new_stamp(token: str) -> str:
    return _serializer().dumps(token)


def _stamp_opened_at(stamp: str | None, token: str) -> float | None:
    """When the form carrying ``stamp`` was served for ``token``; None if forged, foreign or stale."""
    if not stamp:
        return None
    try:
        value, signed_at = _serializer().loads(stamp, max_age=STAMP_MAX_AGE, return_timestamp=True)
    except BadData:
        return None
    return signed_at.timestamp() if value == token else None


# --- the form ----------------------------------------------------------------------------------------


class QuestionForm(FlaskForm):
    caller_name = StringField(
        _l("Your name or how to address you"), filters=[_clean_line], validators=[Optional(), Length(max=64)]
    )
    contact_number = TelField(
        _l("Contact phone"),
        filters=[_clean_phone],
        validators=[Optional(), Regexp(PHONE, message=_l("Please enter a phone number: digits only."))],
    )
    district = StringField(
        _l("District or area"), filters=[_clean_line], validators=[Optional(), Length(max=64)]
    )
    category = RadioField(
        _l("Kind of matter"),
        choices=lambda: [SelectChoice(c.value, label(c)) for c in Category],  # in the reader's language
        default=Category.ENQUIRY.value,
        validate_choice=True,
    )
    subject = StringField(
        _l("Subject"),
        filters=[_clean_line],
        validators=[DataRequired(_l("Please give your question a short subject.")), Length(max=MAX_SUBJECT)],
    )
    content = TextAreaField(
        _l("Your question"),
        filters=[_clean_text],
        validators=[DataRequired(_l("Please write your question.")), Length(max=MAX_CONTENT)],
    )
    consent_publish = BooleanField(_l("My question and the answer may be made public"))
    anonymous = BooleanField(_l("Do not say my name on air or in print"))
    # The honeypot: hidden from people by the stylesheet, filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"))
    stamp = HiddenField()

    def validate_stamp(self, field: HiddenField) -> None:
        opened_at = _stamp_opened_at(field.data, request.view_args["token"])
        if opened_at is None:
            raise ValidationError(
                _("This page was open for too long. Please check your question and send it again.")
            )
        if time.time() - opened_at < current_app.config.get("WEB_CHANNEL_MIN_SECONDS", MIN_SECONDS):
            raise ValidationError(
                _("The form was sent too quickly. Please wait a few seconds, check it and send it again.")
            )


# --- pages -------------------------------------------------------------------------------------------


def _find_session(token: str) -> AirSession | None:
    return db.session.scalar(select(AirSession).where(AirSession.web_token == token))


def _air_session(token: str) -> AirSession:
    session = _find_session(token)
    if session is None:
        abort(404)
    return session


def _form_page(session: AirSession, form: QuestionForm, notice: str | None = None, status: int = 200) -> Any:
    """The session's page with the form as the listener left it (a fresh stamp only if theirs is
    unusable, so a corrected form is not refused as too quick)."""
    if _stamp_opened_at(form.stamp.data, session.web_token) is None:
        form.stamp.data = _new_stamp(session.web_token)
    return render_template("webchannel/submit.html", show=session, form=form, notice=notice), status


def _closed_page(session: AirSession, status: int) -> Any:
    return render_template("webchannel/submit.html", show=session, form=None, notice=None), status


def receipt_number(call_id: int) -> str:
    """The number the thanks page gives the listener, and the receipt lookup reads back."""
    return f"W-{call_id:06d}"


def _thanks(token: str, call_id: int | None, duplicate: bool = False) -> Any:
    """Post/redirect/get: the reference travels in the signed session cookie, not in the URL."""
    cookie[THANKS_KEY] = {"token": token, "ref": call_id, "duplicate": duplicate}
    return redirect(url_for("webchannel.thanks", token=token))


def _duplicate_of(session: AirSession, contact: str, content: str) -> Call | None:
    return db.session.scalar(
        select(Call).where(
            Call.session_id == session.id,
            Call.channel == Channel.WEB,
            Call.contact_number == contact,
            Call.details == content,
        )
    )


@bp.route("/w/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["WEB_CHANNEL_RATE"], methods=["POST"])
def submit(token: str) -> Any:
    session = _air_session(token)
    if session.state == SessionState.ENDED:
        return _closed_page(session, 200 if request.method == "GET" else 409)
    form = QuestionForm()
    if request.method == "POST" and form.website.data:
        return _thanks(token, None)  # a robot: it is told it succeeded and learns nothing
    if not form.validate_on_submit():
        return _form_page(session, form)
    contact = form.contact_number.data or ""
    if is_blocked(contact):
        return _thanks(token, None)  # a blocked nuisance number is not told so
    earlier = _duplicate_of(session, contact, form.content.data)
    if earlier is not None:
        return _thanks(token, earlier.id, duplicate=True)
    call = create_call(
        session,
        Channel.WEB,
        caller_name=form.caller_name.data,
        contact_number=contact,
        caller_number=contact or None,
        district=form.district.data,
        category=Category(form.category.data),
        subject=form.subject.data,
        details=form.content.data,
        consent_publish=form.consent_publish.data,
        anonymous=form.anonymous.data,
    )
    return _thanks(token, call.id)


@bp.get("/w/<token>/thanks")
def thanks(token: str) -> Any:
    session = _air_session(token)
    receipt = cookie.get(THANKS_KEY) or {}
    if receipt.get("token") != token:
        receipt = {}
    ref = receipt.get("ref")
    return render_template(
        "webchannel/thanks.html",
        show=session,
        reference=receipt_number(ref) if ref else None,
        duplicate=receipt.get("duplicate", False),
    )


# --- refusals that keep the listener's typing ------------------------------------------------------


# These run before the view (the limiter and CSRF check in before_request), so they look the
# session up themselves and must not raise again.


def _refused(notice: str, status: int) -> Any:
    session = _find_session((request.view_args or {}).get("token", ""))
    if session is None:
        return _not_found_page()
    if session.state == SessionState.ENDED:
        return _closed_page(session, status)
    return _form_page(session, QuestionForm(), notice, status)


@bp.errorhandler(TooManyRequests)
def _too_many(exc: TooManyRequests) -> Any:
    return _refused(
        _("Many questions came from your connection in a short time. Please wait a minute and send again."),
        429,
    )


@bp.errorhandler(CSRFError)
def _csrf_failed(exc: CSRFError) -> Any:
    return _refused(
        _("For your security the page had to be renewed. Please check your question and send it again."), 400
    )


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> Any:
    return _not_found_page()


def _not_found_page() -> Any:
    return render_template("webchannel/not_found.html", show=None), 404
