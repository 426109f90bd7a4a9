"""Salesfinity's error body.

Salesfinity documents no error format (only that Merge Lists answers 404). Its API has the
marks of a NestJS service (Mongo ``_id``s, ``createdAt``), so we answer as NestJS does by
default: ``{"statusCode", "message", "error"}``, where ``message`` is a list of
"<field> <problem>" strings for validation failures (status 400, like NestJS's
ValidationPipe) and a string otherwise; unknown routes and methods are 404
"Cannot <METHOD> <path>", as Express answers them.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import Response

from dialbook.dialects.salesfinity.schemas import ErrorBody
from dialbook.dialects.salesfinity.translate import PLATFORM, to_wire_id, wire_field
from dialbook.errors import (
    DialbookError,
    DuplicateContact,
    InvalidInput,
    MethodNotAllowed,
    NotFound,
)
from dialbook.http.errors import ErrorShape
from dialbook.http.routing import json_response

PREFIX = f"/compat/{PLATFORM}"


def render(request: Request, error: DialbookError) -> Response:
    status = 400 if isinstance(error, InvalidInput) else error.status
    message: str | list[str] = error.detail
    if isinstance(error, InvalidInput):
        message = [f"{wire_field(f.name)} {f.detail}" for f in error.fields] or [error.detail]
    elif isinstance(error, MethodNotAllowed) or (
        isinstance(error, NotFound) and "endpoint" not in request.scope
    ):
        status = 404
        path = request.url.path.removeprefix(PREFIX) or "/"
        message = f"Cannot {request.method} {path}"
    elif isinstance(error, DuplicateContact):
        message = (
            f"A contact with this {wire_field(error.matching_field)} already exists "
            f"(_id {to_wire_id(error.existing_id)})."
        )
    elif status >= 500:
        message = "Internal server error"
    body = ErrorBody(statusCode=status, message=message, error=_reason(status))
    return json_response(body, status)


# Where NestJS's exception names differ from Python's reason phrases.
_NEST_REASONS = {413: "Payload Too Large"}


def _reason(status: int) -> str:
    if status in _NEST_REASONS:
        return _NEST_REASONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


ERRORS = ErrorShape(
    ErrorBody,
    {
        400: "Invalid input (``message`` lists each problem) or a body that is not JSON",
        401: "Missing, unknown or revoked API key",
        403: "The key lacks the scope",
        404: 'Not found (an unknown route or method too: "Cannot <METHOD> <path>")',
        409: "Conflicts with existing data (e.g. a duplicate contact)",
        413: "Body too large",
    },
)
