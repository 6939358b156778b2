"""Programme, units and on-air sessions as stored."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, time
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import EnumText, UTCDateTime, utcnow
from core.extensions import db
from core.labels import register


class Programme(db.Model):
    __tablename__ = "programmes"
    noun: ClassVar[Any] = _l("Programme")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    station: Mapped[str] = mapped_column(String(128), default="")
    frequency: Mapped[str] = mapped_column(String(32), default="")
    time_slot: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list[AirSession]] = relationship(back_populates="programme")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "station": self.station,
            "frequency": self.frequency,
            "time_slot": self.time_slot,
        }


class Unit(db.Model):
    __tablename__ = "units"
    noun: ClassVar[Any] = _l("Unit")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    short_name: Mapped[str] = mapped_column(String(32), default="")
    # Where urgent matters are handed over during the show (seed 001: within minutes).
    duty_phone: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="Section.id"
    )
    contacts: Mapped[list[UnitContact]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitContact.id"
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
            "duty_phone": self.duty_phone,
            "sections": [s.to_json() for s in self.sections],
            "contacts": [c.to_json() for c in self.contacts],
        }


class Section(db.Model):
    """A section (科室) of a unit, to which matters are routed."""

    __tablename__ = "sections"
    noun: ClassVar[Any] = _l("Section")  # what a 404 names
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))

    unit: Mapped[Unit] = relationship(back_populates="sections")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "unit_id": self.unit_id, "name": self.name}


class ContactRole(enum.StrEnum):
    CHIEF = "chief"  # 总负责人
    LEAD = "lead"  # 具体负责人
    HANDLER = "handler"  # 直接承办人
    LIAISON = "liaison"  # 联络员


register(
    ContactRole,
    {
        ContactRole.CHIEF: _l("Overall responsible"),
        ContactRole.LEAD: _l("Responsible in charge"),
        ContactRole.HANDLER: _l("Direct handler"),
        ContactRole.LIAISON: _l("Liaison"),
    },
)


class UnitContact(db.Model):
    __tablename__ = "unit_contacts"
    noun: ClassVar[Any] = _l("Contact")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    role: Mapped[ContactRole] = mapped_column(EnumText(ContactRole))
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    # Where reminders and supervision notices about the unit's cases are sent.
    email: Mapped[str] = mapped_column(String(128), default="")

    unit: Mapped[Unit] = relationship(back_populates="contacts")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit_id": self.unit_id,
            "role": self.role,
            "name": self.name,
            "title": self.title,
            "phone": self.phone,
            "email": self.email,
        }


class SessionState(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


register(
    SessionState,
    {SessionState.SCHEDULED: _l("Scheduled"), SessionState.LIVE: _l("Live"), SessionState.ENDED: _l("Ended")},
)


def _web_token() -> str:
    return secrets.token_urlsafe(9)


class AirSession(db.Model):
    """One unit's hour on air (上线)."""

    __tablename__ = "air_sessions"
    noun: ClassVar[Any] = _l("Session")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    air_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    topic: Mapped[str] = mapped_column(String(256), default="")
    state: Mapped[SessionState] = mapped_column(EnumText(SessionState), default=SessionState.SCHEDULED)
    went_live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The public web channel's address for this session: unguessable, so only the announced
    # link reaches it.
    web_token: Mapped[str] = mapped_column(String(32), unique=True, default=_web_token)
    # Frozen at the end of the show, for the report and the archive.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="sessions")
    unit: Mapped[Unit] = relationship()
    guests: Mapped[list[Guest]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Guest.id"
    )
    materials: Mapped[list[Material]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Material.id"
    )
    prepared_answers: Mapped[list[PreparedAnswer]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="PreparedAnswer.id"
    )

    @property
    def is_live(self) -> bool:
        return self.state == SessionState.LIVE

    @property
    def head_present(self) -> bool:
        return any(g.is_head and g.present for g in self.guests)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "programme_id": self.programme_id,
            "programme": self.programme.name if self.programme else None,
            "unit_id": self.unit_id,
            "unit": self.unit.name if self.unit else None,
            "air_date": self.air_date.isoformat(),
            "start_time": self.start_time.strftime("%H:%M"),
            "end_time": self.end_time.strftime("%H:%M"),
            "topic": self.topic,
            "state": self.state,
            "went_live_at": self.went_live_at.isoformat() if self.went_live_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "web_token": self.web_token,
            "guests": [g.to_json() for g in self.guests],
            "head_present": self.head_present,
        }


class Guest(db.Model):
    """An official in the studio (参加直播节目人员)."""

    __tablename__ = "guests"
    noun: ClassVar[Any] = _l("Guest")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("air_sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(128), default="")
    is_head: Mapped[bool] = mapped_column(default=False)  # 一把手
    # Planned guests are expected; the producer unticks one who does not turn up.
    present: Mapped[bool] = mapped_column(default=True)

    session: Mapped[AirSession] = relationship(back_populates="guests")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "is_head": self.is_head,
            "present": self.present,
        }


class MaterialKind(enum.StrEnum):
    FUNCTIONS = "functions"
    PROCEDURES = "procedures"
    COMMITMENTS = "commitments"
    RULES = "rules"
    OTHER = "other"


register(
    MaterialKind,
    {
        MaterialKind.FUNCTIONS: _l("Functions"),
        MaterialKind.PROCEDURES: _l("Procedures"),
        MaterialKind.COMMITMENTS: _l("Service commitments"),
        MaterialKind.RULES: _l("Rules and policies"),
        MaterialKind.OTHER: _l("Other material"),
    },
)


class Material(db.Model):
    """The unit's prepared material for its session (上线材料)."""

    __tablename__ = "materials"
    noun: ClassVar[Any] = _l("Material")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("air_sessions.id", ondelete="CASCADE"))
    kind: Mapped[MaterialKind] = mapped_column(EnumText(MaterialKind))
    title: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text, default="")

    session: Mapped[AirSession] = relationship(back_populates="materials")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "body": self.body}


class PreparedAnswer(db.Model):
    """An anticipated question with the unit's answer, matched to callers' subjects on air."""

    __tablename__ = "prepared_answers"
    noun: ClassVar[Any] = _l("Prepared answer")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("air_sessions.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)

    session: Mapped[AirSession] = relationship(back_populates="prepared_answers")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "answer": self.answer}
