"""Everything anyone does to a case, as one table of actions.

Each action names the states it may start from, the state it leads to (or none, for actions that
only add to the case: an extension request, a reminder, a callback), the roles that may take it
and what it needs from the person. ``perform`` is the only way a case changes: it checks who is
acting (a unit acts only on its own cases), checks the state, validates the input, applies the
change, writes one append-only history line, commits, then tells the desks. No route, page or
job changes a case's state any other way, so no illegal jump is possible through any of them.

An on-air commitment is kept in steps of their own: the unit reports it kept with what was done
and its evidence, the office confirms the report or rejects it with a reason (back to the unit),
or the citizen confirms it at the result callback or a look-back; only then does the case settle.

What the application does by itself is in the table too, as system actions no person's role may
take: making a case of a call, the line a merge leaves on the case merged into, a due date
recounted once the holiday calendar is known, a weekly look-back scheduled, the call's on-air
record amended by the clerk after the case was made. So every line of a
case's history is written by ``perform``, and only there (``_record``).

Several actions can be one transaction (``one_transaction``): a show's conversion makes all its
cases at once, and a merge writes a line on a second case; they are committed together and only
then told to the desks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, field_validator

from broadcast.models import Section, Unit
from console.models import Outcome
from core import clock
from core.access import GRANTS, Permission
from core.accounts import STAFF_ROLES, UNIT_ROLES, Role, User
from core.api import ApiError, commit_or_conflict, invalid, not_found, parse
from core.db import utcnow
from core.extensions import db
from core.labels import label
from core.matter import Category, Satisfaction
from followup import publication, realtime
from followup.deadlines import DeadlinePolicy, DeadlineRule, due_date
from followup.models import (
    ANSWERED_STATES,
    NOT_THE_UNITS,
    OPEN_STATES,
    UNIT_WORKING,
    Attachment,
    Callback,
    CallbackChannel,
    CallbackKind,
    Case,
    CaseAssist,
    CaseEvent,
    CaseState,
    CommitmentReport,
    Extension,
    ExtensionState,
    Notice,
    NoticeKind,
    Reply,
    ReportState,
)
from followup.policy import policy_for

S = CaseState
OVERSIGHT = frozenset({Role.OVERSIGHT, Role.ADMIN})
UNIT = frozenset({Role.UNIT_HANDLER, Role.UNIT_REVIEWER})
REVIEWER = frozenset({Role.UNIT_REVIEWER})
CALLBACK = frozenset({Role.CALLBACK_AGENT}) | OVERSIGHT
EDITORS = GRANTS[Permission.PUBLISH] | {Role.ADMIN}  # who approves what the public reads
SYSTEM: frozenset[Role] = frozenset()  # no person's role: the application alone takes the action
NEW = None  # the state of a case being made
PROCESS_CALLBACK_AFTER = timedelta(days=2)
RESULT_CALLBACK_AFTER = timedelta(days=1)
LOOKBACK_EVERY = timedelta(days=7)
# The unit answers for its on-air commitment until it is kept, also once the citizen has the answer.
COMMITMENT_STATES = OPEN_STATES - NOT_THE_UNITS


# --- what each action needs ---------------------------------------------------------------------
class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    version: int | None = None  # the case version the person saw; a stale one is refused


class Empty(_Input):
    pass


class Reason(_Input):
    reason: str = Field(min_length=2, max_length=2000)


class OptionalNote(_Input):
    note: str = Field(default="", max_length=2000)


class Reassign(_Input):
    unit_id: int
    section_id: int | None = None
    assisting_unit_ids: list[int] = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=2000)


class Draft(_Input):
    body: str = Field(min_length=1, max_length=20000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=50)


class Approve(_Input):
    note: str = Field(default="", max_length=2000)
    head_signoff: str = Field(default="", max_length=64)


class Answer(_Input):
    channel: CallbackChannel
    note: str = Field(default="", max_length=2000)


class RequestExtension(_Input):
    reason: str = Field(min_length=2, max_length=2000)
    requested_due: date


class DecideExtension(_Input):
    extension_id: int
    approve: bool
    note: str = Field(min_length=2, max_length=2000)
    granted_due: date | None = None


class ExtensionTold(_Input):
    extension_id: int


class SendNotice(_Input):
    message: str = Field(default="", max_length=2000)


class RecordCallback(_Input):
    callback_id: int
    channel: CallbackChannel
    reached: bool = True
    contacted: bool | None = None
    fulfilled: bool | None = None
    satisfaction: Satisfaction | None = None
    commitment_kept: bool | None = None  # result callback: the citizen confirms the commitment kept
    note: str = Field(default="", max_length=2000)


class ReportKept(_Input):
    body: str = Field(min_length=2, max_length=4000)  # what was done, when, with what result
    attachment_ids: list[int] = Field(default_factory=list, max_length=50)


class DecideReport(_Input):
    report_id: int
    note: str = Field(default="", max_length=2000)


class RejectReport(_Input):
    report_id: int
    reason: str = Field(min_length=2, max_length=2000)


class Edit(_Input):
    complex: bool | None = None
    internal: bool | None = None
    consent_publish: bool | None = None
    category: Category | None = None
    section_id: int | None = None


class ColumnPick(_Input):
    picked: bool


class PublicText(_Input):
    subject: str = Field(min_length=1, max_length=256)
    question: str = Field(default="", max_length=20000)
    reply: str = Field(min_length=1, max_length=20000)


class NoticeSeen(_Input):
    notice_id: int

    @field_validator("notice_id")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("positive")
        return value


# What the application gives its own actions. The history line's note comes from ``note`` (and its
# data from the other fields), as it does from a person's; an action that only learns what happened
# while applying (the recounted date) fills them in then.
class Create(_Input):
    call_id: int | None = None
    note: str = ""


class MergedIn(_Input):
    case_id: int
    note: str = ""


class Recount(_Input):
    start: date
    redo: bool = False
    due_from: date | None = Field(default=None, serialization_alias="from")
    due_to: date | None = Field(default=None, serialization_alias="to")
    note: str = ""


class ScheduleLookback(_Input):
    due_on: date


class RecordAmended(_Input):
    call_id: int
    changed: list[str]  # the on-air record's fields that changed; the note says from what to what
    note: str = ""


# --- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    sources: frozenset[CaseState | None]  # None (NEW): a case being made
    roles: frozenset[Role]
    needs: type[_Input]
    apply: Callable[[Case, User | None, Any, DeadlinePolicy], CaseState | None]
    target: CaseState | None = None  # the usual target, for the desks' buttons; apply decides
    per_item: bool = False  # acts on one callback, extension, notice or report of the case, not on the case
    # Offered as a button only when this holds as well as the state (apply refuses it otherwise).
    offered: Callable[[Case], bool] | None = None

    @property
    def system(self) -> bool:
        """Taken by the application itself (a conversion, the daily duty, a merge's other case)."""
        return not self.roles


def _actions() -> dict[str, Action]:
    table = [
        Action("keep", _l("Keep as a separate case"), frozenset({S.DUPLICATE}), OVERSIGHT, OptionalNote,
               _keep, S.ASSIGNED),
        Action("merge", _l("Merge into the open case"), frozenset({S.DUPLICATE}), OVERSIGHT, OptionalNote,
               _merge, S.MERGED),
        Action("accept", _l("Accept"), frozenset({S.ASSIGNED}), UNIT, Empty, _to(S.ACCEPTED), S.ACCEPTED),
        Action("return", _l("Return: not our matter"), frozenset({S.ASSIGNED, S.ACCEPTED}), UNIT, Reason,
               _return, S.RETURNED),
        Action("reassign", _l("Reassign"), frozenset({S.RETURNED, S.ASSIGNED}), OVERSIGHT, Reassign,
               _reassign, S.ASSIGNED),
        Action("start", _l("Start handling"), frozenset({S.ACCEPTED, S.REDO}), UNIT, Empty,
               _to(S.IN_PROGRESS), S.IN_PROGRESS),
        Action("draft", _l("Submit reply for review"), frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REDO}), UNIT,
               Draft, _draft, S.DRAFTED),
        Action("approve", _l("Approve reply"), frozenset({S.DRAFTED}), REVIEWER, Approve, _approve,
               S.APPROVED),
        Action("return_to_drafter", _l("Return to the drafter"), frozenset({S.DRAFTED}), REVIEWER, Reason,
               _return_to_drafter, S.IN_PROGRESS),
        Action("answer", _l("Citizen answered"), frozenset({S.APPROVED}), UNIT, Answer, _answer, S.ANSWERED),
        Action("callback", _l("Record callback"), frozenset(S) - {S.SETTLED, S.MERGED, S.DUPLICATE},
               CALLBACK, RecordCallback, _callback, per_item=True),
        Action("redo", _l("Send back to redo"),
               frozenset({S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.ANSWERED, S.CALLED_BACK}),
               CALLBACK, Reason, _redo, S.REDO),
        Action("settle", _l("Settle"), frozenset({S.CALLED_BACK, S.ANSWERED}), OVERSIGHT, OptionalNote,
               _settle, S.SETTLED),
        Action("request_extension", _l("Request an extension"), UNIT_WORKING, UNIT, RequestExtension,
               _request_extension),
        Action("decide_extension", _l("Decide on the extension"), UNIT_WORKING | {S.ASSIGNED}, OVERSIGHT,
               DecideExtension, _decide_extension, per_item=True),
        Action("extension_told", _l("Citizen told of the new deadline"), frozenset(S) - {S.MERGED},
               UNIT | CALLBACK, ExtensionTold, _extension_told, per_item=True),
        Action("remind", _l("Send a reminder"), OPEN_STATES - NOT_THE_UNITS, OVERSIGHT, SendNotice,
               _notice(NoticeKind.REMINDER)),
        Action("supervise", _l("Issue a supervision notice"), OPEN_STATES - NOT_THE_UNITS, OVERSIGHT,
               SendNotice, _notice(NoticeKind.SUPERVISION)),
        Action("notice_seen", _l("Mark notice seen"), frozenset(S), UNIT, NoticeSeen, _notice_seen,
               per_item=True),
        Action("edit", _l("Edit"), OPEN_STATES, OVERSIGHT, Edit, _edit),
        Action("column_pick", _l("Pick for the newspaper column"), frozenset(S), OVERSIGHT | {Role.PRODUCER},
               ColumnPick, _column_pick),
        Action("publish", _l("Approve the public text"), ANSWERED_STATES, EDITORS, PublicText, _publish,
               offered=consented),
        Action("withdraw_consent", _l("Consent to publication withdrawn"), frozenset(S), CALLBACK | EDITORS,
               OptionalNote, _withdraw_consent, offered=consented),
        Action("report_kept", _l("Report the commitment kept"), COMMITMENT_STATES, UNIT, ReportKept,
               _report_kept, offered=may_report_kept),
        Action("confirm_kept", _l("Confirm the commitment kept"), COMMITMENT_STATES, OVERSIGHT, DecideReport,
               _confirm_kept, per_item=True),
        Action("reject_kept", _l("Reject the report: commitment not kept"), COMMITMENT_STATES, OVERSIGHT,
               RejectReport, _reject_kept, per_item=True),
        # The application's own; their names are those the history has always used.
        Action("created", _l("Case created"), frozenset({NEW}), SYSTEM, Create, _create, S.ASSIGNED),
        Action("merged_in", _l("Another case merged into this one"), OPEN_STATES, SYSTEM, MergedIn,
               _merged_in),
        Action("due_recomputed", _l("Due date recomputed"), frozenset(S) - {S.MERGED}, SYSTEM, Recount,
               _recount_due),
        Action("lookback_scheduled", _l("Look-back scheduled"), frozenset(S) - NOT_THE_UNITS, SYSTEM,
               ScheduleLookback, _schedule_lookback),
        Action("record_amended", _l("On-air record amended"), frozenset(S), SYSTEM, RecordAmended,
               _record_amended),
        # The citizen, on the receipt page, with the receipt number and the phone's last digits.
        Action("citizen_withdrew_consent", _l("The citizen withdrew consent to publication"), frozenset(S),
               SYSTEM, OptionalNote, _withdraw_consent),
    ]  # fmt: skip
    return {action.name: action for action in table}


