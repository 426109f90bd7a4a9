"""Wire shapes for imports and exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from dialbook.imports.mapping import Unmapped
from dialbook.imports.reader import Format

OnDuplicate = Literal["skip", "update", "create"]
# undone: its contacts were deleted again (imports.service.undo)
Status = Literal["queued", "running", "done", "failed", "undone"]


class ImportOptions(Struct, forbid_unknown_fields=True, kw_only=True):
    """How to read a file. Also the query string of POST /v1/lists/{id}/imports."""

    format: Format | None = None
    delimiter: Annotated[str, Meta(min_length=1, max_length=1)] | None = None
    encoding: Annotated[str, Meta(max_length=40)] | None = None
    map: list[str] = field(default_factory=list)  # "Column=target" overrides
    unmapped: Unmapped = "custom"
    on_duplicate: OnDuplicate = "skip"
    # New custom field definitions an import may create; more refuses it before any write.
    allow_new_fields: Annotated[int, Meta(ge=0, le=100_000)] = 50
    filename: Annotated[str, Meta(max_length=500)] | None = None


class ImportRead(Struct, kw_only=True):
    id: int
    list_id: int
    status: Status
    filename: str
    options: ImportOptions
    rows_read: int
    created: int
    updated: int
    skipped: int
    rejected: int
    warned: int  # imported with a value kept as given or ignored: GET .../warnings
    last_line: int
    bytes_total: int
    bytes_done: int
    progress: float  # 0..1, by bytes read
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ImportTemplate(Struct, kw_only=True):
    """A column mapping saved under a name: each column a file had, and its target."""

    id: int
    name: str
    mapping: list[ColumnMapping]
    created_at: dt.datetime
    updated_at: dt.datetime


class ImportTemplateCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    # "Column=target", as ImportOptions.map
    map: Annotated[list[str], Meta(min_length=1, max_length=1000)]


class ImportList(Struct, kw_only=True):
    data: list[ImportRead]


class UndoResult(Struct, kw_only=True):
    """An import undone: the contacts it had created and that were deleted."""

    import_id: int
    deleted: int


class ColumnMapping(Struct, kw_only=True):
    column: str
    target: str


class RowProblem(Struct, kw_only=True):
    line: int
    errors: list[dict[str, str]]


class DryRun(Struct, kw_only=True):
    format: str
    encoding: str | None
    delimiter: str | None
    mapping: list[ColumnMapping]
    rows_checked: int
    valid: int
    rejected: int
    first_errors: list[RowProblem]
    warned: int  # would be imported with a value kept as given or ignored
    first_warnings: list[RowProblem]


class ExportQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    format: Literal["csv", "jsonl"] = "csv"
