"""Wire shapes for suppression lists and entries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from dialbook.workspaces.schemas import Id, Name

Number = Annotated[str, Meta(min_length=1, max_length=64, examples=["(240) 452-2332"])]
Reason = Annotated[str, Meta(max_length=500)]
Source = Literal["api", "cli", "import", "dnc_request", "dialect"]
MAX_BULK = 10_000


class SuppressionListCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name


class SuppressionListRead(Struct, kw_only=True):
    id: int
    name: str
    is_default: bool
    created_at: dt.datetime
    entry_count: int | None = None


class SuppressionListPage(Struct):
    data: list[SuppressionListRead]


class SuppressionCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    """A number not to call. Without a suppression_list_id it goes to the default list."""

    number: Number
    reason: Reason | None = None
    expires_at: dt.datetime | None = None
    suppression_list_id: Id | None = None


class SuppressionUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason | None | UnsetType = UNSET
    expires_at: dt.datetime | None | UnsetType = UNSET


class SuppressionBulk(Struct, forbid_unknown_fields=True, kw_only=True):
    entries: Annotated[list[SuppressionCreate], Meta(min_length=1, max_length=MAX_BULK)]


class Suppression(Struct, kw_only=True):
    id: int
    suppression_list_id: int
    number: str
    reason: str | None
    source: str
    expires_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SuppressionPage(Struct, kw_only=True):
    data: list[Suppression]
    next_cursor: str | None


class BulkResult(Struct, kw_only=True):
    added: int
    updated: int


class LineError(Struct, kw_only=True):
    line: int
    value: str
    detail: str


class FileResult(Struct, kw_only=True):
    """A file of numbers loaded into a suppression list."""

    suppression_list_id: int
    lines: int  # lines with a number (a header not counted)
    added: int
    updated: int  # already on the list: reason refreshed
    refused: int
    errors: list[LineError]  # the first ERRORS_SHOWN refused lines


class SuppressionQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    suppression_list_id: Id | None = None
    number: str | None = None
    include_expired: bool = False
    cursor: str | None = None
    limit: Annotated[int, Meta(ge=1, le=1000)] = 100


class CheckQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    number: Number


class CheckResult(Struct, kw_only=True):
    number: str
    suppressed: bool
    entries: list[Suppression]