# --- performing ---------------------------------------------------------------------------------
_PENDING = "followup_cases_to_publish"  # on flask.g while a transaction of actions is open


def perform(
    case: Case, name: str, actor: User | None, data: dict[str, Any] | None = None, *, system: bool = False
) -> Case:
    """Take action ``name`` on ``case`` as ``actor`` (None: the scheduler). ``system``: the
    application takes one of its own actions, on behalf of ``actor`` if any (the person converting
    a show, merging a case), who is named in the history but not checked. Raises ApiError:
    404 for a case the actor's unit may not see, 403 for a role that may not act (no one asking
    through a page or the API may take a system action), 409 for a state the action does not start
    from, 422 for bad input or a refused reply. Commits and tells the desks, unless it is inside
    ``one_transaction``, which then does."""
    with one_transaction():
        _step(case, name, actor, data, system)
    return case


@contextmanager
def one_transaction() -> Iterator[None]:
    """The actions performed inside are one transaction: committed together when the outermost
    one ends, then told to the desks; if one fails, none is kept. Nested, it joins the outer one."""
    if _PENDING in g:
        yield
        return
    changed: list[tuple[Case, list[str]]] = []
    setattr(g, _PENDING, changed)
    try:
        yield
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        g.pop(_PENDING)
    for case, rooms_before in changed:
        realtime.publish_case(case, rooms_before)


