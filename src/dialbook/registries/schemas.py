"""Wire shapes for do-not-call registries."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from msgspec import Struct

# The registries dialbook reads the files of. "us-national": the US National Do Not Call
# Registry (telemarketing.donotcall.gov).
RegistryName = Literal["us-national"]
REGISTRY_NAMES: tuple[str, ...] = RegistryName.__args__  # type: ignore[attr-defined]
ImportKind = Literal["full", "changes"]


class RegistryRead(Struct, kw_only=True):
    name: str
    as_of: dt.date  # the day the copy is current as of (the download's date)
    imported_at: dt.datetime
    kind: ImportKind  # the last import: a full list or a change list
    numbers: int  # entries held (numbers and whole area codes)
    area_codes: int  # of which whole area codes


class RegistryPage(Struct, kw_only=True):
    data: list[RegistryRead]


class RegistryImportQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    as_of: dt.date | None = None  # default: today (UTC)
    changes: bool = False  # a change list (additions and deletions), not a full list


class RegistryImport(Struct, kw_only=True):
    """What an import did."""

    registry: RegistryRead
    kind: ImportKind
    lines: int  # entries read (blank lines not counted)
    added: int  # entries new to the copy
    removed: int  # entries gone: a change list's deletions, or a full list's absentees
