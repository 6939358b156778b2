"""The follow-up's daily duty, run inside the console every morning (and on demand from the CLI).

``run_daily(today)`` does one day's work and can run any number of times that day without doing
anything twice:

- makes the cases of any ended show with calls still owed one (its conversion at the end of the
  show failed, or calls were added to it afterwards), so none is left for someone to notice;
- schedules the weekly look-backs (回头看) on open on-air commitments;
- recomputes the due dates that were counted Monday to Friday because the holiday calendar of
  their year was not yet published, once the library knows that year;
- reminds (催办) every case its unit still owes an answer on that is overdue, due soon or stuck
  (no history line but look-backs scheduled for ``STUCK_DAYS`` days), and every case whose on-air
  commitment is overdue or due soon and not kept (answered or not), at most once a case a day,
  saying why;
- escalates to a formal supervision notice (督办) an overdue case that had two reminders and no
  progress since, once.

Everything it does to a case goes through ``workflow.perform`` with no actor (the scheduler):
reminders and supervision notices as the office's own, so the notifiers deliver them; cases made,
look-backs scheduled and due dates recounted as the table's system actions. All of it is in the
cases' history.

``start(app)`` runs it at 08:30 station time every day and once shortly after start;
``flask followup daily [--date YYYY-MM-DD]`` runs it once, for cron or a second process.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from broadcast.models import AirSession, SessionState
from console.models import Call
from core import clock
from core.api import ApiError
from core.extensions import db
from followup import workflow
from followup.conversion import convert_session, wants_case
from followup.deadlines import DeadlinePolicy, due_date
from followup.models import UNIT_OWES, CallbackKind, Case, CaseState, Notice, NoticeKind
from followup.policy import policy_for

log = logging.getLogger("hotline.followup.scheduler")

S = CaseState
STUCK_DAYS = 5
REMINDERS_BEFORE_SUPERVISION = 2
# History lines that do not move the matter on: notices, their reading, callbacks that change no
# state, the office's own edits. Anything else (or any change of state) is progress.
NOT_PROGRESS = frozenset(
    {
        "remind",
        "supervise",
        "notice_seen",
        "callback",
        "extension_told",
        "decide_extension",
        "edit",
        "column_pick",
        "due_recomputed",
        "lookback_scheduled",
    }
)
# Lines the duty writes for its own bookkeeping: nobody did anything, so a stuck case stays stuck.
NOT_ACTIVITY = frozenset({"lookback_scheduled"})
RUN_AT = {"hour": 8, "minute": 30}
FIRST_RUN_AFTER = timedelta(seconds=30)


def run_daily(today: date) -> dict[str, int]:
    """One day's duty (needs an app context). Returns what was done, by kind."""
    counts = {
        "converted": convert_ended_shows(),
        "lookbacks": schedule_lookbacks(today),
        "recomputed": recompute_fallback_dues(),
    }
    counts |= {"reminders": 0, "supervisions": 0, "failed": 0}
    promised = and_(
        Case.state.in_(workflow.COMMITMENT_STATES),
        Case.commitment_what != "",
        Case.commitment_due.is_not(None),
        Case.commitment_fulfilled_on.is_(None),
    )
    chased = or_(Case.state.in_(UNIT_OWES), promised)
    case_ids = list(db.session.scalars(select(Case.id).where(chased).order_by(Case.id)))
    for case_id in case_ids:
        case = db.session.get(Case, case_id)
        if case is None or case.state not in workflow.COMMITMENT_STATES:  # UNIT_OWES is within it
            continue
        try:
            done = _chase(case, today)
        except ApiError as error:
            # Changed by someone meanwhile, or no longer in a state that takes a notice: tomorrow.
            db.session.rollback()
            log.warning("case %s not chased: %s", case_id, error.message)
            counts["failed"] += 1
            continue
        if done:
            counts[done] += 1
    log.info("daily follow-up duty for %s: %s", today.isoformat(), counts)
    return counts


def _chase(case: Case, today: date) -> str | None:
    """Escalate or remind ``case`` if it needs it today; returns the count it adds to."""
    if needs_supervision(case, today):
        workflow.perform(case, "supervise", None, {"message": supervision_message(case, today)})
        return "supervisions"
    reasons = reminder_reasons(case, today, policy_for(case.programme_id))
    if reasons and not notified_since(case, today):
        message = _("Automatic reminder: %(reasons)s", reasons=join_sentences(reasons))
        workflow.perform(case, "remind", None, {"message": message})
        return "reminders"
    return None