def _step(case: Case, name: str, actor: User | None, data: dict[str, Any] | None, system: bool) -> None:
    """One action, applied and written in the history, not committed: ``perform`` and, for the
    second case of a merge, the merge itself call it, always inside ``one_transaction``."""
    action = ACTIONS.get(name)
    if action is None:
        raise ApiError(404, "no_such_action", _("There is no such action."))
    if action.system != system:
        raise ApiError(403, "forbidden", _("Your role may not do this."))
    if actor is not None and not system:
        check_may_act(case, action, actor)
    if case.state not in action.sources:
        raise ApiError(
            409,
            "illegal_transition",
            _("This case is %(state)s; it cannot be done now.", state=label(case.state)),
        )
    payload = parse(action.needs, data or {})
    if payload.version is not None and payload.version != case.version:
        raise _changed_meanwhile()
    before = case.state
    rooms_before = realtime.case_rooms(case)
    target = action.apply(case, actor, payload, policy_for(case.programme_id))
    if target is not None:
        case.state = target
    _record(case, actor, name, before, payload)
    # Every action bumps the case's version, also one that only adds an item (an extension
    # request, a notice), so a page showing the case before it knows it is stale.
    case.updated_at = utcnow()
    getattr(g, _PENDING).append((case, rooms_before))


