"""Rows that every job of a group commit reads (a create's list, the custom field
definitions, a dialect's workspace), read once per batch.

A batch's jobs share one transaction (``database._run_batch``), so a row one job read is
what the next job would read, unless a job of the batch changed it (its writer calls
:func:`forget`) or a savepoint took the change back: a failed job's (the batch forgets
before rolling it back) or one a job rolled back itself (``begin_nested``: the engines
forget on SQLAlchemy's ``rollback_savepoint`` event). Outside a batch nothing is
remembered.

On PostgreSQL another transaction may change the row meanwhile: the batch's later jobs then
see it as its first job did, as if they had run a moment earlier; they were all sent before
the batch began.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Connection

S = TypeVar("S", bound=msgspec.Struct)
T = TypeVar("T")

_MEMO = "dialbook.batch_memo"  # conn.info key: lives as long as the DBAPI connection
_MISSING = object()


def start(conn: Connection) -> None:
    conn.info[_MEMO] = {}


def end(conn: Connection) -> None:
    conn.info.pop(_MEMO, None)


def forget(conn: Connection) -> None:
    """Called by every write of a remembered table, and for every savepoint rolled back."""
    memo = conn.info.get(_MEMO)
    if memo:
        memo.clear()


def remembered(conn: Connection, key: Hashable, read: Callable[[], S | None]) -> S | None:
    """``read()``, or within a batch what it gave the first time (as a copy: callers may
    set fields of theirs, a list's contact_count)."""
    found, kept = _found(conn, key, read)
    return msgspec.structs.replace(found) if kept and found is not None else found


def remembered_all(conn: Connection, key: Hashable, read: Callable[[], list[S]]) -> list[S]:
    """:func:`remembered` for a read of several rows (a new list of copies each time)."""
    found, kept = _found(conn, key, read)
    return [msgspec.structs.replace(one) for one in found] if kept else found


def _found(conn: Connection, key: Hashable, read: Callable[[], T]) -> tuple[T, bool]:
    """What ``read()`` gives, and whether the batch keeps it (so callers get copies)."""
    memo: dict[Hashable, Any] | None = conn.info.get(_MEMO)
    if memo is None:
        return read(), False
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = read()
    return found, True
