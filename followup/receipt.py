"""The citizen's receipt lookup: the web channel's receipt number and the last four digits of the
phone number given find the matter, and show only where it stands.

Anyone on the internet reaches this page, so it tells nothing more than the receipt promised: the
state of the matter in the citizen's words, the case number (once a case exists), the deadline,
and, once the citizen has been answered, the approved reply. Never the name, number, question or
unit's working notes. A wrong receipt number and wrong digits get the same answer, so the page
cannot be used to learn which numbers exist, and lookups are rate-limited per address.

With the same two proofs the citizen may withdraw the consent to publication: the question and its
answer leave the public page at once (the workflow's ``citizen_withdrew_consent``).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests
from wtforms import StringField
from wtforms.validators import DataRequired, Regexp

from broadcast.models import SessionState
from console.models import Call, Channel
from console.webchannel import receipt_number
from core.extensions import db, limiter
from followup.models import ANSWERED_STATES, Case, CaseState
from followup.publication import approved_reply
from followup.workflow import perform

bp = Blueprint("receipt", __name__)

# What console.webchannel.receipt_number prints: W-000123 is web call 123.
RECEIPT = re.compile(r"^\s*W?\s*-?\s*0*([1-9][0-9]{0,8})\s*$", re.IGNORECASE)
DIGITS = r"^[0-9]{4}$"
# A merged case's matter lives on in the case it was merged into; a chain is never long.
MAX_MERGES_FOLLOWED = 5

# Where the matter stands, in the citizen's words: the unit's review steps are the unit's business.
PASSED_ON = _l("Passed to the responsible unit")
BEING_HANDLED = _l("Being handled by the unit")
CITIZEN_STATE: dict[CaseState, Any] = {
    CaseState.DUPLICATE: PASSED_ON,
    CaseState.ASSIGNED: PASSED_ON,
    CaseState.RETURNED: PASSED_ON,
    CaseState.ACCEPTED: BEING_HANDLED,
    CaseState.IN_PROGRESS: BEING_HANDLED,
    CaseState.DRAFTED: BEING_HANDLED,
    CaseState.APPROVED: BEING_HANDLED,
    CaseState.REDO: BEING_HANDLED,
    CaseState.ANSWERED: _l("Answered by the unit"),
    CaseState.CALLED_BACK: _l("Answered by the unit"),
    CaseState.SETTLED: _l("Closed"),
    CaseState.MERGED: BEING_HANDLED,
}


class LookupForm(FlaskForm):
    number = StringField(
        _l("Receipt number"),
        filters=[lambda v: v.strip() if v else v],
        validators=[DataRequired(_l("Please enter the receipt number."))],
    )
    digits = StringField(
        _l("Last four digits of the phone number you gave"),
        filters=[lambda v: v.strip() if v else v],
        validators=[
            DataRequired(_l("Please enter the last four digits of your phone number.")),
            Regexp(DIGITS, message=_l("Please enter four digits.")),
        ],
    )


def _digits(number: str | None) -> str:
    return re.sub(r"[^0-9]", "", number or "")


def find_call(receipt: str, last_four: str) -> Call | None:
    """The web question with this receipt number sent with a phone number ending in ``last_four``."""
    match = RECEIPT.match(receipt or "")
    if match is None or not re.match(DIGITS, last_four or ""):
        return None
    call = db.session.get(Call, int(match.group(1)))
    if call is None or call.channel != Channel.WEB:
        return None
    phone = _digits(call.contact_number)
    return call if len(phone) >= 4 and phone.endswith(last_four) else None


def _case_of(call: Call) -> Case | None:
    case = db.session.scalar(select(Case).where(Case.call_id == call.id))
    for _hop in range(MAX_MERGES_FOLLOWED):
        if case is None or case.state != CaseState.MERGED or case.duplicate_of is None:
            break
        case = case.duplicate_of
    return case


def status(call: Call) -> dict[str, Any]:
    """Everything the citizen may read about their matter, and nothing more."""
    case = _case_of(call)
    if case is None:
        ended = call.session.state == SessionState.ENDED
        return {
            "state": _("Handled during the show") if ended else _("Received by the programme staff"),
            "case_number": "",
            "due_on": "",
            "reply": "",
            "may_withdraw": False,
        }
    reply = approved_reply(case) if case.state in ANSWERED_STATES else None
    return {
        "state": str(CITIZEN_STATE[case.state]),
        "case_number": case.number,
        "due_on": format_date(case.due_on, "long"),
        "reply": reply.body if reply else "",
        "may_withdraw": case.consent_publish,
    }


def _page(
    form: LookupForm, found: dict[str, Any] | None = None, notice: str | None = None, code: int = 200
) -> Any:
    return render_template("followup/receipt.html", show=None, form=form, found=found, notice=notice), code


@bp.route("/receipt", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RECEIPT_LOOKUP_RATE"], methods=["POST"])
def lookup() -> Any:
    form = LookupForm()
    if request.method == "GET":
        form.number.data = request.args.get("number", "")[:32]
        return _page(form)
    if not form.validate_on_submit():
        return _page(form)
    call = find_call(form.number.data, form.digits.data)
    if call is None:
        # One answer for a number that does not exist and for wrong digits.
        return _page(form, notice=_("No question matches this receipt number and these digits."), code=404)
    return _page(form, found={"receipt": receipt_number(call.id)} | status(call))


@bp.post("/receipt/withdraw-consent")
@limiter.limit(lambda: current_app.config["RECEIPT_LOOKUP_RATE"])
def withdraw_consent() -> Any:
    form = LookupForm()
    if not form.validate_on_submit():
        return _page(form)
    call = find_call(form.number.data, form.digits.data)
    case = _case_of(call) if call is not None else None
    if call is None:
        return _page(form, notice=_("No question matches this receipt number and these digits."), code=404)
    if case is not None and case.consent_publish:
        perform(case, "citizen_withdrew_consent", None, system=True)
    found = {"receipt": receipt_number(call.id)} | status(call) | {"withdrawn": True}
    return _page(form, found=found)


@bp.errorhandler(TooManyRequests)
def _too_many(exc: TooManyRequests) -> Any:
    return _page(
        LookupForm(), notice=_("Too many lookups from your connection. Please wait a while."), code=429
    )


@bp.errorhandler(CSRFError)
def _csrf_failed(exc: CSRFError) -> Any:
    return _page(
        LookupForm(), notice=_("For your security the page had to be renewed. Please try again."), code=400
    )
