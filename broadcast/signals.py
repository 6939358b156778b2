"""What the plan tells the packages built on it, which it cannot import: they sit above it.

``deleting`` is sent before a unit, a section or a session is deleted, with the row; a package whose
own rows refer to it (the live show's calls do) answers with the reason it must stay, or None.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

_signals = Namespace()

deleting = _signals.signal("deleting")


def reason_to_keep(row: Any) -> str | None:
    """The first reason a receiver gives to keep ``row``; None when nothing refers to it."""
    for _receiver, reason in deleting.send(type(row), row=row):
        if reason:
            return str(reason)
    return None
