"""Reminders (催办) and supervision notices (督办) to a case's handling unit, and their delivery.

``send_notice`` stores the notice (a supervision notice gets its yearly number, 督办〔2026〕7号),
then hands it to every configured notifier and records what each did, recipient by recipient, as
``Delivery`` rows. Delivery never fails the notice: a mail server that is down or an SMS gateway that
refuses is written down (ok=False with the reason) and the notice stays on the unit's desk, where
the unit sees it anyway.

Notifiers are a small registry: a class with a ``name``, a way to pick its recipients among the
unit's contacts and ``send(notice, recipients)``; ``@register`` plugs another one in. Which ones run
is the setting ``HOTLINE_NOTIFIERS`` (comma list, default ``log``). Settings are read from the
app's config and, failing that, from the environment variable of the same name:

- ``HOTLINE_NOTIFIERS``: ``log``, ``email``, ``sms`` (comma separated)
- ``HOTLINE_SMTP_HOST``, ``HOTLINE_SMTP_PORT`` (25), ``HOTLINE_SMTP_USER``, ``HOTLINE_SMTP_PASSWORD``,
  ``HOTLINE_SMTP_FROM``, ``HOTLINE_SMTP_TLS`` (1: STARTTLS)
- ``HOTLINE_SMS_URL`` (the gateway receives POST JSON ``{"to", "text"}``), ``HOTLINE_SMS_TOKEN``
  (sent as a bearer token when set)
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import ClassVar

import requests
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from broadcast.models import Unit
from core import clock
from core.accounts import User
from core.extensions import db
from core.labels import label
from followup.models import Case, Delivery, Notice, NoticeKind

log = logging.getLogger("hotline.notify")

SMS_TIMEOUT = 5  # seconds: a gateway that hangs must not hold the office's request for long
SMTP_TIMEOUT = 10
DETAIL_MAX = 512  # Delivery.detail's length


def setting(name: str, default: str = "") -> str:
    """A notifier setting: the app's config first, then the environment, then ``default``."""
    if has_app_context() and current_app.config.get(name) not in (None, ""):
        return str(current_app.config[name])
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Sent:
    """What a notifier did for one recipient; becomes a Delivery row."""

    recipient: str
    ok: bool
    detail: str = ""


class Notifier:
    """Delivers a notice to the people of the unit that ``recipients`` picks."""

    name: ClassVar[str]

    def recipients(self, unit: Unit) -> list[str]:
        raise NotImplementedError

    def send(self, notice: Notice, recipients: list[str]) -> list[Sent]:
        raise NotImplementedError


NOTIFIERS: dict[str, type[Notifier]] = {}


def register(cls: type[Notifier]) -> type[Notifier]:
    NOTIFIERS[cls.name] = cls
    return cls


# --- sending ------------------------------------------------------------------------------------
def send_notice(case: Case, kind: NoticeKind, message: str, actor: User | None) -> Notice:
    """Store a notice to the case's lead unit and deliver it. Called inside workflow.perform, which
    writes the history line and commits; nothing here commits."""
    # Numbered before the notice joins the session: the numbering query flushes.
    number = next_supervision_number(clock.today().year) if kind == NoticeKind.SUPERVISION else ""
    notice = Notice(
        case_id=case.id,
        unit_id=case.unit_id,
        kind=kind,
        number=number,
        message=message,
        sent_by_id=actor.id if actor else None,
    )
    db.session.add(notice)
    db.session.flush()  # the notice's id, for its deliveries
    deliver(notice, case.unit)
    return notice


# The number of a formal document (公文文号): stored as written on the notice, not translated.
_NUMBER_FORMAT = "督办〔{year}〕{seq}号"
_NUMBER_PATTERN = re.compile(r"督办〔(\d{4})〕(\d+)号")


def next_supervision_number(year: int) -> str:
    """督办〔year〕N号, N counting the year's supervision notices from 1."""
    prefix = _NUMBER_FORMAT.format(year=year, seq="")[:-1]
    numbers = db.session.scalars(
        select(Notice.number).where(Notice.kind == NoticeKind.SUPERVISION, Notice.number.startswith(prefix))
    )
    last = 0
    for number in numbers:
        match = _NUMBER_PATTERN.fullmatch(number or "")
        if match and int(match.group(1)) == year:
            last = max(last, int(match.group(2)))
    return _NUMBER_FORMAT.format(year=year, seq=last + 1)


def configured() -> list[str]:
    names = [n.strip().lower() for n in setting("HOTLINE_NOTIFIERS", "log").split(",")]
    return [n for n in names if n]


def deliver(notice: Notice, unit: Unit) -> list[Delivery]:
    """Hand the notice to every configured notifier; record each result, never raise."""
    deliveries = []
    for name in configured():
        for sent in _run(name, notice, unit):
            delivery = Delivery(
                notice_id=notice.id,
                notifier=name[:16],
                recipient=sent.recipient[:256],
                ok=sent.ok,
                detail=sent.detail[:DETAIL_MAX],
            )
            db.session.add(delivery)
            deliveries.append(delivery)
    return deliveries


def _run(name: str, notice: Notice, unit: Unit) -> list[Sent]:
    cls = NOTIFIERS.get(name)
    if cls is None:
        return [Sent("", False, f"unknown notifier {name!r}; known: {', '.join(sorted(NOTIFIERS))}")]
    try:
        notifier = cls()
        recipients = notifier.recipients(unit)
        if not recipients:
            return [Sent("", False, "no recipient: the unit has no contact for this notifier")]
        return notifier.send(notice, recipients)
    except Exception as exc:  # a notifier's bug must not lose the notice either
        log.exception("notifier %s failed for notice %s", name, notice.id)
        return [Sent("", False, f"{type(exc).__name__}: {exc}")]


