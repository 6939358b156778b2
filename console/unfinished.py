"""What ending the show would leave unfinished: aired calls with no record, and cards still in the
show (on air, on hold after air, ready, being screened or on hold, waiting). The seats ask before
ending and show these lines as the server words them; the rules of what counts are here only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from broadcast.models import AirSession
from console.models import Call, CallState
from core.extensions import db
from core.text import mask_number


def _unrecorded(call: Call) -> bool:
    return call.aired_at is not None and (call.air_record is None or call.air_record.outcome is None)


def _in(state: CallState) -> Callable[[Call], bool]:
    return lambda call: call.state == state


def _kinds() -> list[tuple[str, Callable[[Call], bool], Callable[[int], str]]]:
    """(kind, which calls, its line for n of them), in the order the seats list them."""
    return [
        (
            "unrecorded",
            _unrecorded,
            lambda n: ngettext(
                "%(num)d aired call without a record", "%(num)d aired calls without a record", n
            ),
        ),
        (
            "on_air",
            _in(CallState.ON_AIR),
            lambda n: ngettext("%(num)d caller still on air", "%(num)d callers still on air", n),
        ),
        (
            # Back from the air on hold for the producer: ending the show now would hang them up
            # before their satisfaction is asked.
            "after_air",
            _in(CallState.AFTER_AIR),
            lambda n: ngettext(
                "%(num)d caller waiting after air", "%(num)d callers waiting after air", n
            ),
        ),
        (
            "ready",
            _in(CallState.READY),
            lambda n: ngettext("%(num)d caller ready for air", "%(num)d callers ready for air", n),
        ),
        (
            "screening",
            _in(CallState.SCREENING),
            lambda n: ngettext(
                "%(num)d card being screened or on hold", "%(num)d cards being screened or on hold", n
            ),
        ),
        (
            "waiting",
            _in(CallState.WAITING),
            lambda n: ngettext("%(num)d card still waiting", "%(num)d cards still waiting", n),
        ),
    ]


def _who(call: Call) -> str:
    # A caller who gave no name is told apart by the number as the studio sees it.
    name = call.caller_name or mask_number(call.caller_number or call.contact_number) or _("Listener")
    return _("%(who)s (%(subject)s)", who=name, subject=call.subject) if call.subject else name


def _line(text: str, calls: list[Call]) -> str:
    """What a seat shows for one kind: its count, then who."""
    return _("%(what)s: %(who)s", what=text, who=_(", ").join(_who(c) for c in calls))


def unfinished(session: AirSession) -> dict[str, Any]:
    """``{items: [{kind, count, text, calls: [{id, who}]}], total}``: one item per kind present."""
    calls = list(db.session.scalars(select(Call).where(Call.session_id == session.id).order_by(Call.id)))
    items = []
    for kind, which, words in _kinds():
        found = [c for c in calls if which(c)]
        if found:
            items.append(
                {
                    "kind": kind,
                    "count": len(found),
                    "text": words(len(found)),
                    "line": _line(words(len(found)), found),
                    "calls": [{"id": c.id, "who": _who(c)} for c in found],
                }
            )
    return {"items": items, "total": sum(item["count"] for item in items)}
