"""Transaction-scoped named locks, for get-or-create and duplicate checks.

PostgreSQL: advisory locks held until the transaction ends, so two server processes that
check-then-insert the same key run one after the other. SQLite needs nothing: its single
writer already runs one write transaction at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection, text


def lock(conn: Connection, keys: Iterable[str]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):  # a fixed order, so two lockers never deadlock
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:k)"),
            {"k": int.from_bytes(digest, "big", signed=True)},
        )
