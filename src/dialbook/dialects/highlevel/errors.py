"""HighLevel's error bodies (NestJS style), for every failure under /compat/highlevel.

* 400 ``{statusCode, message, error: "Bad Request"}``; a duplicate contact is the 400
  ``{statusCode, message: "This location does not allow duplicated contacts.", meta}``.
* 401 ``{statusCode, message: "Invalid token: access token is invalid", error}``; a missing or
  unknown ``Version`` header is also a 401 ("version header was not found.").
* 403 / 404 ``{statusCode, message, error}``; an unknown route or method is NestJS's
  404 "Cannot GET /path".
* 422 ``{statusCode, message: [..one line per problem..], error: "Unprocessable Entity"}``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dialbook.dialects.highlevel import translate
from dialbook.dialects.highlevel.schemas import DuplicateErrorBody, DuplicateMeta, ErrorBody
from dialbook.errors import (
    Conflict,
    DialbookError,
    DuplicateContact,
    Forbidden,
    InvalidInput,
    MalformedRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from dialbook.http.errors import ErrorShape
from dialbook.http.routing import json_response

PREFIX = "/compat/highlevel"
DUPLICATE_MESSAGE = "This location does not allow duplicated contacts."
INVALID_TOKEN = "Invalid token: access token is invalid"
NO_LOCATION_ACCESS = "The token does not have access to this location."

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
}


class VersionHeaderError(Unauthorized):
    """The ``Version`` header is missing or not a published value (HighLevel answers 401)."""


def field_messages(error: DialbookError) -> list[str]:
    """One line per bad field, named as HighLevel names it (``phones[0].number`` -> phone).
    A field error without a name already holds a finished line (see ``translate.problems``)."""
    if not error.fields:
        return [error.detail]
    return [
        f"{translate.wire_name(f.name)} {f.detail}" if f.name else f.detail for f in error.fields
    ]


def error_body(
    error: DialbookError, *, method: str, path: str, routed: bool
) -> tuple[int, ErrorBody | DuplicateErrorBody]:
    """The status and body HighLevel would answer ``error`` with (pure)."""
    if isinstance(error, DuplicateContact):
        meta = DuplicateMeta(
            contactId=str(error.existing_id),
            contactName=error.existing_name,
            matchingField=error.matching_field,
        )
        return 400, DuplicateErrorBody(statusCode=400, message=DUPLICATE_MESSAGE, meta=meta)
    if isinstance(error, MethodNotAllowed) or (isinstance(error, NotFound) and not routed):
        return 404, _plain(404, f"Cannot {method} {path}")
    if isinstance(error, VersionHeaderError):
        return 401, ErrorBody(statusCode=401, message=error.detail)
    if isinstance(error, Unauthorized):
        return 401, _plain(401, INVALID_TOKEN)
    if isinstance(error, InvalidInput):
        return 422, ErrorBody(statusCode=422, message=field_messages(error), error=_REASONS[422])
    if isinstance(error, Conflict | MalformedRequest):
        return 400, _plain(400, error.detail)
    if isinstance(error, Forbidden | NotFound | PayloadTooLarge):
        return error.status, _plain(error.status, error.detail)
    if 400 <= error.status < 500:
        return error.status, _plain(error.status, error.detail)
    return 500, _plain(500, "Internal server error")


def _plain(status: int, message: str) -> ErrorBody:
    return ErrorBody(statusCode=status, message=message, error=_REASONS.get(status))


def render(request: Request, error: DialbookError) -> Response:
    path = request.url.path.removeprefix(PREFIX) or "/"
    status, body = error_body(
        error, method=request.method, path=path, routed="endpoint" in request.scope
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return json_response(body, status, headers)


ERRORS = ErrorShape(
    ErrorBody | DuplicateErrorBody,
    {
        400: "A body that is not JSON, or a duplicate contact (``meta`` names it)",
        401: "Invalid token, or a missing or unknown ``Version`` header",
        403: "The key lacks the scope, or the location is not the key's",
        404: 'Not found (an unknown route or method too: "Cannot <METHOD> <path>")',
        413: "Body too large",
        422: "Invalid input: ``message`` has one line per problem",
    },
)
