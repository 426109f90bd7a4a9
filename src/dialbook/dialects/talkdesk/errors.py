"""Talkdesk's error body: ``{code, message, description, fields: [{name, description}]}``.

Status codes follow the Record Lists pages: 400 for bad data (dialbook's 422), 401, 403,
404, 409 (duplicates, concurrent changes, deleting the default do-not-call list), 413, and
422 only where Talkdesk documents it (a JSON Patch whose result is not a valid record or
do-not-call entry). Field names are Talkdesk's (``phone_numbers[0].phone_number``), never
canonical ones.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dialbook.dialects import kit
from dialbook.dialects.talkdesk import translate
from dialbook.dialects.talkdesk.schemas import ErrorBody, ErrorField, RecordError
from dialbook.errors import (
    Conflict,
    DialbookError,
    DuplicateContact,
    FieldError,
    InvalidInput,
    MalformedRequest,
    VersionConflict,
)
from dialbook.http.errors import ErrorShape
from dialbook.http.routing import json_response

_MESSAGES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    422: "Unprocessable record",
}


class UnprocessableRecord(InvalidInput):
    """A JSON Patch applied cleanly but the patched record is not valid (Talkdesk: 422)."""

    status = 422
    code = "unprocessable_record"


class UnprocessableEntry(UnprocessableRecord):
    """A JSON Patch applied cleanly but the patched do-not-call entry is not valid (422)."""

    code = "unprocessable_entry"


class DuplicateRecord(Conflict):
    code = "duplicate_record"


class DefaultDoNotCallList(Conflict):
    """The workspace's default suppression list cannot be deleted (409)."""

    code = "default_list"


def status_of(error: DialbookError) -> int:
    if isinstance(error, UnprocessableRecord):
        return 422
    if isinstance(error, InvalidInput | MalformedRequest):
        return 400
    if isinstance(error, VersionConflict):
        return 409
    return error.status


def _code(error: DialbookError) -> str:
    if isinstance(error, DuplicateContact):
        return DuplicateRecord.code
    if isinstance(error, VersionConflict):
        return Conflict.code
    if type(error) is InvalidInput:
        return "invalid_data"
    return error.code


def in_talkdesk_words(error: DialbookError) -> DialbookError:
    """The same failure with canonical field names in Talkdesk's words (a duplicate contact
    is a duplicate record)."""
    error = kit.renamed(error, translate.wire_field)
    if isinstance(error, DuplicateContact):
        name = error.matching_field
        return DuplicateRecord(
            f"Record {error.existing_id} of this record list has the same {name}.",
            fields=[FieldError(name, f"already used by record {error.existing_id}")],
        )
    return error


def unprocessable(error: InvalidInput) -> UnprocessableRecord:
    return UnprocessableRecord(fields=error.fields)


def unprocessable_entry(error: InvalidInput) -> UnprocessableEntry:
    return UnprocessableEntry(fields=error.fields)


def _message(error: DialbookError, status: int) -> str:
    if isinstance(error, UnprocessableEntry):
        return "Unprocessable entity"
    return _MESSAGES.get(status, "Internal server error")


def body_of(error: DialbookError) -> ErrorBody:
    error = in_talkdesk_words(error)
    status = status_of(error)
    return ErrorBody(
        code=_code(error),
        message=_message(error, status),
        description=error.detail,
        fields=[ErrorField(f.name, f.detail) for f in error.fields],
    )


def record_error(error: DialbookError, *, index: int, id: str | None = None) -> RecordError:
    """One failed item of a bulk request."""
    body = body_of(error)
    return RecordError(
        code=body.code,
        message=body.message,
        description=body.description,
        fields=body.fields,
        index=index,
        id=id,
    )


def reason(error: DialbookError) -> str:
    """One line saying what is wrong, for a failed item of a bulk delete."""
    body = body_of(error)
    return "; ".join(f"{f.name} {f.description}" for f in body.fields) or body.description


def render(request: Request, error: DialbookError) -> Response:
    status = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return json_response(body_of(error), status, headers)


ERRORS = ErrorShape(
    ErrorBody,
    {
        400: "Invalid data (``fields`` names each one) or a body that is not JSON",
        401: "Missing, unknown or revoked API key",
        403: "The key lacks the scope",
        404: "Not found",
        409: "A duplicate record, a concurrent change, or the default do-not-call list",
        413: "Body too large",
        422: "A JSON Patch whose result is not a valid record or entry",
    },
)
