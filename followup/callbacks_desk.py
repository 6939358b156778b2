"""The callback desk (回访台): the callbacks due today and overdue, grouped by kind, with the
citizen's full number to call and one click per outcome.

The page is a shell; its script reads GET /api/callbacks and records each outcome through
POST /api/cases/<id>/actions/callback, so every outcome goes through ``workflow.perform``.
Anonymous cases are exempt from callbacks and never listed.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from core import clock
from core.access import Permission, requires
from core.labels import choices
from core.matter import Satisfaction
from followup.models import CallbackChannel, CallbackKind

bp = Blueprint("callbacks", __name__)


@bp.get("/followup/callbacks")
@requires(Permission.CALLBACKS)
def page() -> str:
    data = {
        "today": clock.today().isoformat(),
        "kinds": choices(CallbackKind),
        "channels": choices(CallbackChannel),
        "satisfaction": choices(Satisfaction),
    }
    return render_template("followup/callbacks.html", data=data, strings=page_strings())


def page_strings() -> dict[str, str]:
    """The words the page's script shows (built per request: they follow the person's language)."""
    return {
        "cb.question.process": _("Has anyone from the unit contacted you about this?"),
        "cb.question.result": _("Are you satisfied with how the unit handled it?"),
        "cb.question.lookback": _("Has the commitment made on air been kept?"),
        "cb.contacted": _("Contacted"),
        "cb.not_contacted": _("Nobody contacted me"),
        "cb.kept": _("Kept"),
        "cb.not_yet": _("Not yet"),
        "cb.not_reached": _("Not reached"),
        "cb.note": _("Note (optional)"),
        "cb.channel": _("Channel"),
        "cb.details": _("Details"),
        "cb.hide": _("Hide"),
        "cb.loading": _("Loading…"),
        "cb.nothing": _("Nothing due."),
        "cb.due": _("Due"),
        "cb.overdue_by": _("overdue"),
        "cb.case": _("Case"),
        "cb.unit": _("Unit"),
        "cb.subject": _("Matter"),
        "cb.citizen": _("Citizen"),
        "cb.outcome": _("Outcome"),
        "cb.reply": _("The unit's reply"),
        "cb.no_reply": _("No reply recorded."),
        "cb.answered_via": _("Answered by"),
        "cb.on_air_answer": _("Said on air"),
        "cb.commitment": _("Commitment"),
        "cb.commitment_due": _("promised by"),
        "cb.details_text": _("The citizen's matter"),
        "cb.redo_count": _("Sent back before"),
        "cb.no_contact_count": _("\u201cNobody contacted me\u201d so far"),
        "cb.tried": _("Not reached at %(time)s; still due."),
        "cb.done.contacted": _("Recorded: the unit has been in touch with the citizen."),
        "cb.done.not_contacted_redo": _(
            "Nobody contacted the citizen: the case is sent back to redo (due %(due)s)."
        ),
        "cb.done.not_contacted": _("Nobody contacted the citizen: recorded against the unit."),
        "cb.done.satisfied": _("Recorded: %(satisfaction)s. The office can settle the case."),
        "cb.done.unsatisfied": _("Unsatisfied: the case is sent back to redo (due %(due)s)."),
        "cb.done.kept": _("Commitment kept: the look-backs end."),
        "cb.done.not_yet": _("Commitment not yet kept: the next look-back is in a week."),
        "cb.done.not_reached": _("Not reached: the callback stays due."),
        "cb.count": _("%(n)s due"),
        "cb.commitment_kept": _("Commitment kept (confirmed by the citizen)"),
        "cb.done.commitment_confirmed": _("The citizen confirmed the on-air commitment kept."),
    }
