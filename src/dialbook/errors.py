"""The domain error tree. Services raise these; each API surface renders them once.

* DialbookError                 500 internal_error
  x MalformedRequest            400 malformed_request   (body is not JSON, wrong content)
  x Unauthorized                401 unauthorized        (missing, unknown or revoked key)
  x Forbidden                   403 forbidden           (key lacks the scope, or the tenant)
  x NotFound                    404 not_found
  x MethodNotAllowed            405 method_not_allowed
  x Conflict                    409 conflict
    + DuplicateContact          409 duplicate_contact   (hit the list's duplicate policy)
    + VersionConflict           412 version_conflict    (If-Match / version no longer current)
    + LeaseLost                 409 conflict            (an import's runner lost its lease)
  x Gone                        410 gone                (an event cursor older than retention)
  x PayloadTooLarge             413 payload_too_large
  x InvalidInput                422 validation_failed   (carries one FieldError per bad field)
  x TooManyRequests             429 rate_limited        (carries retry_after seconds)

Field names in FieldError are canonical paths such as ``phones[1].number``; a dialect maps
them to its own vocabulary before rendering.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    name: str
    detail: str


class DialbookError(Exception):
    status: int = 500
    code: str = "internal_error"

    def __init__(self, detail: str = "", *, fields: Iterable[FieldError] = ()) -> None:
        self.fields = list(fields)
        self.detail = detail or self.default_detail()
        super().__init__(self.detail)

    def default_detail(self) -> str:
        return "The server could not complete the request."


class MalformedRequest(DialbookError):
    status = 400
    code = "malformed_request"

    def default_detail(self) -> str:
        return "The request body could not be read."


class Unauthorized(DialbookError):
    status = 401
    code = "unauthorized"

    def default_detail(self) -> str:
        return "Send an API key as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."


class Forbidden(DialbookError):
    status = 403
    code = "forbidden"

    def default_detail(self) -> str:
        return "This API key may not do that."


class NotFound(DialbookError):
    status = 404
    code = "not_found"

    def default_detail(self) -> str:
        return "Not found."


class MethodNotAllowed(DialbookError):
    status = 405
    code = "method_not_allowed"

    def default_detail(self) -> str:
        return "Method not allowed."


class Conflict(DialbookError):
    status = 409
    code = "conflict"


class DuplicateContact(Conflict):
    code = "duplicate_contact"

    def __init__(self, *, existing_id: int, matching_field: str, existing_name: str = "") -> None:
        super().__init__(
            f"A contact with this {matching_field} already exists (id {existing_id}).",
            fields=[FieldError(matching_field, f"already used by contact {existing_id}")],
        )
        self.existing_id = existing_id
        self.matching_field = matching_field
        self.existing_name = existing_name


class VersionConflict(Conflict):
    status = 412
    code = "version_conflict"

    def __init__(self, *, current_version: int) -> None:
        super().__init__(
            f"The contact changed since you read it; its current version is {current_version}."
        )
        self.current_version = current_version


class LeaseLost(Conflict):
    """A running import is no longer this process's: its lease ran out and another process
    took the job over, or it was stopped. The runner stops; nothing of the chunk it was
    writing is kept."""


class Gone(DialbookError):
    status = 410
    code = "gone"


class PayloadTooLarge(DialbookError):
    status = 413
    code = "payload_too_large"

    def default_detail(self) -> str:
        return "The request body is too large."


class InvalidInput(DialbookError):
    status = 422
    code = "validation_failed"

    def default_detail(self) -> str:
        names = ", ".join(f.name for f in self.fields)
        return f"Invalid value for: {names}." if names else "The request is not valid."


class TooManyRequests(DialbookError):
    status = 429
    code = "rate_limited"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(f"Too many requests for this API key; retry in {retry_after} s.")
        self.retry_after = retry_after


def invalid(name: str, detail: str) -> InvalidInput:
    """Shorthand for the common single-field error."""
    return InvalidInput(fields=[FieldError(name, detail)])
