"""Rules for do-not-call numbers.

Entries live in named suppression lists; every workspace has a default one. A number is
suppressed while any unexpired entry in any of the workspace's lists names it. The dial
queue checks this when it hands contacts out, so numbers added after a contact was loaded
are still never called.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from dialbook.db import Conn
from dialbook.errors import Conflict, FieldError, InvalidInput, NotFound, invalid
from dialbook.events import service as event_service
from dialbook.kit import clock, cursors
from dialbook.kit.structs import set_fields
from dialbook.normalize.phones import PhoneError, parse_phone
from dialbook.suppressions import repository
from dialbook.suppressions.schemas import (
    MAX_BULK,
    BulkResult,
    CheckResult,
    FileResult,
    LineError,
    Suppression,
    SuppressionCreate,
    SuppressionListRead,
    SuppressionPage,
    SuppressionQuery,
    SuppressionUpdate,
)
from dialbook.workspaces.schemas import Caller

DEFAULT_NAME = "Do not call"
# A file's column of numbers, by its header (else the first column, and no header).
NUMBER_COLUMNS = ("number", "phone", "phone_number", "phone number", "telephone", "mobile")
ERRORS_SHOWN = 100


def default_list(conn: Conn, *, workspace_id: int) -> SuppressionListRead:
    found = repository.default_list(conn, workspace_id=workspace_id)
    if found is not None:
        return found
    return repository.insert_list(
        conn,
        values={
            "workspace_id": workspace_id,
            "name": DEFAULT_NAME,
            "is_default": True,
            "created_at": clock.now(),
        },
    )


def create_list(conn: Conn, *, workspace_id: int, name: str) -> SuppressionListRead:
    default_list(conn, workspace_id=workspace_id)
    created = repository.insert_list(
        conn,
        values={
            "workspace_id": workspace_id,
            "name": name.strip() or DEFAULT_NAME,
            "is_default": False,
            "created_at": clock.now(),
        },
    )
    created.entry_count = 0
    return created


def list_lists(conn: Conn, *, workspace_id: int) -> list[SuppressionListRead]:
    default_list(conn, workspace_id=workspace_id)
    return repository.all_lists(conn, workspace_id=workspace_id)


def get_list(
    conn: Conn, *, workspace_id: int, id: int, with_count: bool = False
) -> SuppressionListRead:
    """A suppression list; with ``with_count``, its ``entry_count`` (expired entries too)."""
    found = repository.get_list(conn, workspace_id=workspace_id, id=id)
    if found is None:
        raise NotFound(f"No suppression list with id {id}.")
    if with_count:
        found.entry_count = repository.count_entries(
            conn, workspace_id=workspace_id, suppression_list_id=id
        )
    return found


def delete_list(conn: Conn, *, workspace_id: int, id: int) -> None:
    if get_list(conn, workspace_id=workspace_id, id=id).is_default:
        raise Conflict("The default suppression list cannot be deleted.")
    repository.delete_list(conn, workspace_id=workspace_id, id=id)


def normalize_number(raw: str, caller: Caller, *, field: str = "number") -> str:
    try:
        return parse_phone(raw, [caller.default_region]).number
    except PhoneError as error:
        raise invalid(field, f"{raw!r} {error}") from None


def add(conn: Conn, *, caller: Caller, data: SuppressionCreate, source: str = "api") -> Suppression:
    """Add a number (or refresh its reason and expiry when the list already has it)."""
    number = normalize_number(data.number, caller)
    target = _target_list(conn, caller, data.suppression_list_id, "suppression_list_id")
    _store(conn, caller=caller, items={target: {number: data}}, source=source)
    found = repository.entry_by_number(
        conn, workspace_id=caller.workspace_id, suppression_list_id=target, number=number
    )
    assert found is not None
    return found


def add_many(
    conn: Conn, *, caller: Caller, entries: Sequence[SuppressionCreate], source: str = "api"
) -> BulkResult:
    """Add numbers all together or not at all (every bad number is named)."""
    errors: list[FieldError] = []
    items: dict[int, dict[str, SuppressionCreate]] = {}
    targets: dict[int | None, int] = {}
    for index, entry in enumerate(entries):
        try:
            number = normalize_number(entry.number, caller, field=f"entries[{index}].number")
            if entry.suppression_list_id not in targets:
                targets[entry.suppression_list_id] = _target_list(
                    conn,
                    caller,
                    entry.suppression_list_id,
                    f"entries[{index}].suppression_list_id",
                )
        except InvalidInput as error:
            errors += error.fields
            continue
        items.setdefault(targets[entry.suppression_list_id], {})[number] = entry
    if errors:
        raise InvalidInput(fields=errors)
    return _store(conn, caller=caller, items=items, source=source)


def add_file(
    conn: Conn,
    *,
    caller: Caller,
    path: Path,
    suppression_list_id: int | None = None,
    reason: str | None = None,
    source: str = "import",
) -> FileResult:
    """Load a file of numbers into a suppression list (the default one without an id): a
    CSV with a column named number/phone/..., or else one number a line (the first
    column). Each line that is no phone number is refused and named; the others go in."""
    target = _target_list(conn, caller, suppression_list_id, "suppression_list_id")
    result = FileResult(
        suppression_list_id=target, lines=0, added=0, updated=0, refused=0, errors=[]
    )
    batch: dict[str, SuppressionCreate] = {}

    def flush() -> None:
        stored = _store(conn, caller=caller, items={target: batch}, source=source)
        result.added += stored.added
        result.updated += stored.updated
        batch.clear()

    for line, value in _numbers_in(path):
        result.lines += 1
        try:
            number = normalize_number(value, caller)
        except InvalidInput as error:
            result.refused += 1
            if len(result.errors) < ERRORS_SHOWN:
                result.errors.append(LineError(line=line, value=value[:100],
                                               detail=error.fields[0].detail))  # fmt: skip
            continue
        batch[number] = SuppressionCreate(number=number, reason=reason)
        if len(batch) == MAX_BULK:
            flush()
    flush()
    return result


def _numbers_in(path: Path) -> Iterator[tuple[int, str]]:
    """(line, number as written) of each line with a number."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        first = next(reader, [])
        names = [cell.strip().lower() for cell in first]
        column = next((names.index(n) for n in NUMBER_COLUMNS if n in names), None)
        if column is None:  # no header: the first row is a number too
            column = 0
            if first and first[0].strip():
                yield reader.line_num, first[0].strip()
        for row in reader:
            if len(row) > column and row[column].strip():
                yield reader.line_num, row[column].strip()


