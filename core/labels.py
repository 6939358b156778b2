"""The words for every enum member, in the interface language.

One registry: each models module registers its enums' labels beside the enums themselves, and every
reader goes through it: ``label()`` in Python and in Jinja (a template global), ``choices()`` for a
form's or a script's options, and ``script_labels()`` for the scripts' ``window.I18N`` (built by
core.i18n), where ``Hotline.label("CallState", "on_air")`` finds them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

E = TypeVar("E", bound=enum.Enum)

# Kept per enum: members of different enums may share a value ("waiting" is a call's state and a
# line's). The texts are lazy, so they follow the language of whoever reads them.
_REGISTRY: dict[type[enum.Enum], dict[enum.Enum, Any]] = {}


def register(kind: type[E], labels: Mapping[E, Any]) -> None:
    """Give every member of ``kind`` its words. The scripts know an enum by its class name, so two
    enums of one name cannot both be registered."""
    missing = [m.value for m in kind if m not in labels]
    if missing:
        raise ValueError(f"{kind.__name__} has no label for {missing}")
    for other in _REGISTRY:
        if other.__name__ == kind.__name__ and other is not kind:
            raise ValueError(f"two enums are called {kind.__name__}: {other.__module__}, {kind.__module__}")
    _REGISTRY[kind] = dict(labels)


def label(member: enum.Enum | None) -> str:
    """The member's words in the interface language; blank for no value."""
    return "" if member is None else str(_REGISTRY[type(member)][member])


def choices(kind: type[enum.Enum]) -> list[dict[str, str]]:
    """Every member of ``kind`` as ``{"value", "label"}``, in the enum's order."""
    return [{"value": member.value, "label": label(member)} for member in kind]


def script_labels() -> dict[str, str]:
    """Every registered label keyed as the scripts look it up: ``"CallState.on_air"``."""
    return {
        f"{kind.__name__}.{member.value}": str(text)
        for kind, labels in _REGISTRY.items()
        for member, text in labels.items()
    }
