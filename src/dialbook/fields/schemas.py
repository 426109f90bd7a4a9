"""Wire shapes for custom field definitions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType

from dialbook.normalize.fields import FieldType

Key = Annotated[
    str,
    Meta(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="lower-case letters, digits and _, starting with a letter",
        examples=["industry"],
    ),
]
Label = Annotated[str, Meta(min_length=1, max_length=200)]
Options = Annotated[list[Annotated[str, Meta(min_length=1, max_length=200)]], Meta(max_length=500)]


class FieldCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    key: Key
    label: Label | None = None
    type: FieldType = "string"
    options: Options | None = None


class FieldUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    label: Label | UnsetType = UNSET
    options: Options | None | UnsetType = UNSET


class FieldRead(Struct, kw_only=True):
    id: int
    key: str
    label: str
    type: FieldType
    options: list[str] | None
    created_at: dt.datetime
    updated_at: dt.datetime


class FieldPage(Struct):
    data: list[FieldRead]
    next_cursor: str | None = None


class FieldQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    cursor: str | None = None
    limit: Annotated[int, Meta(ge=1, le=500)] = 100


class FieldBulkDelete(Struct, forbid_unknown_fields=True, kw_only=True):
    """Which definitions to delete: by id, by key, and/or every one no contact uses."""

    ids: Annotated[list[int], Meta(max_length=10_000)] = []
    keys: Annotated[list[str], Meta(max_length=10_000)] = []
    unused: bool = False


class FieldsDeleted(Struct, kw_only=True):
    deleted: int
    keys: list[str]