def check_may_act(case: Case, action: Action, actor: User) -> None:
    if not may_see(case, actor):
        raise not_found(Case, case.id)
    if actor.role not in action.roles:
        raise ApiError(403, "forbidden", _("Your role may not do this."))
    if actor.role in UNIT and case.unit_id != actor.unit_id:
        # An assisting unit sees the case; only the lead unit handles it.
        raise ApiError(403, "forbidden", _("Only the handling unit may do this."))


def may_see(case: Case, user: User) -> bool:
    if user.role in UNIT_ROLES:
        return case.visible_to_unit(user.unit_id)
    return user.role in STAFF_ROLES


def available(case: Case, user: User) -> list[str]:
    """The actions ``user`` may take on ``case`` itself now, in table order: the desks' buttons.
    Actions on one callback, extension or notice are offered beside that item instead."""
    result = []
    for action in ACTIONS.values():
        try:
            check_may_act(case, action, user)
        except ApiError:
            continue
        if case.state in action.sources and not action.per_item and (action.offered or bool)(case):
            result.append(action.name)
    return result


def _record(case: Case, actor: User | None, action: str, before: CaseState | None, payload: _Input) -> None:
    """The one place a line of history is written."""
    data = payload.model_dump(mode="json", by_alias=True, exclude={"version"}, exclude_defaults=True)
    note = ""
    if data:
        note = str(data.pop("reason", "") or data.pop("note", "") or data.get("message", "") or "")
    db.session.add(
        CaseEvent(
            case=case,
            actor_id=actor.id if actor else None,
            action=action,
            from_state=before,
            to_state=case.state,
            note=note,
            data=data or None,
        )
    )


def _changed_meanwhile() -> ApiError:
    return ApiError(409, "changed_meanwhile", _("Someone else changed this case meanwhile; reload it."))


# --- the actions --------------------------------------------------------------------------------
def _to(state: CaseState) -> Callable[..., CaseState]:
    return lambda case, actor, payload, policy: state


def _keep(case: Case, actor: User | None, payload: OptionalNote, policy: DeadlinePolicy) -> CaseState:
    case.duplicate_of_id = None
    schedule_process_callback(case)
    return S.ASSIGNED


def _merge(case: Case, actor: User | None, payload: OptionalNote, policy: DeadlinePolicy) -> CaseState:
    target = case.duplicate_of
    if target is None or not target.is_open:
        raise ApiError(
            409, "merge_target_closed", _("The case to merge into is no longer open; keep this one.")
        )
    note = _("Case %(number)s merged into this one.", number=case.number)
    _step(target, "merged_in", actor, {"case_id": case.id, "note": note}, True)
    return S.MERGED


def _merged_in(case: Case, actor: User | None, payload: MergedIn, policy: DeadlinePolicy) -> None:
    return None  # the line in the history is the whole of it


def _return(case: Case, actor: User | None, payload: Reason, policy: DeadlinePolicy) -> CaseState:
    return S.RETURNED


def _reassign(case: Case, actor: User | None, payload: Reassign, policy: DeadlinePolicy) -> CaseState:
    unit = db.session.get(Unit, payload.unit_id)
    if unit is None:
        raise invalid("unit_id", _("No such unit."))
    if payload.section_id is not None:
        section = db.session.get(Section, payload.section_id)
        if section is None or section.unit_id != unit.id:
            raise invalid("section_id", _("Not a section of that unit."))
    assisting = set(payload.assisting_unit_ids) - {unit.id}
    if any(db.session.get(Unit, uid) is None for uid in assisting):
        raise invalid("assisting_unit_ids", _("No such unit."))
    # 首问负责制: in a matter of several units, the first unit asked leads.
    if case.first_unit_id in assisting or (assisting and case.first_unit_id != unit.id):
        lead = case.first_unit_id
        assisting = (assisting | {unit.id}) - {lead}
        unit = db.session.get(Unit, lead)
        assert unit is not None
    case.unit_id = unit.id
    case.section_id = payload.section_id if payload.section_id and unit.id == payload.unit_id else None
    # Rows of units still assisting are kept: a new row for the same unit would break the unique
    # (case, unit) pair, as the old one is only deleted after the new one is inserted.
    kept = [a for a in case.assisting if a.unit_id in assisting]
    added = sorted(assisting - {a.unit_id for a in kept})
    case.assisting = kept + [CaseAssist(unit_id=uid) for uid in added]
    # The new unit gets its full time, counted from the day it is handed the case.
    set_due(case, clock.today(), policy)
    schedule_process_callback(case)
    return S.ASSIGNED


