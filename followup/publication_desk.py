"""The editors' publication desk: the answered cases that may be published, each with whether its
public text needs review, and the review page where the editor reads the case as written beside
the masked text the system proposes, corrects it and approves it.

The page's script approves through ``POST /api/cases/<id>/actions/publish`` and takes a case down
through ``withdraw_consent``, so both go through ``workflow.perform`` and are lines of the case's
history. Editors are the roles holding ``Permission.PUBLISH``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import format_datetime
from flask_login import current_user
from sqlalchemy import select

from core.access import Permission, requires
from core.extensions import db
from core.labels import label
from followup.models import Case
from followup.public import day_text, newest_first, publishable_sql
from followup.publication import PublicationStatus, approved_reply, proposal, publication_of, status
from followup.workflow import available, publishable

bp = Blueprint("publication_desk", __name__)

QUEUE_SHOWN = 200


@bp.get("/followup/publication")
@requires(Permission.PUBLISH)
def queue() -> str:
    cases = db.session.scalars(newest_first(select(Case).where(publishable_sql())).limit(QUEUE_SHOWN))
    rows = []
    for case in cases:
        current = status(case)
        rows.append(
            {
                "id": case.id,
                "number": case.number,
                "unit": case.unit.name,
                "subject": case.subject,
                "answered_on": day_text(case.answered_at),
                "status": current,
                "status_label": label(current),
            }
        )
    # What waits for the editor comes first; the order within each group stays newest first.
    rows.sort(key=lambda row: row["status"] != PublicationStatus.NEEDS_REVIEW)
    return render_template("followup/publication.html", rows=rows, shown=QUEUE_SHOWN)


@bp.get("/followup/publication/<int:case_id>")
@requires(Permission.PUBLISH)
def review(case_id: int) -> str:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    reply = approved_reply(case)
    stored = publication_of(case)
    current = status(case)
    # An approved text is shown as approved; one approved for an earlier reply is not offered
    # again: the reply changed, so the editor starts from a fresh proposal.
    shown = (
        {"subject": stored.subject, "question": stored.question, "reply": stored.reply}
        if stored is not None and current == PublicationStatus.APPROVED
        else proposal(case)
    )
    page: dict[str, Any] = {
        "id": case.id,
        "version": case.version,
        "status": current,
        "publishable": publishable(case),
        "actions": [a for a in available(case, current_user) if a in ("publish", "withdraw_consent")],
        "text": shown,
    }
    return render_template(
        "followup/publication_review.html",
        case=case,
        reply=reply,
        stored=stored,
        status=current,
        status_label=label(current),
        approved_at=format_datetime(stored.approved_at, "yyyy-MM-dd HH:mm")
        if stored and stored.approved_at
        else "",
        page=page,
    )
