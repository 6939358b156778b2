"""Conventions of the JSON API: one error shape, request validation with pydantic, loading by id,
committing under concurrent writers and one shape for lists.

Every error answers ``{"error": {"code": ..., "message": ..., "details": ...}}`` with a fitting
HTTP status, so a seat can show the message as it is and another system can act on the code.
Every list answers ``{"items": [...], "total": n, "page": p, "per_page": k}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from core.extensions import db

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: Any, details: Any = None) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = str(message)
        self.details = details

    def response(self) -> tuple[Any, int]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return jsonify(error=body), self.status


def invalid(field: str, message: str) -> ApiError:
    """One field refused, said under that field."""
    return ApiError(422, "invalid", _("Some fields are not valid."), {field: message})


def get_or_404(model: type[T], ident: Any) -> T:
    """The row with id ``ident``, or a 404 naming what is missing."""
    obj = db.session.get(model, ident)
    if obj is None:
        raise not_found(model, ident)
    return obj


def not_found(model: type[Any], ident: Any) -> ApiError:
    """The 404 for a missing row, said with the model's ``noun``; also for a row the person may not
    see, which must read exactly like one that does not exist."""
    what = getattr(model, "noun", model.__name__)
    return ApiError(404, "not_found", _("%(what)s #%(id)d does not exist.", what=what, id=ident))


def commit_or_conflict() -> None:
    """Commit, or answer 409 when another writer got there first: a row changed since it was read
    (its version moved on: ``changed_meanwhile``) or a unique value taken meanwhile (``conflict``).
    The checks before a write give the friendly message; this covers the race between them."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise ApiError(
            409, "changed_meanwhile", _("Someone else changed this at the same moment; try again.")
        ) from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise ApiError(
            409, "conflict", _("This conflicts with data stored meanwhile; reload and try again.")
        ) from exc


def listing(
    items: Sequence[Any],
    *,
    total: int | None = None,
    page: int = 1,
    per_page: int | None = None,
    **extra: Any,
) -> Response:
    """The one shape of a list: the items of this page, how many there are in all, which page and
    its size. An unpaged list is its own single page."""
    count = len(items) if total is None else total
    size = count if per_page is None else per_page
    return jsonify(items=list(items), total=count, page=page, per_page=size, **extra)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def parse(model: type[M], data: Any = None) -> M:
    """Validate the request's JSON body (or ``data``) against ``model``; 422 lists every bad field."""
    payload = request.get_json(silent=True) if data is None else data
    if payload is None:
        raise ApiError(400, "bad_json", _("The request body must be a JSON object."))
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        fields = {
            ".".join(str(p) for p in err["loc"]) or "_": field_message(err)
            for err in exc.errors(include_url=False)
        }
        raise ApiError(422, "invalid", _("Some fields are not valid."), fields) from exc


def field_message(error: ErrorDetails) -> str:
    """What a person at a seat reads under the field: pydantic's own words are English and
    technical ("String should match pattern '^[0-9+]*$'")."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return _("At most %(n)s characters.", n=context.get("max_length"))
    if kind == "string_too_short":
        return (
            _("Required.")
            if context.get("min_length") == 1
            else _("At least %(n)s characters.", n=context.get("min_length"))
        )
    if kind == "missing":
        return _("Required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "string_pattern_mismatch":
        return _("Contains characters that are not allowed here.")
    if kind in ("enum", "literal_error"):
        return _("Not one of the allowed values.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("At least %(n)s.", n=context.get("ge", context.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("At most %(n)s.", n=context.get("le", context.get("lt")))
    if kind.startswith(("int_", "float_")):
        return _("A number is expected.")
    if kind.startswith("bool_"):
        return _("Yes or no is expected.")
    if kind.startswith("date"):
        return _("A date like 2026-03-04 is expected.")
    if kind.startswith("time"):
        return _("A time like 09:00 is expected.")
    if kind == "value_error":  # our own validators' messages, already in the reader's language
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> tuple[Any, int]:
        return exc.response()

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> Any:
        if wants_json():
            return ApiError(400, "csrf", exc.description).response()
        return exc

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if wants_json():
            return ApiError(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description).response()
        if exc.code in ERROR_PAGES:
            title, message = ERROR_PAGES[exc.code]
            page = render_template("error.html", code=exc.code, title=title, message=message)
            return page, exc.code
        return exc


# A refused or missing page read by a person: the app's own page, in the interface language, with
# a way back (Werkzeug's default is a bare English page).
ERROR_PAGES = {
    403: (_l("No access"), _l("Your role may not open this page. Ask the office if you need it.")),
    404: (_l("Page not found"), _l("This page does not exist, or no longer does. Check the address.")),
}