def _draft(case: Case, actor: User | None, payload: Draft, policy: DeadlinePolicy) -> CaseState:
    problem = reply_problem(payload.body, policy)
    if problem:
        raise ApiError(422, "reply_refused", problem, {"body": problem})
    assert actor is not None
    reply = Reply(case=case, body=payload.body, drafted_by_id=actor.id)
    db.session.add(reply)
    for attachment in _unattached(case, payload.attachment_ids):
        attachment.reply = reply
    return S.DRAFTED


def _unattached(case: Case, attachment_ids: list[int]) -> list[Attachment]:
    """The case's uploaded files named by ``attachment_ids``, none yet part of a reply or report."""
    found = []
    for attachment_id in attachment_ids:
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None or attachment.case_id != case.id or _attached(attachment):
            raise invalid("attachment_ids", _("No such attachment."))
        found.append(attachment)
    return found


def _attached(attachment: Attachment) -> bool:
    """Sent already, with a reply or a report that the commitment is kept."""
    return attachment.reply_id is not None or attachment.commitment_report_id is not None


def reply_problem(body: str, policy: DeadlinePolicy) -> str | None:
    """Why a reply is refused (001: replies must be concrete), or None."""
    for phrase in policy.perfunctory_phrases:
        if phrase and phrase in body:
            return _(
                "The reply says \u201c%(phrase)s\u201d, which is perfunctory: say what was done, by "
                "whom, when, and with what result.",
                phrase=phrase,
            )
    if len("".join(body.split())) < policy.min_reply_chars:
        return _(
            "The reply is too short to be concrete: at least %(n)s characters, saying what was done "
            "and with what result.",
            n=policy.min_reply_chars,
        )
    return None


def latest_reply(case: Case) -> Reply | None:
    return case.replies[-1] if case.replies else None


def _approve(case: Case, actor: User | None, payload: Approve, policy: DeadlinePolicy) -> CaseState:
    reply = latest_reply(case)
    assert reply is not None and actor is not None
    if reply.drafted_by_id == actor.id:
        raise ApiError(403, "own_reply", _("A reply is approved by someone other than its drafter."))
    if policy.head_signoff_required and not payload.head_signoff:
        raise invalid("head_signoff", _("This programme asks for the unit head's sign-off."))
    reply.approved = True
    reply.reviewed_by_id = actor.id
    reply.reviewed_at = utcnow()
    reply.review_note = payload.note
    reply.head_signoff = payload.head_signoff
    return S.APPROVED


def _return_to_drafter(case: Case, actor: User | None, payload: Reason, policy: DeadlinePolicy) -> CaseState:
    reply = latest_reply(case)
    assert reply is not None and actor is not None
    reply.approved = False
    reply.reviewed_by_id = actor.id
    reply.reviewed_at = utcnow()
    reply.review_note = payload.reason
    return S.IN_PROGRESS


def _answer(case: Case, actor: User | None, payload: Answer, policy: DeadlinePolicy) -> CaseState:
    case.answered_at = utcnow()
    case.answer_channel = payload.channel
    # The process callback asks whether anyone started; with the answer given, it is moot.
    for callback in case.callbacks:
        if callback.kind == CallbackKind.PROCESS and callback.done_at is None:
            db.session.delete(callback)
    if not case.anonymous:
        _schedule(case, CallbackKind.RESULT, clock.today() + RESULT_CALLBACK_AFTER)
    return S.ANSWERED


