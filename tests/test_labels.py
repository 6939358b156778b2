"""The one label registry (core.labels): every stored enum is labelled beside its models and comes
back from the database as the enum, and the labels reach the scripts of every page by window.I18N."""

from __future__ import annotations

import enum
import json
import re
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, get_args

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import EnumText
from core.extensions import db
from core.labels import label, register

I18N_SCRIPT = re.compile(r"window\.I18N = (\{.*?\});</script>", re.S)


def _annotated_type(cls: type, key: str) -> Any:
    """What ``Mapped[...]`` holds for the attribute (the models' annotations are strings)."""
    for klass in cls.__mro__:
        annotation = vars(klass).get("__annotations__", {}).get(key)
        if annotation is not None:
            mapped = eval(annotation, vars(sys.modules[klass.__module__]))
            return get_args(mapped)[0]
    raise LookupError(key)


def _enum_columns() -> list[tuple[str, type[enum.Enum], Any]]:
    """(model.attribute, the enum its annotation names, its column type) for every mapped enum."""
    found = []
    for mapper in db.Model.registry.mappers:
        for attribute in mapper.column_attrs:
            held = _annotated_type(mapper.class_, attribute.key)
            kinds = [t for t in get_args(held) or (held,) if isinstance(t, type) and issubclass(t, enum.Enum)]
            if kinds:
                name = f"{mapper.class_.__name__}.{attribute.key}"
                found.append((name, kinds[0], attribute.columns[0].type))
    return found


def test_every_stored_enum_is_an_enum_column_with_a_label_for_each_member(app: Flask) -> None:
    columns = _enum_columns()
    assert len(columns) >= 15, columns  # calls, records, lines, the plan, cases, users…
    with app.test_request_context():
        for name, kind, column_type in columns:
            assert isinstance(column_type, EnumText) and column_type.enum is kind, name
            for member in kind:
                assert label(member), f"{name}: {member!r} has no label"


def test_a_call_read_back_carries_its_enums(app: Flask, demo: SimpleNamespace) -> None:
    from console.models import Call, CallState, Channel
    from core.matter import Urgency

    with app.app_context():
        db.session.add(Call(session_id=demo.id, channel="web", state="ready"))
        db.session.commit()
        db.session.expire_all()
        call = db.session.scalars(db.select(Call)).one()
        assert (type(call.state), type(call.channel), type(call.urgency)) == (CallState, Channel, Urgency)


def test_register_wants_every_member_and_one_enum_per_name() -> None:
    class Colour(enum.StrEnum):
        RED = "red"
        BLUE = "blue"

    with pytest.raises(ValueError, match="blue"):
        register(Colour, {Colour.RED: "Red"})

    class CallState(enum.StrEnum):  # the console's enum of that name is registered already
        WAITING = "waiting"

    with pytest.raises(ValueError, match="two enums are called CallState"):
        register(CallState, {CallState.WAITING: "Waiting"})


def test_label_of_no_value_is_blank() -> None:
    assert label(None) == ""


@pytest.mark.parametrize(
    ("path", "key", "text"),
    [
        ("/plan", "SessionState.live", "直播中"),
        ("/plan", "ContactRole.chief", "总负责人"),
        ("/plan", "MaterialKind.commitments", "服务承诺"),
        ("/", "Role.clerk", "记录员"),
    ],
)
def test_every_page_gives_its_scripts_every_label(
    as_user: Callable[[str], FlaskClient], path: str, key: str, text: str
) -> None:
    html = as_user("oversight").get(path).get_data(as_text=True)
    match = I18N_SCRIPT.search(html)
    assert match, "the page sets no window.I18N"
    assert json.loads(match.group(1))[key] == text
