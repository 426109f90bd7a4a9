"""All SQL for workspaces and API keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import func, insert, select, update

from dialbook.db import Conn, batch_memo, bulk
from dialbook.db.tables import api_keys, workspaces
from dialbook.kit.rows import AnyRow, as_dict, to_struct
from dialbook.workspaces.schemas import KeyRead, WorkspaceRead

_KEY_COLUMNS = (
    api_keys.c.id,
    api_keys.c.workspace_id,
    api_keys.c.name,
    api_keys.c.prefix,
    api_keys.c.scopes,
    api_keys.c.created_at,
    api_keys.c.last_used_at,
    api_keys.c.revoked_at,
)


def _key(row: AnyRow) -> KeyRead:
    data = as_dict(row)
    data["scopes"] = data["scopes"].split()
    return KeyRead(**data)


def insert_workspace(conn: Conn, *, values: dict[str, Any]) -> WorkspaceRead:
    batch_memo.forget(conn)
    row = conn.execute(insert(workspaces).values(**values).returning(*workspaces.c)).one()
    return to_struct(row, WorkspaceRead)


def update_workspace(conn: Conn, *, id: int, values: dict[str, Any]) -> WorkspaceRead | None:
    batch_memo.forget(conn)
    row = conn.execute(
        update(workspaces).where(workspaces.c.id == id).values(**values).returning(*workspaces.c)
    ).one_or_none()
    return None if row is None else to_struct(row, WorkspaceRead)


# Read on every dialect request: run by the driver, not built by SQLAlchemy each time, and
# once per group commit (db/batch_memo.py).
_SELECT = f"SELECT {bulk.columns_of(workspaces)} FROM workspaces WHERE id = ?"


def get_workspace(conn: Conn, *, id: int) -> WorkspaceRead | None:
    return batch_memo.remembered(conn, ("workspace", id), lambda: _read_workspace(conn, id))


def _read_workspace(conn: Conn, id: int) -> WorkspaceRead | None:
    rows = bulk.query(conn, _SELECT, [id])
    return bulk.as_struct(conn, workspaces, rows[0], _to_workspace) if rows else None


def _to_workspace(row: dict[str, Any]) -> WorkspaceRead:
    return msgspec.convert(row, WorkspaceRead)


def get_workspace_by_name(conn: Conn, *, name: str) -> WorkspaceRead | None:
    row = conn.execute(select(*workspaces.c).where(workspaces.c.name == name)).one_or_none()
    return None if row is None else to_struct(row, WorkspaceRead)


def list_workspaces(conn: Conn, *, only_id: int | None = None) -> list[WorkspaceRead]:
    query = select(*workspaces.c).order_by(workspaces.c.id)
    if only_id is not None:
        query = query.where(workspaces.c.id == only_id)
    return [to_struct(row, WorkspaceRead) for row in conn.execute(query)]


def count_workspaces(conn: Conn) -> int:
    return int(conn.execute(select(func.count()).select_from(workspaces)).scalar_one())


def count_keys(conn: Conn) -> int:
    return int(conn.execute(select(func.count()).select_from(api_keys)).scalar_one())


def insert_key(
    conn: Conn,
    *,
    workspace_id: int,
    name: str,
    prefix: str,
    key_hash: str,
    scopes: list[str],
    now: dt.datetime,
) -> KeyRead:
    row = conn.execute(
        insert(api_keys)
        .values(
            workspace_id=workspace_id,
            name=name,
            prefix=prefix,
            key_hash=key_hash,
            scopes=" ".join(scopes),
            created_at=now,
        )
        .returning(*_KEY_COLUMNS)
    ).one()
    return _key(row)


def find_active_key(conn: Conn, *, key_hash: str) -> tuple[KeyRead, str | None] | None:
    """The unrevoked key with this hash and its workspace's default region."""
    row = conn.execute(
        select(*_KEY_COLUMNS, workspaces.c.default_region)
        .join(workspaces, workspaces.c.id == api_keys.c.workspace_id)
        .where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    data = as_dict(row)
    region = data.pop("default_region")
    data["scopes"] = data["scopes"].split()
    return KeyRead(**data), region


def list_keys(conn: Conn, *, workspace_id: int) -> list[KeyRead]:
    rows = conn.execute(
        select(*_KEY_COLUMNS).where(api_keys.c.workspace_id == workspace_id).order_by(api_keys.c.id)
    )
    return [_key(row) for row in rows]


def revoke_key(conn: Conn, *, workspace_id: int, key_id: int, now: dt.datetime) -> KeyRead | None:
    row = conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.workspace_id == workspace_id)
        .values(revoked_at=func.coalesce(api_keys.c.revoked_at, now))
        .returning(*_KEY_COLUMNS)
    ).one_or_none()
    return None if row is None else _key(row)


def touch_key(conn: Conn, *, key_id: int, now: dt.datetime) -> None:
    conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))
