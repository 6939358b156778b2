"""What a follow-up case is made of: the case itself, its append-only history, replies with their
attachments, the unit's reports that an on-air commitment is kept (with their evidence), callbacks,
extension requests, reminders and supervision notices, the notices sent, and each programme's
deadline policy."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from broadcast.models import AirSession, Programme, Section, Unit
from console.models import Call
from core.accounts import User
from core.db import EnumText, UTCDateTime, utcnow
from core.extensions import db
from core.labels import register
from core.matter import Category, Satisfaction, Urgency


class CaseState(enum.StrEnum):
    DUPLICATE = "duplicate"  # likely the same matter as an open case: the office merges or keeps it
    ASSIGNED = "assigned"  # 已交办: waiting for the unit to accept
    ACCEPTED = "accepted"  # 已签收
    IN_PROGRESS = "in_progress"  # 办理中
    DRAFTED = "drafted"  # reply drafted, waiting for the unit's reviewer
    APPROVED = "approved"  # reply approved, the citizen still to be answered
    ANSWERED = "answered"  # 已答复: the citizen was answered, result callback due
    CALLED_BACK = "called_back"  # result callback done, the office settles it
    REDO = "redo"  # 发回重办
    RETURNED = "returned"  # 回单: the unit says it is not its matter; the office reassigns
    SETTLED = "settled"  # 办结
    MERGED = "merged"  # merged into another case


# The groups of states the pages, lists, scores and jobs use: named once, here.
# Nothing more is done on the case (the unit desk's last queue, the "closed" filter).
CLOSED_STATES = frozenset({CaseState.SETTLED, CaseState.MERGED})
OPEN_STATES = frozenset(CaseState) - CLOSED_STATES
# The citizen has been given the unit's answer (the public page, the resolution rate, a deadline met).
ANSWERED_STATES = frozenset({CaseState.ANSWERED, CaseState.CALLED_BACK, CaseState.SETTLED})
# Open and not answered: the citizen's deadline still runs (the deadline badges and filters).
UNANSWERED_STATES = OPEN_STATES - ANSWERED_STATES
# The unit has the case in hand: it drafts, attaches, asks for more time.
UNIT_WORKING = frozenset(
    {CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.REDO, CaseState.DRAFTED, CaseState.APPROVED}
)
# The unit owes the citizen an answer: it is reminded, and counted overdue in its ranking.
UNIT_OWES = UNIT_WORKING | {CaseState.ASSIGNED}
# No unit answers for the case: merged away, or with the office (a likely duplicate, a return).
NOT_THE_UNITS = frozenset({CaseState.MERGED, CaseState.DUPLICATE, CaseState.RETURNED})


class CallbackKind(enum.StrEnum):
    PROCESS = "process"  # two days after assignment: has anyone started?
    RESULT = "result"  # after the reply: is the citizen satisfied?
    LOOKBACK = "lookback"  # 回头看: weekly, while an on-air commitment is open


class CallbackChannel(enum.StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WECHAT = "wechat"
    ON_SITE = "on_site"


class ExtensionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ReportState(enum.StrEnum):
    PENDING = "pending"  # the unit says the commitment is kept; the office has not decided
    CONFIRMED = "confirmed"  # by the office, the citizen at a callback or a look-back
    REJECTED = "rejected"  # the office says not kept (yet), and why: back to the unit


class NoticeKind(enum.StrEnum):
    REMINDER = "reminder"  # 催办
    SUPERVISION = "supervision"  # 督办: a formal notice, numbered


register(
    CaseState,
    {
        CaseState.DUPLICATE: _l("Possible duplicate"),
        CaseState.ASSIGNED: _l("Assigned"),
        CaseState.ACCEPTED: _l("Accepted"),
        CaseState.IN_PROGRESS: _l("In progress"),
        CaseState.DRAFTED: _l("Reply drafted"),
        CaseState.APPROVED: _l("Reply approved"),
        CaseState.ANSWERED: _l("Citizen answered"),
        CaseState.CALLED_BACK: _l("Called back"),
        CaseState.REDO: _l("Sent back to redo"),
        CaseState.RETURNED: _l("Returned by the unit"),
        CaseState.SETTLED: _l("Settled"),
        CaseState.MERGED: _l("Merged"),
    },
)
register(
    CallbackKind,
    {
        CallbackKind.PROCESS: _l("Process callback"),
        CallbackKind.RESULT: _l("Result callback"),
        CallbackKind.LOOKBACK: _l("Look-back"),
    },
)
register(
    CallbackChannel,
    {
        CallbackChannel.PHONE: _l("Phone"),
        CallbackChannel.SMS: _l("SMS"),
        CallbackChannel.WECHAT: _l("WeChat"),
        CallbackChannel.ON_SITE: _l("On site"),
    },
)
register(
    ExtensionState,
    {
        ExtensionState.PENDING: _l("Pending"),
        ExtensionState.APPROVED: _l("Approved"),
        ExtensionState.REFUSED: _l("Refused"),
    },
)
register(
    ReportState,
    {
        ReportState.PENDING: _l("Waiting for confirmation"),
        ReportState.CONFIRMED: _l("Confirmed"),
        ReportState.REJECTED: _l("Rejected"),
    },
)
register(
    NoticeKind,
    {
        NoticeKind.REMINDER: _l("Reminder"),
        NoticeKind.SUPERVISION: _l("Supervision notice"),
    },
)


class DeadlinePolicyRecord(db.Model):
    """A programme's deadline and reply rules (followup.deadlines.DeadlinePolicy as JSON); a
    programme without one uses the defaults."""

    __tablename__ = "deadline_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Case(db.Model):
    """One matter not settled on air, from assignment until settled.

    The citizen's words (every field of the card that is the citizen's, the district among them)
    are copied from the call when the case is made, so correcting a card later does not rewrite what
    the unit was asked to do. The facts of the call itself (its channel, line, time, the guest who
    answered, its recordings) never change once the call is over and are read through ``call``."""

    __tablename__ = "cases"
    noun: ClassVar[Any] = _l("Case")  # what a 404 names
    __table_args__ = (UniqueConstraint("programme_id", "year", "seq", name="uq_cases_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16), index=True)  # 2026-0042
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("air_sessions.id"), index=True)

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # handling (lead) unit
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    first_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # 首问: the first unit asked

    state: Mapped[CaseState] = mapped_column(EnumText(CaseState), default=CaseState.ASSIGNED, index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    caller_name: Mapped[str] = mapped_column(String(64), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    contact_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    consent_publish: Mapped[bool] = mapped_column(default=False)
    internal: Mapped[bool] = mapped_column(default=False)  # 内参: never published
    category: Mapped[Category | None] = mapped_column(EnumText(Category))
    urgency: Mapped[Urgency] = mapped_column(EnumText(Urgency, 8), default=Urgency.NORMAL)
    subject: Mapped[str] = mapped_column(String(256), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    on_air_answer: Mapped[str] = mapped_column(Text, default="")
    commitment_what: Mapped[str] = mapped_column(Text, default="")
    commitment_due: Mapped[date | None] = mapped_column(Date)
    commitment_how: Mapped[str] = mapped_column(Text, default="")
    commitment_fulfilled_on: Mapped[date | None] = mapped_column(Date)

    complex: Mapped[bool] = mapped_column(default=False)
    received_on: Mapped[date] = mapped_column(Date)  # 受理: the day the deadline counts from
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    due_rule: Mapped[str] = mapped_column(String(128), default="")
    calendar_fallback: Mapped[bool] = mapped_column(default=False)  # holiday calendar not yet published
    original_due_on: Mapped[date] = mapped_column(Date)
    redo_count: Mapped[int] = mapped_column(Integer, default=0)
    no_contact_count: Mapped[int] = mapped_column(Integer, default=0)  # "nobody contacted me"

    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_channel: Mapped[CallbackChannel | None] = mapped_column(EnumText(CallbackChannel))
    # The latest result callback's.
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    column_pick: Mapped[bool] = mapped_column(default=False)  # picked for the newspaper column

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    programme: Mapped[Programme] = relationship()
    call: Mapped[Call | None] = relationship()
    session: Mapped[AirSession | None] = relationship()
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    first_unit: Mapped[Unit] = relationship(foreign_keys=[first_unit_id])
    section: Mapped[Section | None] = relationship()
    duplicate_of: Mapped[Case | None] = relationship(remote_side=[id])
    assisting: Mapped[list[CaseAssist]] = relationship(back_populates="case", cascade="all, delete-orphan")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", passive_deletes="all"
    )
    replies: Mapped[list[Reply]] = relationship(back_populates="case", order_by="Reply.id")
    callbacks: Mapped[list[Callback]] = relationship(back_populates="case", order_by="Callback.due_on")
    extensions: Mapped[list[Extension]] = relationship(back_populates="case", order_by="Extension.id")
    notices: Mapped[list[Notice]] = relationship(back_populates="case", order_by="Notice.id")
    commitment_reports: Mapped[list[CommitmentReport]] = relationship(
        back_populates="case", order_by="CommitmentReport.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def commitment_open(self) -> bool:
        return bool(self.commitment_what) and self.commitment_fulfilled_on is None

    def visible_to_unit(self, unit_id: int | None) -> bool:
        return unit_id is not None and (
            self.unit_id == unit_id or any(a.unit_id == unit_id for a in self.assisting)
        )


class CaseAssist(db.Model):
    """A unit that helps with a multi-unit matter led by the case's handling unit (首问负责制)."""

    __tablename__ = "case_assists"
    __table_args__ = (UniqueConstraint("case_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="assisting")
    unit: Mapped[Unit] = relationship()


class CaseEvent(db.Model):
    """One line of a case's history: who did what, when, from which state to which. Append-only:
    the ORM refuses to change or delete a row (see the listeners below)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the scheduler
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[CaseState | None] = mapped_column(EnumText(CaseState))
    to_state: Mapped[CaseState | None] = mapped_column(EnumText(CaseState))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class HistoryIsAppendOnly(Exception):
    pass


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(*_: Any) -> None:
    raise HistoryIsAppendOnly("a case's history is never changed")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(*_: Any) -> None:
    raise HistoryIsAppendOnly("a case's history is never deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """UPDATE and DELETE statements bypass the per-row listeners above; refuse them too. The demo
    alone dates the history it invents into the past, and says so with ``demo_backdating``."""
    if not (state.is_update or state.is_delete) or state.execution_options.get("demo_backdating"):
        return
    if any(mapper.class_ is CaseEvent for mapper in state.all_mappers):
        raise HistoryIsAppendOnly("a case's history is never changed")


class Reply(db.Model):
    """A unit's written reply: drafted, then approved or returned to the drafter by the reviewer."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved: Mapped[bool | None] = mapped_column()  # None: not reviewed yet
    review_note: Mapped[str] = mapped_column(Text, default="")
    head_signoff: Mapped[str] = mapped_column(String(64), default="")  # the unit head who signed off

    case: Mapped[Case] = relationship(back_populates="replies")
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    attachments: Mapped[list[Attachment]] = relationship(back_populates="reply", order_by="Attachment.id")


class Attachment(db.Model):
    """A photo or document sent with a reply; the file lives in the instance folder."""

    __tablename__ = "attachments"
    noun: ClassVar[Any] = _l("Attachment")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(256))
    stored_as: Mapped[str] = mapped_column(String(256), unique=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Evidence that an on-air commitment is kept, instead of a reply's.
    commitment_report_id: Mapped[int | None] = mapped_column(ForeignKey("commitment_reports.id"), index=True)

    reply: Mapped[Reply | None] = relationship(back_populates="attachments")
    commitment_report: Mapped[CommitmentReport | None] = relationship(back_populates="attachments")


class CommitmentReport(db.Model):
    """The unit's word that the on-air commitment is kept: what was done, with photos or documents
    as evidence. The office confirms or rejects it; a callback or look-back with the citizen may
    confirm it too. The commitment counts as kept on the day the unit reported it."""

    __tablename__ = "commitment_reports"
    noun: ClassVar[Any] = _l("Report that the commitment is kept")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[ReportState] = mapped_column(EnumText(ReportState), default=ReportState.PENDING)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_on: Mapped[date] = mapped_column(Date)  # the station's day: the commitment's kept-on date
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the citizen's word
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="commitment_reports")
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="commitment_report", order_by="Attachment.id"
    )