def _store(
    conn: Conn,
    *,
    caller: Caller,
    items: dict[int, dict[str, SuppressionCreate]],
    source: str,
) -> BulkResult:
    """Insert new numbers and refresh known ones, per suppression list."""
    now = clock.now()
    added = updated = 0
    for list_id, numbers in items.items():
        existing = repository.existing_numbers(
            conn,
            workspace_id=caller.workspace_id,
            suppression_list_id=list_id,
            numbers=list(numbers),
        )
        rows = []
        for number, entry in numbers.items():
            values = {"reason": entry.reason, "expires_at": entry.expires_at, "updated_at": now}
            if number in existing:
                repository.update_entry_by_number(
                    conn,
                    workspace_id=caller.workspace_id,
                    suppression_list_id=list_id,
                    number=number,
                    values=values,
                )
                updated += 1
            else:
                rows.append(
                    {
                        **values,
                        "workspace_id": caller.workspace_id,
                        "suppression_list_id": list_id,
                        "number": number,
                        "source": source,
                        "created_at": now,
                    }
                )
        repository.insert_entries(conn, rows=rows)
        added += len(rows)
        event_service.record_many(
            conn,
            (
                event_service.row(
                    caller,
                    "suppression.added",
                    at=now,
                    data={k: v for k, v in row.items() if k != "workspace_id"},
                )
                for row in rows
            ),
        )
    return BulkResult(added=added, updated=updated)


def _target_list(conn: Conn, caller: Caller, id: int | None, field: str) -> int:
    if id is None:
        return default_list(conn, workspace_id=caller.workspace_id).id
    if repository.get_list(conn, workspace_id=caller.workspace_id, id=id) is None:
        raise invalid(field, f"no suppression list with id {id}")
    return id


def get(conn: Conn, *, caller: Caller, id: int) -> Suppression:
    found = repository.get_entry(conn, workspace_id=caller.workspace_id, id=id)
    if found is None:
        raise NotFound(f"No suppression entry with id {id}.")
    return found


def update(conn: Conn, *, caller: Caller, id: int, data: SuppressionUpdate) -> Suppression:
    values: dict[str, Any] = set_fields(data)
    found = repository.update_entry(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        values={**values, "updated_at": clock.now()},
    )
    if found is None:
        raise NotFound(f"No suppression entry with id {id}.")
    return found


def delete(conn: Conn, *, caller: Caller, ids: Sequence[int]) -> int:
    """Remove entries by id; how many were removed (unknown ids are skipped)."""
    removed = repository.delete_entries(conn, workspace_id=caller.workspace_id, ids=ids)
    event_service.record_many(
        conn, (event_service.row(caller, "suppression.removed", data=row) for row in removed)
    )
    return len(removed)


def remove(conn: Conn, *, caller: Caller, id: int) -> None:
    if not delete(conn, caller=caller, ids=[id]):
        raise NotFound(f"No suppression entry with id {id}.")


def page(
    conn: Conn, *, caller: Caller, query: SuppressionQuery, offset: int | None = None
) -> SuppressionPage:
    """A page of entries, oldest first: after ``query.cursor``, or, with ``offset``, that
    many skipped (the cursor is then ignored)."""
    rows = repository.page(
        conn,
        workspace_id=caller.workspace_id,
        after_id=0 if offset is not None else cursors.after(query.cursor),
        offset=offset or 0,
        limit=query.limit + 1,
        now=clock.now(),
        suppression_list_id=query.suppression_list_id,
        number=normalize_number(query.number, caller) if query.number else None,
        include_expired=query.include_expired,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return SuppressionPage(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)


def count(conn: Conn, *, caller: Caller, query: SuppressionQuery) -> int:
    """How many entries ``query`` filters (its cursor and limit aside)."""
    return repository.count(
        conn,
        workspace_id=caller.workspace_id,
        now=clock.now(),
        suppression_list_id=query.suppression_list_id,
        number=normalize_number(query.number, caller) if query.number else None,
        include_expired=query.include_expired,
    )


def check(
    conn: Conn, *, caller: Caller, number: str, now: dt.datetime | None = None
) -> CheckResult:
    e164 = normalize_number(number, caller)
    entries = repository.active_for(
        conn, workspace_id=caller.workspace_id, number=e164, now=now or clock.now()
    )
    return CheckResult(number=e164, suppressed=bool(entries), entries=entries)