# --- why a case is chased -------------------------------------------------------------------------
def join_sentences(sentences: list[str]) -> str:
    """English sentences take a space between them; Chinese ones, ending in 。, none."""
    return "".join(s if s.endswith(("。", "！", "？")) else s + " " for s in sentences).strip()


def reminder_reasons(case: Case, today: date, policy: DeadlinePolicy) -> list[str]:
    """Why the unit is reminded today, in words (empty: it need not be)."""
    reasons = commitment_reasons(case, today, policy)
    if case.state not in UNIT_OWES:
        return reasons  # the citizen has the answer: only the commitment is still owed
    due = case.due_on.isoformat()
    if today > case.due_on:
        days = (today - case.due_on).days
        reasons.append(
            ngettext(
                "Overdue by %(num)d day (due %(due)s).",
                "Overdue by %(num)d days (due %(due)s).",
                days,
                due=due,
            )
        )
    elif today == case.due_on:
        reasons.append(_("Due today (%(due)s).", due=due))
    elif (case.due_on - today).days <= policy.due_soon_days:
        reasons.append(_("Due on %(due)s.", due=due))
    idle = (today - clock.local_date(last_event_at(case))).days
    if idle >= STUCK_DAYS:
        reasons.append(ngettext("No progress for %(num)d day.", "No progress for %(num)d days.", idle))
    return reasons


def commitment_reasons(case: Case, today: date, policy: DeadlinePolicy) -> list[str]:
    """The on-air commitment's part of a reminder: overdue, due today or due soon, not kept."""
    if not case.commitment_open or case.commitment_due is None:
        return []
    due = case.commitment_due.isoformat()
    if today > case.commitment_due:
        days = (today - case.commitment_due).days
        return [
            ngettext(
                "The on-air commitment is overdue by %(num)d day (promised for %(due)s).",
                "The on-air commitment is overdue by %(num)d days (promised for %(due)s).",
                days,
                due=due,
            )
        ]
    if today == case.commitment_due:
        return [_("The on-air commitment is due today (%(due)s).", due=due)]
    if (case.commitment_due - today).days <= policy.due_soon_days:
        return [_("The on-air commitment is due on %(due)s.", due=due)]
    return []


def last_event_at(case: Case) -> datetime:
    done = [event.at for event in case.events if event.action not in NOT_ACTIVITY]
    return done[-1] if done else case.assigned_at


def last_progress_at(case: Case) -> datetime:
    for event in reversed(case.events):
        if event.action not in NOT_PROGRESS or event.from_state != event.to_state:
            return event.at
    return case.assigned_at


def notified_since(case: Case, today: date) -> bool:
    """A reminder or supervision notice (the office's or the scheduler's) already went out on
    ``today`` or later: one is enough for a day."""
    return any(clock.local_date(n.sent_at) >= today for n in case.notices)


def notices_since_progress(case: Case) -> list[Notice]:
    since = last_progress_at(case)
    return [n for n in case.notices if n.sent_at > since]


def needs_supervision(case: Case, today: date) -> bool:
    """Overdue, reminded twice with no progress since, and not yet under supervision for it."""
    if case.state not in UNIT_OWES or today <= case.due_on:
        return False
    notices = notices_since_progress(case)
    reminders = sum(1 for n in notices if n.kind == NoticeKind.REMINDER)
    supervised = any(n.kind == NoticeKind.SUPERVISION for n in notices)
    return reminders >= REMINDERS_BEFORE_SUPERVISION and not supervised


def supervision_message(case: Case, today: date) -> str:
    reminders = sum(1 for n in notices_since_progress(case) if n.kind == NoticeKind.REMINDER)
    return _(
        "Automatic supervision: overdue since %(due)s and %(n)s reminders brought no progress. "
        "Answer the citizen and report to the oversight office at once.",
        due=case.due_on.isoformat(),
        n=reminders,
    )


# --- cases owed by ended shows -------------------------------------------------------------------
def convert_ended_shows() -> int:
    """Make the cases of every ended show that has calls wanting one and none yet. Returns how
    many cases were made."""
    unconverted = (
        select(AirSession)
        .where(
            AirSession.state == SessionState.ENDED,
            select(Call.id)
            .outerjoin(Case, Case.call_id == Call.id)
            .where(Call.session_id == AirSession.id, Case.id.is_(None))
            .exists(),
        )
        .order_by(AirSession.air_date, AirSession.id)
    )
    count = 0
    for session in db.session.scalars(unconverted).all():
        calls = db.session.scalars(
            select(Call).where(Call.session_id == session.id).options(selectinload(Call.air_record))
        )
        if not any(wants_case(call) for call in calls):
            continue  # only calls settled on air are left: nothing is owed
        try:
            result = convert_session(session, None)
        except Exception:  # one show's trouble must not keep the others' cases or the reminders back
            log.exception("the calls of session %s were not made cases", session.id)
            continue
        count += len(result.created) + len(result.duplicates)
    return count