# --- what a notice says ---------------------------------------------------------------------------
def headline(notice: Notice) -> str:
    case = notice.case
    kind = label(notice.kind)
    title = f"{kind} {notice.number}" if notice.number else kind
    return _("%(title)s: case %(number)s, %(subject)s", title=title, number=case.number, subject=case.subject)


def body(notice: Notice) -> str:
    case = notice.case
    lines = [
        headline(notice),
        _("Handling unit: %(unit)s", unit=case.unit.name),
        _("Due on: %(due)s", due=case.due_on.isoformat()),
    ]
    if notice.message:
        lines += ["", notice.message]
    return "\n".join(lines)


# --- the notifiers --------------------------------------------------------------------------------
@register
class LogNotifier(Notifier):
    """Writes the notice to the application log (logger ``hotline.notify``): the default, and
    enough where the unit reads its desk."""

    name = "log"

    def recipients(self, unit: Unit) -> list[str]:
        return [unit.name]

    def send(self, notice: Notice, recipients: list[str]) -> list[Sent]:
        _make_visible()
        text = " | ".join(line for line in body(notice).splitlines() if line)
        for recipient in recipients:
            log.info("notice %s to %s: %s", notice.id, recipient, text)
        return [Sent(r, True, "logged") for r in recipients]


def _make_visible() -> None:
    """Where nobody configured logging (python app.py), notices still reach the console's output:
    Python would otherwise drop INFO lines."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)


def _contacts(unit: Unit, field: str) -> list[str]:
    seen: list[str] = []
    for contact in unit.contacts:
        value = (getattr(contact, field, "") or "").strip()
        if value and value not in seen:
            seen.append(value)
    return seen


@register
class EmailNotifier(Notifier):
    """One e-mail per contact of the unit with an e-mail address, over one SMTP connection."""

    name = "email"

    def recipients(self, unit: Unit) -> list[str]:
        return _contacts(unit, "email")

    def send(self, notice: Notice, recipients: list[str]) -> list[Sent]:
        host = setting("HOTLINE_SMTP_HOST")
        if not host:
            return [Sent(r, False, "HOTLINE_SMTP_HOST is not set") for r in recipients]
        sender = setting("HOTLINE_SMTP_FROM") or setting("HOTLINE_SMTP_USER")
        try:
            with smtplib.SMTP(host, int(setting("HOTLINE_SMTP_PORT", "25")), timeout=SMTP_TIMEOUT) as smtp:
                if setting("HOTLINE_SMTP_TLS", "0") == "1":
                    smtp.starttls()
                if setting("HOTLINE_SMTP_USER"):
                    smtp.login(setting("HOTLINE_SMTP_USER"), setting("HOTLINE_SMTP_PASSWORD"))
                return [self._one(smtp, notice, sender, r) for r in recipients]
        except (OSError, smtplib.SMTPException) as exc:
            return [Sent(r, False, f"{type(exc).__name__}: {exc}") for r in recipients]

    def _one(self, smtp: smtplib.SMTP, notice: Notice, sender: str, recipient: str) -> Sent:
        message = EmailMessage()
        message["Subject"] = headline(notice)
        message["From"] = sender
        message["To"] = recipient
        message.set_content(body(notice))
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPException as exc:
            return Sent(recipient, False, f"{type(exc).__name__}: {exc}")
        if refused:
            return Sent(recipient, False, str(refused.get(recipient, refused)))
        return Sent(recipient, True, "sent")


_MOBILE = re.compile(r"1\d{10}")


def mobile(number: str) -> str | None:
    """The 11-digit mainland mobile number in ``number`` (+86, spaces and dashes dropped), or None:
    a landline cannot take a text message."""
    digits = re.sub(r"[\s\-()]", "", number)
    digits = digits.removeprefix("+86").removeprefix("0086")
    return digits if _MOBILE.fullmatch(digits) else None


@register
class SmsNotifier(Notifier):
    """A text message to each mobile number among the unit's contacts, through an HTTP gateway:
    POST JSON ``{"to": number, "text": message}`` to HOTLINE_SMS_URL; any 2xx answer is success."""

    name = "sms"

    def recipients(self, unit: Unit) -> list[str]:
        found = (mobile(n) for n in _contacts(unit, "phone"))
        return list(dict.fromkeys(n for n in found if n))

    def send(self, notice: Notice, recipients: list[str]) -> list[Sent]:
        url = setting("HOTLINE_SMS_URL")
        if not url:
            return [Sent(r, False, "HOTLINE_SMS_URL is not set") for r in recipients]
        headers = {}
        if token := setting("HOTLINE_SMS_TOKEN"):
            headers["Authorization"] = f"Bearer {token}"
        text = headline(notice) + (f" {notice.message}" if notice.message else "")
        return [self._one(url, headers, r, text) for r in recipients]

    def _one(self, url: str, headers: dict[str, str], recipient: str, text: str) -> Sent:
        try:
            response = requests.post(
                url, json={"to": recipient, "text": text}, headers=headers, timeout=SMS_TIMEOUT
            )
        except requests.RequestException as exc:
            return Sent(recipient, False, f"{type(exc).__name__}: {exc}")
        if 200 <= response.status_code < 300:
            return Sent(recipient, True, f"HTTP {response.status_code}")
        return Sent(recipient, False, f"HTTP {response.status_code}: {response.text[:200]}")
