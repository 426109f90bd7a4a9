"""All SQL for custom field definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select, update

from dialbook.db import Conn
from dialbook.db.tables import custom_fields
from dialbook.fields.schemas import FieldRead
from dialbook.kit.rows import to_struct

_COLUMNS = [c for c in custom_fields.c if c.name != "workspace_id"]


def insert_field(conn: Conn, *, values: dict[str, Any]) -> FieldRead:
    row = conn.execute(insert(custom_fields).values(**values).returning(*_COLUMNS)).one()
    return to_struct(row, FieldRead)


def all_for(conn: Conn, *, workspace_id: int) -> list[FieldRead]:
    rows = conn.execute(
        select(*_COLUMNS)
        .where(custom_fields.c.workspace_id == workspace_id)
        .order_by(custom_fields.c.id)
    )
    return [to_struct(row, FieldRead) for row in rows]


def get(conn: Conn, *, workspace_id: int, id: int) -> FieldRead | None:
    row = conn.execute(
        select(*_COLUMNS).where(
            custom_fields.c.workspace_id == workspace_id, custom_fields.c.id == id
        )
    ).one_or_none()
    return None if row is None else to_struct(row, FieldRead)


def get_by_key(conn: Conn, *, workspace_id: int, key: str) -> FieldRead | None:
    row = conn.execute(
        select(*_COLUMNS).where(
            custom_fields.c.workspace_id == workspace_id, custom_fields.c.key == key
        )
    ).one_or_none()
    return None if row is None else to_struct(row, FieldRead)


def update_field(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any], now: dt.datetime
) -> FieldRead | None:
    row = conn.execute(
        update(custom_fields)
        .where(custom_fields.c.workspace_id == workspace_id, custom_fields.c.id == id)
        .values(**values, updated_at=now)
        .returning(*_COLUMNS)
    ).one_or_none()
    return None if row is None else to_struct(row, FieldRead)


def delete_field(conn: Conn, *, workspace_id: int, id: int) -> bool:
    result = conn.execute(
        delete(custom_fields).where(
            custom_fields.c.workspace_id == workspace_id, custom_fields.c.id == id
        )
    )
    return result.rowcount > 0