# --- look-backs on on-air commitments -------------------------------------------------------------
def schedule_lookbacks(today: date) -> int:
    """Weekly look-back on every open on-air commitment that has none pending. Returns how many
    were scheduled."""
    cases = db.session.scalars(
        select(Case).where(
            Case.commitment_what != "",
            Case.commitment_fulfilled_on.is_(None),
            Case.anonymous.is_(False),
            Case.state.in_(workflow.ACTIONS["lookback_scheduled"].sources),
        )
    ).all()
    count = 0
    with workflow.one_transaction():
        for case in cases:
            lookbacks = [c for c in case.callbacks if c.kind == CallbackKind.LOOKBACK]
            if any(c.done_at is None for c in lookbacks):
                continue
            last = max((clock.local_date(c.done_at) for c in lookbacks if c.done_at), default=None)
            start = last or clock.local_date(case.assigned_at)
            if today >= start + workflow.LOOKBACK_EVERY:
                workflow.perform(case, "lookback_scheduled", None, {"due_on": today}, system=True)
                count += 1
    return count


# --- due dates counted without the holiday calendar -----------------------------------------------
def recompute_fallback_dues() -> int:
    """Recount the due dates that were counted Monday to Friday, now that the holiday library knows
    their year. Returns how many were."""
    count = 0
    cases = db.session.scalars(
        select(Case)
        .where(Case.calendar_fallback.is_(True), Case.state.in_(workflow.ACTIONS["due_recomputed"].sources))
        .order_by(Case.id)
    ).all()
    with workflow.one_transaction():
        for case in cases:
            start, redo = due_start(case)
            rule = workflow.rule_for_case(case, policy_for(case.programme_id), redo=redo)
            if due_date(start, rule).calendar_fallback:
                continue  # the library still does not know the year
            data = {"start": start.isoformat(), "redo": redo}
            workflow.perform(case, "due_recomputed", None, data, system=True)
            count += 1
    return count


def due_start(case: Case) -> tuple[date, bool]:
    """The day the current due date counts from, and whether it is a redo's: the last redo or
    reassignment if any (each restarts the count), else the day the case was received."""
    for event in reversed(case.events):
        if event.to_state == S.REDO and event.from_state != S.REDO:
            return clock.local_date(event.at), True
        if event.action == "reassign":
            return clock.local_date(event.at), False
    return case.received_on, False


# --- running it -----------------------------------------------------------------------------------
def _job(app: Flask) -> None:
    with app.app_context():
        try:
            run_daily(clock.today())
        except Exception:  # logged, and tried again at the next run
            log.exception("daily follow-up duty failed")
            db.session.rollback()
        finally:
            db.session.remove()


def start(app: Flask) -> BackgroundScheduler:
    """Run the daily duty at 08:30 station time, and once ``FIRST_RUN_AFTER`` after start (a console
    started at 09:00 still reminds today). Not for tests: they call ``run_daily``."""
    zone = app.config.get("TIMEZONE", "Asia/Shanghai")
    scheduler = BackgroundScheduler(timezone=zone)
    scheduler.add_job(
        _job,
        CronTrigger(timezone=zone, **RUN_AT),
        args=[app],
        id="followup-daily",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    scheduler.add_job(
        _job,
        DateTrigger(run_date=datetime.now(ZoneInfo(zone)) + FIRST_RUN_AFTER),
        args=[app],
        id="followup-daily-startup",
    )
    scheduler.start()
    return scheduler


followup_cli = AppGroup("followup", help="The follow-up cases' scheduled duties.")


@followup_cli.command("daily")
@click.option(
    "--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day to run for (default today)."
)
def daily_command(day: datetime | None) -> None:
    """Run the daily duty once: cases owed by ended shows, look-backs, recounted due dates,
    reminders, supervision."""
    counts: dict[str, Any] = run_daily(day.date() if day else clock.today())
    for name, value in counts.items():
        click.echo(f"{name}: {value}")