def _callback(
    case: Case, actor: User | None, payload: RecordCallback, policy: DeadlinePolicy
) -> CaseState | None:
    callback = db.session.get(Callback, payload.callback_id)
    if callback is None or callback.case_id != case.id:
        raise not_found(Callback, payload.callback_id)
    if callback.done_at is not None:
        raise ApiError(409, "callback_done", _("This callback was already recorded."))
    if case.anonymous:
        raise ApiError(409, "anonymous", _("Anonymous cases are exempt from callbacks."))
    needed = {
        CallbackKind.PROCESS: ("contacted", _("Did anyone from the unit contact the citizen?")),
        CallbackKind.RESULT: ("satisfaction", _("How satisfied is the citizen?")),
        CallbackKind.LOOKBACK: ("fulfilled", _("Is the commitment kept?")),
    }[callback.kind]
    if payload.reached and getattr(payload, needed[0]) is None:
        raise invalid(needed[0], str(needed[1]))
    if callback.kind == CallbackKind.RESULT and case.state != S.ANSWERED and payload.reached:
        raise ApiError(409, "illegal_transition", _("The result callback follows the unit's answer."))
    callback.agent_id = actor.id if actor else None
    callback.channel = payload.channel
    callback.reached = payload.reached
    callback.note = payload.note
    if not payload.reached:
        # Not reached: the attempt is in the history and the callback stays due.
        return None
    callback.done_at = utcnow()
    callback.contacted = payload.contacted
    callback.fulfilled = payload.fulfilled
    callback.satisfaction = payload.satisfaction
    if callback.kind == CallbackKind.PROCESS and payload.contacted is False:
        # "Nobody contacted me" sends the case back and counts against the unit (001).
        case.no_contact_count += 1
        if case.state in ACTIONS["redo"].sources:
            return _redo(case, actor, Reason(reason=_("Nobody contacted the citizen.")), policy)
        return None
    if payload.commitment_kept is not None and callback.kind == CallbackKind.RESULT:
        if not case.commitment_open:
            raise invalid("commitment_kept", _("This case has no on-air commitment waiting to be kept."))
        callback.fulfilled = payload.commitment_kept
        if payload.commitment_kept:
            _commitment_kept(case, actor, _("Confirmed by the citizen at the result callback."))
    if callback.kind == CallbackKind.LOOKBACK:
        if payload.fulfilled:
            _commitment_kept(case, actor, _("Confirmed by the citizen at the look-back."))
        else:
            _schedule(case, CallbackKind.LOOKBACK, clock.today() + LOOKBACK_EVERY)
        return None
    if callback.kind == CallbackKind.RESULT:
        case.satisfaction = payload.satisfaction
        if payload.satisfaction == Satisfaction.UNSATISFIED:
            return _redo(case, actor, Reason(reason=_("The citizen is not satisfied.")), policy)
        return S.CALLED_BACK
    return None


def _redo(case: Case, actor: User | None, payload: Reason, policy: DeadlinePolicy) -> CaseState:
    case.redo_count += 1
    case.answered_at = None
    case.satisfaction = None
    for callback in case.callbacks:
        if callback.kind == CallbackKind.RESULT and callback.done_at is None:
            db.session.delete(callback)
    set_due(case, clock.today(), policy, redo=True)
    return S.REDO


def _settle(case: Case, actor: User | None, payload: OptionalNote, policy: DeadlinePolicy) -> CaseState:
    if case.state == S.ANSWERED and not case.anonymous:
        raise ApiError(409, "callback_first", _("The result callback comes before settling."))
    # Anonymous cases get no look-back (they are exempt from callbacks), so none can find the
    # commitment kept: waiting for one would leave the case open for ever.
    if case.commitment_open and not case.anonymous:
        raise ApiError(
            409,
            "commitment_open",
            _(
                "The on-air commitment is not kept yet: the unit reports it kept, then the office or "
                "the citizen at a callback confirms it."
            ),
        )
    case.settled_at = utcnow()
    return S.SETTLED


def _request_extension(
    case: Case, actor: User | None, payload: RequestExtension, policy: DeadlinePolicy
) -> None:
    assert actor is not None
    if clock.today() > case.due_on:
        raise ApiError(409, "too_late", _("An extension is asked for before the deadline, not after it."))
    if payload.requested_due <= case.due_on:
        raise invalid("requested_due", _("Later than the current deadline."))
    if any(e.state == ExtensionState.PENDING for e in case.extensions):
        raise ApiError(409, "extension_pending", _("An extension request is already waiting for a decision."))
    db.session.add(
        Extension(
            case=case,
            reason=payload.reason,
            requested_due=payload.requested_due,
            previous_due=case.due_on,
            requested_by_id=actor.id,
        )
    )
    return None


def _decide_extension(
    case: Case, actor: User | None, payload: DecideExtension, policy: DeadlinePolicy
) -> None:
    extension = _extension_of(case, payload.extension_id)
    if extension.state != ExtensionState.PENDING:
        raise ApiError(409, "extension_decided", _("This request was already decided."))
    extension.decided_by_id = actor.id if actor else None
    extension.decided_at = utcnow()
    extension.decision_note = payload.note
    if not payload.approve:
        extension.state = ExtensionState.REFUSED
        return None
    granted = payload.granted_due or extension.requested_due
    if granted <= case.due_on:
        raise invalid("granted_due", _("Later than the current deadline."))
    extension.state = ExtensionState.APPROVED
    extension.granted_due = granted
    case.due_on = granted
    return None


