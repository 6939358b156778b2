"""Conventions of the JSON API: one error shape, request validation with pydantic.

Every error answers ``{"error": {"code": ..., "message": ..., "details": ...}}`` with a fitting
HTTP status, so a seat can show the message as it is and another system can act on the code.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ValidationError
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


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def parse(model: type[M], data: Any = None) -> M:
    """Validate the request's JSON body (or ``data``) against ``model``; 422 lists every bad field."""
    payload = request.get_json(silent=True) if data is None else data
    if payload is None:
        raise ApiError(400, "bad_json", "The request body must be a JSON object.")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        fields = {
            ".".join(str(p) for p in err["loc"]) or "_": err["msg"] for err in exc.errors(include_url=False)
        }
        raise ApiError(422, "invalid", "Some fields are not valid.", fields) from exc


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
