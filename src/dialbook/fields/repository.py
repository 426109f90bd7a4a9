"""All SQL for custom field definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import delete, insert, select, text, update

from dialbook.db import Conn, batch_memo, bulk
from dialbook.db.tables import custom_fields
from dialbook.fields.schemas import FieldRead
from dialbook.kit.rows import to_struct

_COLUMNS = [c for c in custom_fields.c if c.name != "workspace_id"]


def insert_field(conn: Conn, *, values: dict[str, Any]) -> FieldRead:
    batch_memo.forget(conn)
    row = conn.execute(insert(custom_fields).values(**values).returning(*_COLUMNS)).one()
    return to_struct(row, FieldRead)


# Read on contact writes that carry custom fields: run by the driver.
_SELECT = f"SELECT {bulk.columns_of(custom_fields)} FROM custom_fields"


def _fast(conn: Conn, where: str, params: list[Any]) -> list[FieldRead]:
    rows = bulk.query(conn, f"{_SELECT} WHERE {where} ORDER BY id", params)
    return [bulk.as_struct(conn, custom_fields, row, _to_field) for row in rows]


def _to_field(row: dict[str, Any]) -> FieldRead:
    return msgspec.convert(row, FieldRead)


def all_for(conn: Conn, *, workspace_id: int) -> list[FieldRead]:
    # Read by a dialect's every create: once per group commit (db/batch_memo.py).
    return batch_memo.remembered_all(
        conn,
        ("custom fields", workspace_id),
        lambda: _fast(conn, "workspace_id = ?", [workspace_id]),
    )


def page(conn: Conn, *, workspace_id: int, after_id: int, limit: int) -> list[FieldRead]:
    rows = conn.execute(
        select(*_COLUMNS)
        .where(custom_fields.c.workspace_id == workspace_id, custom_fields.c.id > after_id)
        .order_by(custom_fields.c.id)
        .limit(limit)
    ).all()
    return [to_struct(row, FieldRead) for row in rows]


def keys_in_use(conn: Conn, *, workspace_id: int) -> set[str]:
    """Every custom field key some contact of the workspace has a value for (a scan of the
    workspace's contacts: for clean-ups, not hot paths)."""
    if conn.dialect.name == "postgresql":
        sql = (
            "SELECT DISTINCT jsonb_object_keys(c.custom_fields) FROM contacts AS c"
            " WHERE c.workspace_id = :ws"
        )
    else:
        sql = (
            "SELECT DISTINCT j.key FROM contacts AS c, json_each(c.custom_fields) AS j"
            " WHERE c.workspace_id = :ws"
        )
    return {row[0] for row in conn.execute(text(sql), {"ws": workspace_id})}


def delete_fields(conn: Conn, *, workspace_id: int, ids: list[int]) -> list[str]:
    """Delete the definitions ``ids``; the keys of those that existed."""
    if not ids:
        return []
    batch_memo.forget(conn)
    rows = conn.execute(
        delete(custom_fields)
        .where(custom_fields.c.workspace_id == workspace_id, custom_fields.c.id.in_(ids))
        .returning(custom_fields.c.key)
    ).all()
    return sorted(row[0] for row in rows)


def get(conn: Conn, *, workspace_id: int, id: int) -> FieldRead | None:
    row = conn.execute(
        select(*_COLUMNS).where(
            custom_fields.c.workspace_id == workspace_id, custom_fields.c.id == id
        )
    ).one_or_none()
    return None if row is None else to_struct(row, FieldRead)


def get_by_key(conn: Conn, *, workspace_id: int, key: str) -> FieldRead | None:
    found = _fast(conn, "workspace_id = ? AND key = ?", [workspace_id, key])
    return found[0] if found else None


def update_field(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any], now: dt.datetime
) -> FieldRead | None:
    batch_memo.forget(conn)
    row = conn.execute(
        update(custom_fields)
        .where(custom_fields.c.workspace_id == workspace_id, custom_fields.c.id == id)
        .values(**values, updated_at=now)
        .returning(*_COLUMNS)
    ).one_or_none()
    return None if row is None else to_struct(row, FieldRead)


def delete_field(conn: Conn, *, workspace_id: int, id: int) -> bool:
    batch_memo.forget(conn)
    result = conn.execute(
        delete(custom_fields).where(
            custom_fields.c.workspace_id == workspace_id, custom_fields.c.id == id
        )
    )
    return result.rowcount > 0
