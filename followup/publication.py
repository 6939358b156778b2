"""The public version of an answered case: the masked text the system proposes, and whether the
editor's approved text still stands.

Nothing goes public without an editor's check. ``proposal`` masks the subject, the question and
the reply (core.text.mask_personal, with the names and address the case knows); the editor
corrects it and approves it through the workflow's ``publish`` action, which stores it here
(``approve``). The approval stands for the reply it was made with: once the unit's reply changes
(a redo), the case needs a review again. Consent withdrawn clears the approval (``take_down``).
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.accounts import User
from core.db import utcnow
from core.extensions import db
from core.labels import register
from core.text import mask_personal
from followup.models import Case, Publication, Reply


class PublicationStatus(enum.StrEnum):
    NEEDS_REVIEW = "needs_review"  # no approved text, or one approved for an earlier reply
    APPROVED = "approved"  # the editor's text stands for the reply the citizen was given


register(
    PublicationStatus,
    {
        PublicationStatus.NEEDS_REVIEW: _l("Needs review"),
        PublicationStatus.APPROVED: _l("Approved for publication"),
    },
)


def approved_reply(case: Case) -> Reply | None:
    """The reply the citizen was given: the latest one the unit's reviewer approved."""
    approved = [r for r in case.replies if r.approved is True]
    return approved[-1] if approved else None


def publication_of(case: Case) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.case_id == case.id))


def approved_text(case: Case) -> Publication | None:
    """The editor's text, if it stands for the reply the citizen was given."""
    publication = publication_of(case)
    reply = approved_reply(case)
    if publication is None or publication.approved_at is None or reply is None:
        return None
    return publication if publication.reply_id == reply.id else None


def status(case: Case) -> PublicationStatus:
    return PublicationStatus.APPROVED if approved_text(case) else PublicationStatus.NEEDS_REVIEW


def proposal(case: Case) -> dict[str, str]:
    """The public text the system proposes: everything that names or finds a person masked."""
    names = [case.caller_name, *(contact.name for contact in case.unit.contacts)]
    addresses = [case.address]
    reply = approved_reply(case)

    def masked(text: str) -> str:
        return mask_personal(text, names=names, addresses=addresses)

    return {
        "subject": masked(case.subject),
        "question": masked(case.details or case.subject),
        "reply": masked(reply.body) if reply else "",
    }


def approve(case: Case, editor: User, subject: str, question: str, reply: str) -> Publication:
    """Store the editor's text as the case's public version, for the reply given now."""
    publication = publication_of(case) or Publication(case_id=case.id)
    given = approved_reply(case)
    publication.reply_id = given.id if given else None
    publication.subject, publication.question, publication.reply = subject, question, reply
    publication.approved_by_id = editor.id
    publication.approved_at = utcnow()
    db.session.add(publication)
    return publication


def take_down(case: Case) -> bool:
    """Clear the approval: the text leaves the public page and the column at once. Whether there
    was one to clear."""
    publication = publication_of(case)
    if publication is None or publication.approved_at is None:
        return False
    publication.approved_at = None
    case.column_pick = False
    return True
