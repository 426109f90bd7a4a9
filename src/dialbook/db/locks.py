"""Transaction-scoped named locks, for get-or-create and duplicate checks.

PostgreSQL: advisory locks held until the transaction ends, so two server processes that
check-then-insert the same key run one after the other. SQLite needs nothing: its single
writer already runs one write transaction at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection

from dialbook.db import bulk


def lock(conn: Connection, keys: Iterable[str]) -> None:
    if conn.dialect.name != "postgresql":
        return
    numbers = sorted({_number(key) for key in keys})  # one order, so lockers never deadlock
    if len(numbers) == 1:
        bulk.query(conn, "SELECT pg_advisory_xact_lock(?)", numbers)
    elif numbers:  # a batch's keys in one statement, taken in the sorted order
        bulk.query(
            conn,
            "SELECT pg_advisory_xact_lock(k)"
            " FROM (SELECT unnest(CAST(? AS bigint[])) AS k ORDER BY 1) AS sorted",
            [numbers],
        )


def _number(key: str) -> int:
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
