"""Reminders and supervision notices, delivered by pluggable notifiers (placeholder)."""

from __future__ import annotations

from core.accounts import User
from core.extensions import db
from followup.models import Case, Notice, NoticeKind


def send_notice(case: Case, kind: NoticeKind, message: str, actor: User | None) -> Notice:
    notice = Notice(
        case=case, unit_id=case.unit_id, kind=kind, message=message, sent_by_id=actor.id if actor else None
    )
    db.session.add(notice)
    return notice
