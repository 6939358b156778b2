"""Conventions of the JSON API: one error shape, request validation with pydantic.

Every error answers ``{"error": {"code": ..., "message": ..., "details": ...}}`` with a fitting
HTTP status, so a seat can show the message as it is and another system can act on the code.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from werkzeug.exceptions import HTTPException

M = TypeVar("M", bound=BaseModel)


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
        return exc
