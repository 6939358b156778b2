"""How calls, records and recordings look to each seat. The officials' screen never sees a full
phone number, nor the name of a caller who asked to stay anonymous, nor the recordings. A call sent
to a seat carries the actions that seat may take on it now, which its buttons are drawn from."""

from __future__ import annotations

from typing import Any

from console.call_actions import available
from console.models import AirRecord, Call, Recording
from core.text import mask_number


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def record_json(record: AirRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "call_id": record.call_id,
        "outcome": record.outcome,
        "answer": record.answer,
        "answered_by_guest_id": record.answered_by_guest_id,
        "commitment_what": record.commitment_what,
        "commitment_due": _iso(record.commitment_due),
        "commitment_how": record.commitment_how,
        "satisfaction": record.satisfaction,
        "version": record.version,
        "updated_at": _iso(record.updated_at),
    }


def recording_json(recording: Recording) -> dict[str, Any]:
    """A recorded on-air segment; ``url`` plays it (GET /api/recordings/<id>/audio)."""
    return {
        "id": recording.id,
        "started_at": _iso(recording.started_at),
        "duration_seconds": recording.duration_seconds,
        "url": f"/api/recordings/{recording.id}/audio",
    }


def call_json(call: Call, *, masked: bool = False, seat: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": call.id,
        "session_id": call.session_id,
        "channel": call.channel,
        "state": call.state,
        "line": call.line,
        "caller_number": call.caller_number,
        "arrived_at": _iso(call.arrived_at),
        "picked_at": _iso(call.picked_at),
        "ready_at": _iso(call.ready_at),
        "aired_at": _iso(call.aired_at),
        "air_ended_at": _iso(call.air_ended_at),
        "finished_at": _iso(call.finished_at),
        "hangup_reason": call.hangup_reason,
        "queue_rank": call.queue_rank,
        "caller_name": call.caller_name,
        "district": call.district,
        "address": call.address,
        "contact_number": call.contact_number,
        # Whose record the clerk writes, told apart without the whole number on screen.
        "number_masked": mask_number(call.contact_number or call.caller_number),
        "category": call.category,
        "unit_id": call.unit_id,
        "section_id": call.section_id,
        "subject": call.subject,
        "details": call.details,
        "anonymous": call.anonymous,
        "consent_publish": call.consent_publish,
        "urgency": call.urgency,
        "host_note": call.host_note,
        "version": call.version,
        "updated_at": _iso(call.updated_at),
        "air_record": record_json(call.air_record),
    }
    if seat is not None:
        data["actions"] = available(call, seat)
    if masked:
        data["caller_number"] = mask_number(call.caller_number)
        data["contact_number"] = mask_number(call.contact_number)
        data["address"] = ""  # the district is enough on air
        if call.anonymous:
            data["caller_name"] = ""
    else:
        data["recordings"] = [recording_json(r) for r in call.recordings]
    return data
