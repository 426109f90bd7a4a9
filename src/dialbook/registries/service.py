"""Rules for do-not-call registries: importing a registry's files, and how fresh a copy is.

A workspace keeps one copy per registry name. A **full list** replaces the copy; a
**change list** applies its additions and deletions to it (idempotently: an addition of
a number already there and a deletion of one not there change nothing, so the same change
list applied twice gives the same copy). Either import sets the copy's ``as_of`` date.
The import runs in one transaction: a bad line refuses the whole file, naming the line,
and the copy stays as it was.

Memory stays bounded whatever the file's size: lines are read one at a time and written in
batches of ``BATCH`` keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from dialbook.db import Conn
from dialbook.errors import NotFound, invalid
from dialbook.events import service as event_service
from dialbook.kit import clock
from dialbook.registries import files, repository
from dialbook.registries.files import Entry, RegistryFileError
from dialbook.registries.schemas import (
    REGISTRY_NAMES,
    ImportKind,
    RegistryImport,
    RegistryPage,
    RegistryRead,
)
from dialbook.workspaces.schemas import Caller

BATCH = 20_000  # keys per statement: big enough to amortize, small enough to stay bounded
US_NATIONAL = "us-national"
# The safe-harbor rule (16 CFR 310.4(b)(3)(iv)): numbers are checked against a copy of the
# registry obtained no more than 31 days before the call.
SAFE_HARBOR_DAYS = 31


def check_name(name: str) -> str:
    if name not in REGISTRY_NAMES:
        raise NotFound(f"No registry named {name!r}; dialbook reads: {', '.join(REGISTRY_NAMES)}.")
    return name


def import_file(
    conn: Conn,
    *,
    caller: Caller,
    name: str,
    path: Path,
    as_of: dt.date | None = None,
    changes: bool = False,
    label: str | None = None,
    now: dt.datetime | None = None,
) -> RegistryImport:
    """Load a registry file (plain or zipped) into the workspace's copy of ``name``;
    ``label`` names the file in errors (default: its file name)."""
    check_name(name)
    now = now or clock.now()
    as_of = as_of or now.date()
    if as_of > now.date():
        raise invalid("as_of", f"{as_of.isoformat()} is in the future")
    workspace_id = caller.workspace_id
    found = repository.get(conn, workspace_id=workspace_id, name=name)
    if changes and found is None:
        # A change list alone is no copy of the registry (its date would pass for one).
        raise invalid("changes", f"there is no {name} copy to change yet: import a full list")
    kind: ImportKind = "changes" if changes else "full"
    values = {"as_of": as_of, "imported_at": now, "kind": kind}
    if found is None:
        registry_id = repository.insert_registry(
            conn, values={"workspace_id": workspace_id, "name": name, **values}
        )
    else:
        registry_id = int(found["id"])
    removed = (
        0 if changes else repository.clear(conn, workspace_id=workspace_id, registry_id=registry_id)
    )
    lines = added = 0
    try:
        with files.open_lines(path, label) as numbered:
            if changes:
                lines, added, deleted = _apply_changes(
                    conn, workspace_id, registry_id, files.entries(numbered, changes=True)
                )
                removed += deleted
            else:
                lines, added = _load_full(
                    conn, workspace_id, registry_id, files.entries(numbered, changes=False)
                )
    except RegistryFileError as error:
        raise invalid("file", str(error)) from None
    if lines == 0 and not changes:
        raise invalid("file", f"{label or path.name}: no numbers (a full list has some)")
    repository.update_registry(conn, workspace_id=workspace_id, id=registry_id, values=values)
    result = RegistryImport(
        registry=_read(conn, workspace_id, name),
        kind=kind,
        lines=lines,
        added=added,
        removed=removed,
    )
    event_service.record(conn, caller, "dnc_registry.imported", at=now, data=result)
    return result


def _load_full(
    conn: Conn, workspace_id: int, registry_id: int, entries: Iterator[Entry]
) -> tuple[int, int]:
    lines = added = 0
    batch: list[str] = []
    for entry in entries:
        lines += 1
        batch.append(entry.key)
        if len(batch) == BATCH:
            added += repository.add_entries(
                conn, workspace_id=workspace_id, registry_id=registry_id, keys=batch
            )
            batch = []
    added += repository.add_entries(
        conn, workspace_id=workspace_id, registry_id=registry_id, keys=batch
    )
    return lines, added


def _apply_changes(
    conn: Conn, workspace_id: int, registry_id: int, entries: Iterator[Entry]
) -> tuple[int, int, int]:
    """A change list's entries in file order: within a batch the last action on a key wins,
    and batches apply in order."""
    lines = added = removed = 0
    batch: dict[str, bool] = {}
    for entry in entries:
        lines += 1
        batch.pop(entry.key, None)  # re-inserted last: the later action wins
        batch[entry.key] = entry.add
        if len(batch) == BATCH:
            a, r = _flush(conn, workspace_id, registry_id, batch)
            added, removed, batch = added + a, removed + r, {}
    a, r = _flush(conn, workspace_id, registry_id, batch)
    return lines, added + a, removed + r


def _flush(
    conn: Conn, workspace_id: int, registry_id: int, batch: dict[str, bool]
) -> tuple[int, int]:
    adds = [key for key, add in batch.items() if add]
    removes = [key for key, add in batch.items() if not add]
    ids = {"workspace_id": workspace_id, "registry_id": registry_id}
    return (
        repository.add_entries(conn, **ids, keys=adds),
        repository.remove_entries(conn, **ids, keys=removes),
    )


def _read(conn: Conn, workspace_id: int, name: str) -> RegistryRead:
    row = repository.get(conn, workspace_id=workspace_id, name=name)
    if row is None:
        raise NotFound(f"No {name} registry has been imported in this workspace.")
    numbers, area_codes = repository.count_entries(
        conn, workspace_id=workspace_id, registry_id=int(row["id"])
    )
    return RegistryRead(
        name=name,
        as_of=row["as_of"],
        imported_at=row["imported_at"],
        kind=row["kind"],
        numbers=numbers,
        area_codes=area_codes,
    )


def get(conn: Conn, *, caller: Caller, name: str) -> RegistryRead:
    return _read(conn, caller.workspace_id, check_name(name))


def page(conn: Conn, *, caller: Caller) -> RegistryPage:
    rows = repository.all_registries(conn, workspace_id=caller.workspace_id)
    return RegistryPage(data=[_read(conn, caller.workspace_id, str(r["name"])) for r in rows])


def as_of_dates(conn: Conn, *, workspace_id: int) -> dict[str, dt.date]:
    """Registry name -> the date the workspace's copy is current as of."""
    return repository.as_of_dates(conn, workspace_id=workspace_id)


def is_stale(as_of: dt.date | None, *, max_age_days: int, now: dt.datetime) -> bool:
    """Whether a copy current as of ``as_of`` (None: none loaded) is too old to dial on:
    older than ``max_age_days`` whole days at ``now`` (UTC)."""
    return as_of is None or (now.astimezone(dt.UTC).date() - as_of).days > max_age_days


def entries_for(conn: Conn, *, workspace_id: int, number: str) -> list[tuple[str, str]]:
    """(registry name, matched key) of each registry entry that holds ``number``."""
    return repository.entries_of(conn, workspace_id=workspace_id, number=number)