class Callback(db.Model):
    """A callback owed to the citizen (scheduled when it falls due) and, once made, its outcome."""

    __tablename__ = "callbacks"
    noun: ClassVar[Any] = _l("Callback")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[CallbackKind] = mapped_column(EnumText(CallbackKind))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[CallbackChannel | None] = mapped_column(EnumText(CallbackChannel))
    reached: Mapped[bool | None] = mapped_column()
    contacted: Mapped[bool | None] = mapped_column()  # process callback: did the unit get in touch?
    fulfilled: Mapped[bool | None] = mapped_column()  # look-back: is the commitment kept?
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="callbacks")
    agent: Mapped[User | None] = relationship()


class Extension(db.Model):
    """A unit's request for more time (延期): approved with a new deadline the citizen must be told."""

    __tablename__ = "extensions"
    noun: ClassVar[Any] = _l("Extension request")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[ExtensionState] = mapped_column(EnumText(ExtensionState), default=ExtensionState.PENDING)
    reason: Mapped[str] = mapped_column(Text)
    requested_due: Mapped[date] = mapped_column(Date)
    previous_due: Mapped[date] = mapped_column(Date)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    granted_due: Mapped[date | None] = mapped_column(Date)
    citizen_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="extensions")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class Notice(db.Model):
    """A reminder (催办) or formal supervision notice (督办) to the handling unit."""

    __tablename__ = "notices"
    noun: ClassVar[Any] = _l("Notice")  # what a 404 names

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(EnumText(NoticeKind))
    number: Mapped[str] = mapped_column(String(32), default="")  # 督办 notices are numbered
    message: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the scheduler
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="notices")


class Delivery(db.Model):
    """What each notifier did with a notice (log, e-mail, SMS), for the office to check."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    notifier: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(256), default="")
    ok: Mapped[bool] = mapped_column()
    detail: Mapped[str] = mapped_column(String(512), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Publication(db.Model):
    """The public version of an answered case (subject, question, reply) as an editor approved it,
    masked. Only this text is ever shown publicly. It stands for the reply it was approved with
    (``reply_id``): a reply changed after a redo needs a new review, and a withdrawn consent clears
    the approval (``approved_at`` None). The approvals and take-downs are lines of the case's history."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))
    subject: Mapped[str] = mapped_column(String(256), default="")
    question: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    approved_by: Mapped[User | None] = relationship()
