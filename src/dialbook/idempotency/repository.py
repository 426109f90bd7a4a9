"""All SQL for stored idempotent responses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select, tuple_, update

from dialbook.db import Conn
from dialbook.db.tables import idempotency_keys
from dialbook.kit.rows import as_dict


def find(conn: Conn, *, workspace_id: int, key: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(*idempotency_keys.c).where(
            idempotency_keys.c.workspace_id == workspace_id, idempotency_keys.c.key == key
        )
    ).one_or_none()
    return None if row is None else as_dict(row)


def insert_pending(
    conn: Conn,
    *,
    workspace_id: int,
    key: str,
    fingerprint: str,
    now: dt.datetime,
    ttl: dt.timedelta,
) -> int:
    return int(
        conn.execute(
            insert(idempotency_keys)
            .values(
                workspace_id=workspace_id,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                expires_at=now + ttl,
            )
            .returning(idempotency_keys.c.id)
        ).scalar_one()
    )


def complete(
    conn: Conn, *, workspace_id: int, id: int, status: int, headers: dict[str, str], body: bytes
) -> None:
    conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.workspace_id == workspace_id, idempotency_keys.c.id == id)
        .values(status=status, headers=headers, body=body)
    )


def remove(conn: Conn, *, workspace_id: int, id: int) -> None:
    conn.execute(
        delete(idempotency_keys).where(
            idempotency_keys.c.workspace_id == workspace_id, idempotency_keys.c.id == id
        )
    )


def purge_expired(conn: Conn, *, now: dt.datetime, batch: int = 500) -> None:
    """Forget up to ``batch`` expired keys, of any workspace."""
    expired = (
        select(idempotency_keys.c.workspace_id, idempotency_keys.c.id)
        .where(idempotency_keys.c.expires_at <= now)
        .limit(batch)
    )
    conn.execute(
        delete(idempotency_keys)
        .prefix_with("/* cross-tenant: expired idempotency keys of every workspace */")
        .where(tuple_(idempotency_keys.c.workspace_id, idempotency_keys.c.id).in_(expired))
    )
