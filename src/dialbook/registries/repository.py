"""All SQL for do-not-call registries: a workspace's copies and their numbers.

Loading is the hot path (a full US list is hundreds of millions of lines; the bench loads a
million): batches of keys go in with one statement each on the transaction's cursor,
skipping keys already there (``INSERT OR IGNORE`` executemany on SQLite; an array
``unnest`` with ``ON CONFLICT DO NOTHING`` on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update

from dialbook.db import Conn, bulk
from dialbook.db.tables import dnc_registries
from dialbook.kit.rows import as_dict


def get(conn: Conn, *, workspace_id: int, name: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(dnc_registries).where(
            dnc_registries.c.workspace_id == workspace_id, dnc_registries.c.name == name
        )
    ).one_or_none()
    return None if row is None else as_dict(row)


def all_registries(conn: Conn, *, workspace_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(dnc_registries)
        .where(dnc_registries.c.workspace_id == workspace_id)
        .order_by(dnc_registries.c.name)
    )
    return [as_dict(row) for row in rows]


def as_of_dates(conn: Conn, *, workspace_id: int) -> dict[str, dt.date]:
    """Registry name -> the date its copy is current as of (read by every claim)."""
    rows = bulk.query(
        conn, "SELECT name, as_of FROM dnc_registries WHERE workspace_id = ?", [workspace_id]
    )
    return {str(name): _date(as_of) for name, as_of in rows}


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def insert_registry(conn: Conn, *, values: dict[str, Any]) -> int:
    found = conn.execute(insert(dnc_registries).values(**values).returning(dnc_registries.c.id))
    return int(found.scalar_one())


def update_registry(conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any]) -> None:
    conn.execute(
        update(dnc_registries)
        .where(dnc_registries.c.workspace_id == workspace_id, dnc_registries.c.id == id)
        .values(**values)
    )


def count_entries(conn: Conn, *, workspace_id: int, registry_id: int) -> tuple[int, int]:
    """(entries, of which whole area codes "+1NPA") of a registry's copy."""
    found = bulk.query(
        conn,
        "SELECT count(*), coalesce(sum(CASE WHEN length(number) = 5 THEN 1 ELSE 0 END), 0)"
        " FROM dnc_registry_numbers WHERE workspace_id = ? AND registry_id = ?",
        [workspace_id, registry_id],
    )[0]
    return int(found[0]), int(found[1])


def clear(conn: Conn, *, workspace_id: int, registry_id: int) -> int:
    """Delete every entry of a registry's copy; how many there were."""
    found = bulk.cursor(conn)
    found.execute(
        bulk.sql(
            conn, "DELETE FROM dnc_registry_numbers WHERE workspace_id = ? AND registry_id = ?"
        ),
        (workspace_id, registry_id),
    )
    return int(found.rowcount)


_ADD_SQLITE = (
    "INSERT OR IGNORE INTO dnc_registry_numbers (workspace_id, number, registry_id)"
    " VALUES (?, ?, ?)"
)
_ADD_POSTGRES = (
    "INSERT INTO dnc_registry_numbers (workspace_id, number, registry_id)"
    " SELECT ?, n, ? FROM unnest(?::text[]) AS n ON CONFLICT DO NOTHING"
)
_REMOVE_SQLITE = (
    "DELETE FROM dnc_registry_numbers WHERE workspace_id = ? AND number = ? AND registry_id = ?"
)
_REMOVE_POSTGRES = (
    "DELETE FROM dnc_registry_numbers"
    " WHERE workspace_id = ? AND registry_id = ? AND number = ANY(?::text[])"
)


def add_entries(conn: Conn, *, workspace_id: int, registry_id: int, keys: Sequence[str]) -> int:
    """Add keys to a registry's copy (those already there stay); how many were new."""
    return _apply(conn, workspace_id, registry_id, keys, _ADD_SQLITE, _ADD_POSTGRES)


def remove_entries(conn: Conn, *, workspace_id: int, registry_id: int, keys: Sequence[str]) -> int:
    """Remove keys from a registry's copy (those not there are no-ops); how many went."""
    return _apply(conn, workspace_id, registry_id, keys, _REMOVE_SQLITE, _REMOVE_POSTGRES)


def _apply(
    conn: Conn, workspace_id: int, registry_id: int, keys: Sequence[str], lite: str, pg: str
) -> int:
    if not keys:
        return 0
    found = bulk.cursor(conn)
    if conn.dialect.name == "sqlite":
        found.executemany(lite, [(workspace_id, key, registry_id) for key in keys])
    else:
        found.execute(bulk.sql(conn, pg), (workspace_id, registry_id, list(keys)))
    return int(found.rowcount)


def entries_of(conn: Conn, *, workspace_id: int, number: str) -> list[tuple[str, str]]:
    """(registry name, the key that matched) for each registry holding ``number`` or its
    whole area code."""
    rows = bulk.query(
        conn,
        "SELECT g.name, r.number FROM dnc_registry_numbers r JOIN dnc_registries g"
        " ON g.workspace_id = r.workspace_id AND g.id = r.registry_id"
        " WHERE r.workspace_id = ? AND r.number IN (?, ?) ORDER BY g.name, r.number DESC",
        [workspace_id, number, number[:5]],
    )
    return [(str(name), str(key)) for name, key in rows]
