"""The transactional outbox: events wait on the connection, then go in with the change.

Services record events with :func:`add` while they work; :class:`~dialbook.db.Database`
calls :func:`flush` when the function it runs returns, inside the same transaction (the
same savepoint, in a SQLite group commit), so an event row exists if and only if the change
it describes committed. Writing them last, in one batch, keeps the lock below short.

Ids only grow, and a feed reader that has seen id N must never later find a smaller id
commit. SQLite's single writer gives that for free. On PostgreSQL, ids come from a sequence
at insert time, so the insert takes a per-workspace advisory lock held until commit: two
transactions of one workspace insert (and so commit) their events one after the other.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from dialbook.db import bulk, locks
from dialbook.db.tables import events

_PENDING = "dialbook.outbox"
COLUMNS = (
    "workspace_id",
    "type",
    "at",
    "list_id",
    "contact_id",
    "version",
    "key_id",
    "actor",
    "changes",
    "data",
)


def add(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Queue event rows (every key of COLUMNS) to be written with this transaction."""
    conn.info.setdefault(_PENDING, []).extend(rows)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Event rows whose values are ready for the driver (db/bulk.py's insert_prepared:
    tuples in COLUMNS order, or COPY text lines on PostgreSQL), all of one workspace."""

    workspace_id: int
    rows: Sequence[Any]


def add_prepared(conn: Connection, workspace_id: int, rows: Sequence[Any]) -> None:
    """Queue event rows made ready for the driver (the importer's batches), in order with
    the others."""
    if rows:
        conn.info.setdefault(_PENDING, []).append(Prepared(workspace_id, rows))


def discard(conn: Connection) -> None:
    """Forget the queued events (their transaction rolled back)."""
    conn.info.pop(_PENDING, None)


def mark(conn: Connection) -> int:
    """Where the queue stands: :func:`forget_since` drops what is queued after it."""
    return len(conn.info.setdefault(_PENDING, []))


def forget_since(conn: Connection, position: int) -> None:
    """Forget the events queued after ``mark`` gave ``position`` (their savepoint rolled
    back)."""
    del conn.info.get(_PENDING, [])[position:]


def flush(conn: Connection) -> int:
    """Write the queued events now; how many. Long writers (a list delete) call it between
    chunks to bound memory; :class:`Database` calls it before every commit."""
    rows: list[dict[str, Any] | Prepared] | None = conn.info.pop(_PENDING, None)
    if not rows:
        return 0
    workspaces = {
        row["workspace_id"] if isinstance(row, dict) else row.workspace_id for row in rows
    }
    locks.lock(conn, (f"events:{workspace_id}" for workspace_id in workspaces))
    written = 0
    for prepared, group in itertools.groupby(rows, key=lambda row: isinstance(row, Prepared)):
        if prepared:
            for batch in group:
                assert isinstance(batch, Prepared)
                bulk.insert_prepared(conn, events, COLUMNS, batch.rows)
                written += len(batch.rows)
        else:
            plain = [row for row in group if isinstance(row, dict)]
            bulk.insert_rows(conn, events, plain)
            written += len(plain)
    return written


@contextlib.contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """``conn.begin_nested()`` that also forgets the events queued inside it when it rolls
    back: use it instead of begin_nested() around work that records events."""
    position = mark(conn)
    try:
        with conn.begin_nested():
            yield
    except BaseException:
        forget_since(conn, position)
        raise