def _extension_told(case: Case, actor: User | None, payload: ExtensionTold, policy: DeadlinePolicy) -> None:
    extension = _extension_of(case, payload.extension_id)
    if extension.state != ExtensionState.APPROVED:
        raise ApiError(409, "extension_not_approved", _("Only an approved extension is told to the citizen."))
    extension.citizen_told_at = extension.citizen_told_at or utcnow()
    return None


def _extension_of(case: Case, extension_id: int) -> Extension:
    extension = db.session.get(Extension, extension_id)
    if extension is None or extension.case_id != case.id:
        raise not_found(Extension, extension_id)
    return extension


def _notice(kind: NoticeKind) -> Callable[..., None]:
    def send(case: Case, actor: User | None, payload: SendNotice, policy: DeadlinePolicy) -> None:
        from followup import notify

        notify.send_notice(case, kind, payload.message, actor)
        return None

    return send


def _notice_seen(case: Case, actor: User | None, payload: NoticeSeen, policy: DeadlinePolicy) -> None:
    notice = db.session.get(Notice, payload.notice_id)
    if notice is None or notice.case_id != case.id:
        raise not_found(Notice, payload.notice_id)
    notice.seen_at = notice.seen_at or utcnow()
    return None


def _edit(case: Case, actor: User | None, payload: Edit, policy: DeadlinePolicy) -> None:
    if payload.section_id is not None:
        section = db.session.get(Section, payload.section_id)
        if section is None or section.unit_id != case.unit_id:
            raise invalid("section_id", _("Not a section of that unit."))
        case.section_id = section.id
    for field in ("internal", "consent_publish", "category"):
        value = getattr(payload, field)
        if value is not None:
            setattr(case, field, value)
    if payload.consent_publish is False:
        publication.take_down(case)
    if payload.complex is not None and payload.complex != case.complex:
        case.complex = payload.complex
        if not case.redo_count and not any(e.state == ExtensionState.APPROVED for e in case.extensions):
            set_due(case, case.received_on, policy)
    return None


def consented(case: Case) -> bool:
    """Publication is offered, and its withdrawal, only for a citizen who agreed to it."""
    return case.consent_publish


def may_report_kept(case: Case) -> bool:
    """The unit may report its on-air commitment kept: one is open and no report waits already."""
    return case.commitment_open and not any(r.state == ReportState.PENDING for r in case.commitment_reports)


def _report_kept(case: Case, actor: User | None, payload: ReportKept, policy: DeadlinePolicy) -> None:
    assert actor is not None
    if not case.commitment_open:
        raise ApiError(409, "no_open_commitment", _("This case has no on-air commitment waiting to be kept."))
    if not may_report_kept(case):
        raise ApiError(409, "report_pending", _("A report that the commitment is kept already waits."))
    report = CommitmentReport(
        case=case, body=payload.body, reported_by_id=actor.id, reported_on=clock.today()
    )
    db.session.add(report)
    for attachment in _unattached(case, payload.attachment_ids):
        attachment.commitment_report = report
    return None


def _pending_report(case: Case, report_id: int) -> CommitmentReport:
    report = db.session.get(CommitmentReport, report_id)
    if report is None or report.case_id != case.id:
        raise not_found(CommitmentReport, report_id)
    if report.state != ReportState.PENDING:
        raise ApiError(409, "report_decided", _("This report was already decided."))
    return report


def _decide(report: CommitmentReport, actor: User | None, state: ReportState, note: str) -> None:
    report.state = state
    report.decided_by_id = actor.id if actor else None
    report.decided_at = utcnow()
    report.decision_note = note


def _confirm_kept(case: Case, actor: User | None, payload: DecideReport, policy: DeadlinePolicy) -> None:
    _pending_report(case, payload.report_id)  # this case's, and still waiting
    _commitment_kept(case, actor, payload.note)
    return None


def _reject_kept(case: Case, actor: User | None, payload: RejectReport, policy: DeadlinePolicy) -> None:
    _decide(_pending_report(case, payload.report_id), actor, ReportState.REJECTED, payload.reason)
    return None


def _commitment_kept(case: Case, actor: User | None, note: str) -> None:
    """The commitment is kept: on the day the unit reported it, if a report waits (and is confirmed
    with it), else today, the day the citizen said so."""
    pending = [r for r in case.commitment_reports if r.state == ReportState.PENDING]
    for report in pending:
        _decide(report, actor, ReportState.CONFIRMED, note)
    kept = pending[-1].reported_on if pending else clock.today()
    case.commitment_fulfilled_on = case.commitment_fulfilled_on or kept


