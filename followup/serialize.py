"""Cases as JSON for the desks: a row for lists, the whole case for its page. Labels travel
with the values, so every desk shows the same words and the deadline states computed here: the
policy's deadline and, beside it, the date an official committed to on air."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from console.serialize import recording_json
from core import clock
from core.access import Permission, may
from core.accounts import User
from core.labels import label
from followup.deadlines import DeadlineStatus, deadline_status
from followup.models import (
    ANSWERED_STATES,
    Attachment,
    Callback,
    Case,
    CaseEvent,
    CaseState,
    CommitmentReport,
    Extension,
    Notice,
    Reply,
    ReportState,
)
from followup.policy import policy_for
from followup.workflow import ACTIONS, available, publishable, published


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def deadline(case: Case, today: date | None = None) -> DeadlineStatus:
    """Open cases are on time, due soon, due today or overdue; closed ones met or missed their date.
    A case is closed for its unit once the citizen has the unit's answer."""
    answered = case.answered_at if case.state in ANSWERED_STATES else None
    closed_on = clock.local_date(answered) if answered else None
    if case.settled_at and closed_on is None:
        closed_on = clock.local_date(case.settled_at)
    if case.state == CaseState.MERGED and closed_on is None:
        # Its matter is handled under the case it joined; it stopped being due when merged.
        closed_on = clock.local_date(case.updated_at)
    return deadline_status(
        case.due_on, today or clock.today(), closed_on, policy_for(case.programme_id).due_soon_days
    )


def commitment_deadline(case: Case, today: date | None = None) -> DeadlineStatus | None:
    """The on-air commitment's own deadline, in the same words as the policy's: open until kept
    (a case merged away or settled without it, anonymous, stops it), then kept on time or late.
    None: no commitment, or one without a date."""
    if not case.commitment_what or case.commitment_due is None:
        return None
    closed_on = case.commitment_fulfilled_on
    if closed_on is None and case.settled_at:
        closed_on = clock.local_date(case.settled_at)
    if closed_on is None and case.state == CaseState.MERGED:
        closed_on = clock.local_date(case.updated_at)
    return deadline_status(
        case.commitment_due, today or clock.today(), closed_on, policy_for(case.programme_id).due_soon_days
    )


OPEN_DEADLINE = frozenset(
    {DeadlineStatus.ON_TIME, DeadlineStatus.DUE_SOON, DeadlineStatus.DUE_TODAY, DeadlineStatus.OVERDUE}
)


def nearer_deadline(case: Case, status: DeadlineStatus, promised: DeadlineStatus | None) -> str:
    """Which deadline the desks lead with: the commitment's while it runs and falls before the
    policy's, or is the only one still running (the citizen answered, the commitment not kept)."""
    if promised not in OPEN_DEADLINE or case.commitment_due is None:
        return "policy"
    if status not in OPEN_DEADLINE or case.commitment_due < case.due_on or promised == DeadlineStatus.OVERDUE:
        return "commitment"
    return "policy"


def case_row(case: Case, today: date | None = None) -> dict[str, Any]:
    status = deadline(case, today)
    promised = commitment_deadline(case, today)
    return {
        "id": case.id,
        "number": case.number,
        "state": case.state,
        "state_label": label(case.state),
        "unit_id": case.unit_id,
        "unit": case.unit.name,
        "section": case.section.name if case.section else "",
        "assisting_units": [a.unit.name for a in case.assisting],
        "session_id": case.session_id,
        "category": case.category,
        "category_label": label(case.category),
        "urgency": case.urgency,
        "subject": case.subject,
        "caller_name": "" if case.anonymous else case.caller_name,
        "anonymous": case.anonymous,
        "received_on": _iso(case.received_on),
        "due_on": _iso(case.due_on),
        "original_due_on": _iso(case.original_due_on),
        "due_rule": case.due_rule,
        "calendar_fallback": case.calendar_fallback,
        "deadline": status,
        "deadline_label": label(status),
        "complex": case.complex,
        "internal": case.internal,
        "redo_count": case.redo_count,
        "satisfaction": case.satisfaction,
        "satisfaction_label": label(case.satisfaction),
        "commitment_open": case.commitment_open,
        "commitment_due": _iso(case.commitment_due) if case.commitment_what else None,
        "commitment_deadline": promised,
        "commitment_deadline_label": label(promised) if promised else "",
        "nearer_deadline": nearer_deadline(case, status, promised),
        "commitment_reported": any(r.state == ReportState.PENDING for r in case.commitment_reports),
        "duplicate_of": case.duplicate_of.number if case.duplicate_of else None,
        "pending_extension": any(e.state == "pending" for e in case.extensions),
        "unseen_notices": sum(1 for n in case.notices if n.seen_at is None),
        "column_pick": case.column_pick,
        "version": case.version,
    }


