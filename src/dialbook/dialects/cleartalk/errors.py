"""ClearTalk's error body and vocabulary.

ClearTalk documents no error body. We answer in the shape NestJS (which ClearTalk's API
resembles) gives by default, ``{"statusCode", "message", "error"}``, with ``message`` a list
of "<field> <problem>" strings for validation failures, plus a ``fields`` member naming each
bad field in ClearTalk's own vocabulary (``phone``, not ``phones[0].number``). Validation
failures are 400, as NestJS's validation pipe answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import Response

from dialbook.dialects.cleartalk.schemas import ErrorBody, FieldMessage
from dialbook.errors import DialbookError, DuplicateContact, InvalidInput
from dialbook.http.errors import ErrorShape
from dialbook.http.routing import json_response

# Canonical name -> the single-create (camelCase) name and the bulk item (snake_case) name.
_NAMES: dict[str, tuple[str, str]] = {
    "first_name": ("firstName", "first_name"),
    "last_name": ("lastName", "last_name"),
    "full_name": ("firstName", "first_name"),
    "email": ("email", "email"),
    "phones": ("phone", "phone"),
    "date_of_birth": ("dateOfBirth", "date_of_birth"),
    "source": ("contactSource", "contact_source"),
    "notes": ("clearTalkNotes", "clear_talk_notes"),
}
_TOP_LEVEL = {"tags": "tag", "list_id": "listName", "list": "listName"}
_INDEXED = re.compile(r"^(?P<base>phones|tags)\[\d+\](?:\.\w+)?$")


def wire_name(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The single-create name of a canonical field path; other names pass unchanged."""
    return _name(name, labels, bulk=False)


def item_name(name: str, index: int, labels: Mapping[str, str] | None = None) -> str:
    """The name of a canonical field path inside ``data[index]`` of a bulk create."""
    mapped = _name(name, labels, bulk=True)
    return mapped if mapped in _TOP_LEVEL.values() else f"data[{index}].{mapped}"


def _name(name: str, labels: Mapping[str, str] | None, *, bulk: bool) -> str:
    indexed = _INDEXED.match(name)
    base = indexed.group("base") if indexed else name
    if base in _TOP_LEVEL:
        return _TOP_LEVEL[base]
    if base in _NAMES:
        return _NAMES[base][1 if bulk else 0]
    if name.startswith("custom_fields."):
        key = name.removeprefix("custom_fields.")
        if key == "disposition" and key not in (labels or {}):
            return key  # kept in a custom field, but sent as its own member
        label = (labels or {}).get(key, key)
        return f"{'custom_field' if bulk else 'customField'}.{label}"
    return name


def render(request: Request, error: DialbookError) -> Response:
    status = 400 if isinstance(error, InvalidInput) else error.status
    fields = [FieldMessage(field=wire_name(f.name), message=f.detail) for f in error.fields]
    message: str | list[str] = error.detail
    if isinstance(error, InvalidInput) and fields:
        message = [f"{f.field} {f.message}" for f in fields]
    elif status >= 500:
        message = "Internal server error"
    body = ErrorBody(
        status_code=status, message=message, error=HTTPStatus(status).phrase, fields=fields
    )
    if isinstance(error, DuplicateContact):
        body.existing_id = error.existing_id
    return json_response(body, status)


ERRORS = ErrorShape(
    ErrorBody,
    {
        400: "Invalid input (``fields`` names each one) or a body that is not JSON",
        401: "Missing, unknown or revoked API key",
        403: "The key lacks the scope",
        404: "Not found",
        409: "Conflicts with existing data (``existingId`` names the duplicate)",
        413: "Body too large",
    },
)
