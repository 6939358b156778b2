"""Calls and their cards, on-air records, segment recordings, chat, the block list and the line
status as stored."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcast.models import AirSession, Guest
from core.db import EnumText, UTCDateTime, utcnow
from core.extensions import db
from core.labels import register
from core.matter import Category, Satisfaction, Urgency
from telephony.protocol import LineState


class CallState(enum.StrEnum):
    WAITING = "waiting"
    SCREENING = "screening"
    READY = "ready"
    ON_AIR = "on_air"
    AFTER_AIR = "after_air"  # the segment ended; held for the producer, who asks the satisfaction
    DONE = "done"
    ABANDONED = "abandoned"


class Channel(enum.StrEnum):
    PHONE = "phone"
    WEB = "web"
    MANUAL = "manual"


class Outcome(enum.StrEnum):
    ANSWERED = "answered"  # answered on the spot
    COMMITMENT = "commitment"  # promised: what, by when, how
    FOLLOWUP = "followup"  # to be handled after the show
    EXPLAINED = "explained"  # explained (policy, not the unit's matter, ...)


register(
    CallState,
    {
        CallState.WAITING: _l("Waiting"),
        CallState.SCREENING: _l("Screening"),
        CallState.READY: _l("Ready"),
        CallState.ON_AIR: _l("On air"),
        CallState.AFTER_AIR: _l("After air"),
        CallState.DONE: _l("Done"),
        CallState.ABANDONED: _l("Abandoned"),
    },
)
register(Channel, {Channel.PHONE: _l("Phone"), Channel.WEB: _l("Web"), Channel.MANUAL: _l("Manual")})
register(
    Outcome,
    {
        Outcome.ANSWERED: _l("Answered on the spot"),
        Outcome.COMMITMENT: _l("Commitment"),
        Outcome.FOLLOWUP: _l("To be handled after the show"),
        Outcome.EXPLAINED: _l("Explained"),
    },
)


# The fields of a caller's card a producer edits; everything else about a call is its flow.
CARD_FIELDS = (
    "caller_name",
    "district",
    "address",
    "contact_number",
    "category",
    "unit_id",
    "section_id",
    "subject",
    "details",
    "anonymous",
    "consent_publish",
    "urgency",
    "host_note",
)


class Call(db.Model):
    """A listener's call (or web or hand-made submission) and the card the producer fills."""

    __tablename__ = "calls"
    noun: ClassVar[Any] = _l("Call")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("air_sessions.id"), index=True)
    channel: Mapped[Channel] = mapped_column(EnumText(Channel, 8))
    state: Mapped[CallState] = mapped_column(EnumText(CallState), default=CallState.WAITING, index=True)
    line: Mapped[str | None] = mapped_column(String(16))
    caller_number: Mapped[str | None] = mapped_column(String(64), index=True)
    # The line server's own id for the call; commands and events refer to it.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    picked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    air_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hangup_reason: Mapped[str | None] = mapped_column(String(64))
    # Order of ready callers on the host's list; fractional so a move touches one row.
    queue_rank: Mapped[float | None] = mapped_column(Float)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    caller_name: Mapped[str] = mapped_column(String(64), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(256), default="")
    contact_number: Mapped[str] = mapped_column(String(64), default="")
    category: Mapped[Category | None] = mapped_column(EnumText(Category))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    subject: Mapped[str] = mapped_column(String(256), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    consent_publish: Mapped[bool] = mapped_column(default=False)
    urgency: Mapped[Urgency] = mapped_column(EnumText(Urgency, 8), default=Urgency.NORMAL)
    host_note: Mapped[str] = mapped_column(String(512), default="")

    # Optimistic concurrency: every saved change bumps it; a stale writer gets a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[AirSession] = relationship()
    air_record: Mapped[AirRecord | None] = relationship(back_populates="call", uselist=False)
    # Loaded with the calls: every seat payload lists them.
    recordings: Mapped[list[Recording]] = relationship(
        back_populates="call", order_by="Recording.started_at", lazy="selectin"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class Recording(db.Model):
    """One on-air segment of a call, as the line server recorded it: a WAV file on the line
    server's disk, reported once the segment's recorder is closed."""

    __tablename__ = "recordings"
    noun: ClassVar[Any] = _l("Recording")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    # Absolute, as the line server wrote it; the same file reported twice is stored once.
    file_path: Mapped[str] = mapped_column(String(1024), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="recordings")


class AirRecord(db.Model):
    """What the official said on air about one call, as the clerk recorded it."""

    __tablename__ = "air_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    outcome: Mapped[Outcome | None] = mapped_column(EnumText(Outcome))
    answer: Mapped[str] = mapped_column(Text, default="")
    commitment_what: Mapped[str] = mapped_column(Text, default="")
    commitment_due: Mapped[date | None] = mapped_column(Date)
    commitment_how: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))
    # Which of the session's guests answered; the clerk picks one from the studio's list.
    answered_by_guest_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="air_record")
    answered_by_guest: Mapped[Guest | None] = relationship()

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class BlockedNumber(db.Model):
    __tablename__ = "blocked_numbers"
    noun: ClassVar[Any] = _l("Blocked number")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(256), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
        }


class ChatMessage(db.Model):
    """A message between the host and the producers of a session."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("air_sessions.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seat: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sender = relationship("User")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seat": self.seat,
            "sender": self.sender.display_name if self.sender else "",
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }


class LineNotice(enum.StrEnum):
    """What a seat warns about the phone lines; each label is the banner's text (the numbers in it
    are filled in by static/js/seat.js). Never stored."""

    DOWN = "down"  # the line server is not connected
    FEW_LINES = "few_lines"  # it holds fewer lines than a show needs
    DISK_LOW = "disk_low"  # little room left for recordings


register(
    LineState,
    {
        LineState.IDLE: _l("Idle"),
        LineState.RINGING: _l("Ringing"),
        LineState.GREETING: _l("Greeting"),
        LineState.WAITING: _l("Waiting"),
        LineState.WITH_PRODUCER: _l("With the producer"),
        LineState.READY: _l("Ready"),
        LineState.ON_AIR: _l("On air"),
        LineState.HELD: _l("Held"),
        LineState.DOWN: _l("Down"),
    },
)
register(
    LineNotice,
    {
        LineNotice.DOWN: _l("Phone lines down — cards are kept; the line server is restarting."),
        LineNotice.FEW_LINES: _l("Only %(n)s phone lines"),
        LineNotice.DISK_LOW: _l("Recording disk almost full: %(mb)s MB free"),
    },
)


class Line(db.Model):
    """The last known state of one phone line, as the line server reported it."""

    __tablename__ = "lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[LineState] = mapped_column(EnumText(LineState), default=LineState.DOWN)
    call_external_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "call_external_id": self.call_external_id,
            "updated_at": self.updated_at.isoformat(),
        }