def _column_pick(case: Case, actor: User | None, payload: ColumnPick, policy: DeadlinePolicy) -> None:
    if payload.picked and not publishable(case):
        raise ApiError(
            409,
            "not_publishable",
            _("Only answered cases whose citizen consented, and not marked internal, can be published."),
        )
    if payload.picked and not published(case):
        raise ApiError(409, "not_approved", _("The public text of this case awaits the editor's approval."))
    case.column_pick = payload.picked
    return None


def publishable(case: Case) -> bool:
    return case.state in ANSWERED_STATES and case.consent_publish and not case.internal


def published(case: Case) -> bool:
    """Publishable, and an editor approved its public text for the reply the citizen was given."""
    return publishable(case) and publication.approved_text(case) is not None


def _publish(case: Case, actor: User | None, payload: PublicText, policy: DeadlinePolicy) -> None:
    if not publishable(case):
        raise ApiError(
            409,
            "not_publishable",
            _("Only answered cases whose citizen consented, and not marked internal, can be published."),
        )
    assert actor is not None
    publication.approve(case, actor, payload.subject, payload.question, payload.reply)
    return None


def _withdraw_consent(case: Case, actor: User | None, payload: OptionalNote, policy: DeadlinePolicy) -> None:
    case.consent_publish = False
    publication.take_down(case)
    return None


# --- the application's own actions --------------------------------------------------------------
def _create(case: Case, actor: User | None, payload: Create, policy: DeadlinePolicy) -> CaseState:
    """A case the conversion filled in from its call; a likely duplicate (``duplicate_of``, the
    conversion's judgement) waits for the office to merge or keep it."""
    db.session.add(case)
    set_due(case, case.received_on, policy)
    if case.duplicate_of is not None:
        return S.DUPLICATE
    schedule_process_callback(case)
    return S.ASSIGNED


def _recount_due(case: Case, actor: User | None, payload: Recount, policy: DeadlinePolicy) -> None:
    """The due date counted again from ``start`` now that the holiday calendar of its year is
    known. A due date granted by an extension stays; only the flag goes."""
    payload.due_from = before = case.due_on
    if any(e.state == ExtensionState.APPROVED for e in case.extensions):
        case.calendar_fallback = False
        payload.note = _(
            "Holiday calendar now published; the due date %(due)s granted by extension stays.",
            due=before.isoformat(),
        )
    else:
        set_due(case, payload.start, policy, redo=payload.redo)
        payload.note = _(
            "Holiday calendar now published: due date recounted from %(start)s, %(before)s → %(after)s.",
            start=payload.start.isoformat(),
            before=before.isoformat(),
            after=case.due_on.isoformat(),
        )
    payload.due_to = case.due_on
    return None


def _schedule_lookback(
    case: Case, actor: User | None, payload: ScheduleLookback, policy: DeadlinePolicy
) -> None:
    _schedule(case, CallbackKind.LOOKBACK, payload.due_on)
    return None


def _record_amended(case: Case, actor: User | None, payload: RecordAmended, policy: DeadlinePolicy) -> None:
    """The clerk changed the call's on-air record after the case was made: the case's answer and
    commitment follow it, as the conversion copied them."""
    record = case.call.air_record if case.call else None
    if record is None:
        return None
    case.on_air_answer = record.answer or ""
    committed = record.outcome == Outcome.COMMITMENT
    case.commitment_what = (record.commitment_what or "") if committed else ""
    case.commitment_due = record.commitment_due if committed else None
    case.commitment_how = (record.commitment_how or "") if committed else ""
    return None


# --- deadlines and callbacks --------------------------------------------------------------------
def rule_for_case(case: Case, policy: DeadlinePolicy, *, redo: bool = False) -> DeadlineRule:
    """The rule of ``policy`` the case's due date is counted by."""
    return policy.rule_for(
        category=str(case.category) if case.category else None,
        urgency=str(case.urgency) if case.urgency else None,
        complex=case.complex,
        redo=redo,
    )


def set_due(case: Case, start: date, policy: DeadlinePolicy, *, redo: bool = False) -> None:
    due = due_date(start, rule_for_case(case, policy, redo=redo))
    case.due_on = due.on
    case.due_rule = str(due.describe())
    case.calendar_fallback = due.calendar_fallback
    if not redo and not case.redo_count:
        case.original_due_on = due.on


def schedule_process_callback(case: Case) -> None:
    if case.anonymous:
        return
    pending = [c for c in case.callbacks if c.kind == CallbackKind.PROCESS and c.done_at is None]
    due = clock.today() + PROCESS_CALLBACK_AFTER
    if pending:
        pending[0].due_on = due
    else:
        _schedule(case, CallbackKind.PROCESS, due)


def _schedule(case: Case, kind: CallbackKind, due: date) -> Callback:
    callback = Callback(case=case, kind=kind, due_on=due)
    db.session.add(callback)
    return callback


ACTIONS = _actions()