def case_json(case: Case, viewer: User) -> dict[str, Any]:
    data = case_row(case)
    data.update(
        {
            "district": case.district,
            "origin": origin_json(case, viewer),
            "contact_number": "" if case.anonymous else case.contact_number,
            "address": "" if case.anonymous else case.address,
            "details": case.details,
            "consent_publish": case.consent_publish,
            "publishable": publishable(case),
            "published": published(case),  # and its public text approved by an editor
            "on_air_answer": case.on_air_answer,
            "commitment": {
                "what": case.commitment_what,
                "due": _iso(case.commitment_due),
                "how": case.commitment_how,
                "fulfilled_on": _iso(case.commitment_fulfilled_on),
            }
            if case.commitment_what
            else None,
            # The unit's reports that the commitment is kept, with their evidence and decisions.
            "commitment_reports": [commitment_report_json(r) for r in case.commitment_reports],
            "first_unit": case.first_unit.name,
            "section_id": case.section_id,
            "answered_at": _iso(case.answered_at),
            "answer_channel": case.answer_channel,
            "settled_at": _iso(case.settled_at),
            "no_contact_count": case.no_contact_count,
            "replies": [reply_json(r) for r in case.replies],
            "callbacks": [callback_json(c) for c in case.callbacks],
            "extensions": [extension_json(e) for e in case.extensions],
            "notices": [notice_json(n) for n in case.notices],
            "events": [event_json(e) for e in case.events],
            "actions": [
                {"name": name, "label": str(ACTIONS[name].label), "target": ACTIONS[name].target}
                for name in available(case, viewer)
            ],
        }
    )
    return data


def origin_json(case: Case, viewer: User) -> dict[str, Any]:
    """Where the case comes from: the show and session, and the facts of the call read through the
    case's link to it (none changes once the call is over). The recordings, and the producer's note
    to the host, are the studio's: only those who may hear recordings get them."""
    session, call = case.session, case.call
    record = call.air_record if call else None
    guest = record.answered_by_guest if record else None
    studio = may(viewer, Permission.RECORDINGS)
    return {
        "session": {
            "id": session.id,
            "programme": session.programme.name,
            "unit": session.unit.name,
            "air_date": _iso(session.air_date),
            "start_time": session.start_time.strftime("%H:%M"),
            "topic": session.topic,
            "summary_url": f"/live/{session.id}/summary" if may(viewer, Permission.SUMMARIES) else None,
        }
        if session
        else None,
        "channel": call.channel if call else None,
        "channel_label": label(call.channel) if call else "",
        "line": call.line if call else None,
        "called_at": _iso(call.arrived_at) if call else None,
        "aired_at": _iso(call.aired_at) if call else None,
        "answered_by": ", ".join(filter(None, (guest.name, guest.title))) if guest else "",
        "host_note": call.host_note if call and studio else "",
        "may_hear": studio,
        "recordings": [recording_json(r) for r in call.recordings] if call and studio else [],
    }


def reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "body": reply.body,
        "drafted_by": reply.drafted_by.display_name,
        "drafted_at": _iso(reply.drafted_at),
        "reviewed_by": reply.reviewed_by.display_name if reply.reviewed_by else None,
        "reviewed_at": _iso(reply.reviewed_at),
        "approved": reply.approved,
        "review_note": reply.review_note,
        "head_signoff": reply.head_signoff,
        "attachments": [attachment_json(a) for a in reply.attachments],
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": f"/api/attachments/{attachment.id}",
    }


def commitment_report_json(report: CommitmentReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "body": report.body,
        "state": report.state,
        "state_label": label(report.state),
        "reported_by": report.reported_by.display_name,
        "reported_at": _iso(report.reported_at),
        "reported_on": _iso(report.reported_on),
        "decided_by": report.decided_by.display_name if report.decided_by else None,
        "decided_at": _iso(report.decided_at),
        "decision_note": report.decision_note,
        "attachments": [attachment_json(a) for a in report.attachments],
    }


def callback_json(callback: Callback) -> dict[str, Any]:
    return {
        "id": callback.id,
        "kind": callback.kind,
        "kind_label": label(callback.kind),
        "due_on": _iso(callback.due_on),
        "done_at": _iso(callback.done_at),
        "agent": callback.agent.display_name if callback.agent else None,
        "channel": callback.channel,
        "reached": callback.reached,
        "contacted": callback.contacted,
        "fulfilled": callback.fulfilled,
        "satisfaction": callback.satisfaction,
        "satisfaction_label": label(callback.satisfaction),
        "note": callback.note,
    }


def extension_json(extension: Extension) -> dict[str, Any]:
    return {
        "id": extension.id,
        "state": extension.state,
        "state_label": label(extension.state),
        "reason": extension.reason,
        "requested_due": _iso(extension.requested_due),
        "previous_due": _iso(extension.previous_due),
        "granted_due": _iso(extension.granted_due),
        "requested_by": extension.requested_by.display_name,
        "requested_at": _iso(extension.requested_at),
        "decided_at": _iso(extension.decided_at),
        "decision_note": extension.decision_note,
        "citizen_told_at": _iso(extension.citizen_told_at),
    }


def notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "kind": notice.kind,
        "kind_label": label(notice.kind),
        "number": notice.number,
        "message": notice.message,
        "sent_at": _iso(notice.sent_at),
        "seen_at": _iso(notice.seen_at),
        "automatic": notice.sent_by_id is None,
    }


def event_json(event: CaseEvent) -> dict[str, Any]:
    action = ACTIONS.get(event.action)
    return {
        "id": event.id,
        "at": _iso(event.at),
        "actor": event.actor.display_name if event.actor else None,
        "action": event.action,
        "action_label": str(action.label) if action else event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "to_state_label": label(event.to_state),
        "note": event.note,
    }
