"""Nedzo's error body and vocabulary.

Nedzo's current API answers errors as RFC 7807 problem details
(``{"type", "title", "status", "detail"}``, docs.nedzo.ai/api-reference/introduction). We
add an ``errors`` extension member naming each bad field in Nedzo's own words (``phone``,
not ``phones[0].number``). The legacy ``/v1/contact/`` API documents no error body; there the
same problem document also carries the members of its success envelope (``status_code``,
``message``, ``data: null``), so clients of either generation find what they read.

Statuses: 400 for unknown members, an invalid time zone, unknown custom fields and bodies
that are not JSON (as Nedzo documents); 422 for other invalid values.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from http import HTTPStatus

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from dialbook.dialects.nedzo.schemas import Problem, ProblemField
from dialbook.errors import DialbookError, DuplicateContact, InvalidInput
from dialbook.http.errors import ErrorShape

PREFIX = "/compat/nedzo"
ERROR_TYPE = "https://api.nedzo.ai/errors/"
MEDIA_TYPE = "application/problem+json"


class BadRequest(InvalidInput):
    """Input Nedzo rejects with 400 rather than 422. Its fields already carry Nedzo's names
    (an unknown member may be spelled like a canonical field: it is shown as sent)."""

    status = 400
    code = "bad_request"


_LEGACY = {
    "phones": "phone",
    "company": "business_name",
    "title": "job_title",
    "street": "full_address",
    "list_id": "contact_list_id",
    "list": "contact_list_id",
}
_CURRENT = {
    "first_name": "firstName",
    "last_name": "lastName",
    "full_name": "firstName",
    "phones": "phone",
    "custom_fields": "customFields",
    "workspace_id": "workspaceId",
}
_INDEXED = re.compile(r"^(?P<base>phones)\[\d+\](?:\.\w+)?$")


def is_legacy(path: str) -> bool:
    """True for the seed's routes (``/v1/contact/...``, ``/v1/contact-list/...``)."""
    rest = path.removeprefix(PREFIX)
    return rest == "/v1/contact" or rest.startswith(("/v1/contact/", "/v1/contact-list"))


def legacy_name(name: str, positions: Mapping[str, int] | None = None) -> str:
    """A canonical field path in the legacy vocabulary; ``positions`` maps custom field keys
    to their index in the request's ``custom_fields``."""
    indexed = _INDEXED.match(name)
    base = indexed.group("base") if indexed else name
    if base in _LEGACY:
        return _LEGACY[base]
    if name.startswith("custom_fields."):
        key = name.removeprefix("custom_fields.")
        index = (positions or {}).get(key)
        return "custom_fields" if index is None else f"custom_fields[{index}].value"
    return name


def current_name(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A canonical field path in the current (camelCase) vocabulary; ``labels`` maps custom
    field keys to their display names."""
    indexed = _INDEXED.match(name)
    base = indexed.group("base") if indexed else name
    if base in _CURRENT:
        return _CURRENT[base]
    if name.startswith("custom_fields."):
        key = name.removeprefix("custom_fields.")
        return f"customFields.{(labels or {}).get(key, key)}"
    return name


def _as_sent(name: str) -> str:
    return name


def render(request: Request, error: DialbookError) -> Response:
    legacy = is_legacy(request.url.path)
    name: Callable[[str], str] = legacy_name if legacy else current_name
    if isinstance(error, BadRequest):
        name = _as_sent
    status = error.status
    title = HTTPStatus(status).phrase
    body = Problem(
        type=ERROR_TYPE + title.lower().replace(" ", "-"),
        title=title,
        status=status,
        detail=error.detail,
    )
    fields = [ProblemField(field=name(f.name), detail=f.detail) for f in error.fields]
    if isinstance(error, InvalidInput) and fields and error.detail == error.default_detail():
        body.detail = "Invalid value for: " + ", ".join(f.field for f in fields) + "."
    if isinstance(error, DuplicateContact):
        existing = str(uuid.UUID(int=error.existing_id))
        field = name(error.matching_field)
        body.detail = f"A contact with this {field} already exists."
        fields = [ProblemField(field=field, detail=f"is already used by contact {existing}")]
        if legacy:
            body.existing_id = existing
        else:
            body.existingId = existing
    if status >= 500:
        body.detail = "The server could not complete the request."
    if fields:
        body.errors = fields
    if legacy:
        body.status_code, body.message, body.data = status, body.detail, None
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(
        msgspec.json.encode(body),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


ERRORS = ErrorShape(
    Problem,
    {
        400: "Unknown members, a body that is not JSON, an invalid time zone or custom field",
        401: "Missing, unknown or revoked API key",
        403: "The key lacks the scope",
        404: "Not found",
        409: "A duplicate contact (``existingId`` names it)",
        413: "Body too large",
        422: "An invalid value (``errors`` names each field)",
    },
    media_type=MEDIA_TYPE,
)
