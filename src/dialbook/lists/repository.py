"""All SQL for lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, delete, func, insert, select, update

from dialbook.db import Conn, batch_memo, bulk
from dialbook.db.tables import contacts, lists
from dialbook.kit import cursors
from dialbook.kit.rows import AnyRow, as_dict
from dialbook.lists.schemas import ListRead


def _read(row: AnyRow, count: int | None = None) -> ListRead:
    return _to_list(as_dict(row), count)


def _to_list(data: dict[str, Any], count: int | None = None) -> ListRead:
    """A list's columns as the API's ListRead (the duplicate policy is one object there)."""
    data["duplicate_policy"] = {
        "key": data.pop("duplicate_key"),
        "scope": data.pop("duplicate_scope"),
    }
    data["compliance"] = data.get("compliance") or {}  # NULL (lists made before): defaults
    data["contact_count"] = count
    return msgspec.convert(data, ListRead)


def insert_list(conn: Conn, *, values: dict[str, Any]) -> ListRead:
    batch_memo.forget(conn)
    row = conn.execute(insert(lists).values(**values).returning(*lists.c)).one()
    return _read(row, 0)


# Read on every contact write: run by the driver, not built by SQLAlchemy each time.
_SELECT = f"SELECT {bulk.columns_of(lists)} FROM lists"


def _fast_read(conn: Conn, where: str, params: list[Any]) -> ListRead | None:
    rows = bulk.query(conn, f"{_SELECT} WHERE {where} ORDER BY id LIMIT 1", params)
    return bulk.as_struct(conn, lists, rows[0], _to_list) if rows else None


# A create reads its list: once per group commit (db/batch_memo.py), not once per create.
def get(conn: Conn, *, workspace_id: int, id: int) -> ListRead | None:
    return batch_memo.remembered(
        conn,
        ("list", workspace_id, id),
        lambda: _fast_read(conn, "id = ? AND workspace_id = ?", [id, workspace_id]),
    )


def get_default(conn: Conn, *, workspace_id: int) -> ListRead | None:
    return batch_memo.remembered(
        conn,
        ("default list", workspace_id),
        lambda: _fast_read(conn, "workspace_id = ? AND is_default", [workspace_id]),
    )


def find_by_name(conn: Conn, *, workspace_id: int, name: str) -> ListRead | None:
    return _fast_read(conn, "workspace_id = ? AND name = ?", [workspace_id, name])


def find_by_alias(conn: Conn, *, workspace_id: int, platform: str, alias: str) -> ListRead | None:
    return batch_memo.remembered(
        conn,
        ("list alias", workspace_id, platform, alias),
        lambda: _find_by_alias(conn, workspace_id=workspace_id, platform=platform, alias=alias),
    )


def _find_by_alias(conn: Conn, *, workspace_id: int, platform: str, alias: str) -> ListRead | None:
    rows = bulk.query(
        conn,
        f"{_SELECT} WHERE workspace_id = ? AND aliases IS NOT NULL ORDER BY id",
        [workspace_id],
    )
    for row in rows:  # few lists have aliases: the match is read in the same query
        # Decoded once per change of the row (a dialect reads its list on every create).
        found = bulk.as_struct(conn, lists, row, _to_list)
        if found.aliases is not None and found.aliases.get(platform) == alias:
            return found
    return None


def _lists_where(workspace_id: int, name: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [lists.c.workspace_id == workspace_id]
    if name:
        conditions.append(func.lower(lists.c.name).contains(name.lower(), autoescape=True))
    return conditions


def page(
    conn: Conn,
    *,
    workspace_id: int,
    limit: int,
    after_id: int = 0,
    offset: int = 0,
    name: str | None = None,
    with_counts: bool = True,
) -> list[ListRead]:
    """Lists oldest first, with their contact counts (``with_counts``; else None): after
    ``after_id`` (a cursor), ``offset`` of them skipped; ``name`` keeps those whose name
    contains it."""
    query = (
        select(*lists.c)
        .where(*_lists_where(workspace_id, name), lists.c.id > after_id)
        .order_by(lists.c.id)
        .limit(limit)
    )
    if offset:  # past the 64-bit range (and so any table) it finds nothing, as at its end
        query = query.offset(min(offset, cursors.MAX_ID))
    rows = conn.execute(query).all()
    if not with_counts:
        return [_read(row) for row in rows]
    counts = count_contacts(conn, workspace_id=workspace_id, list_ids=[row.id for row in rows])
    return [_read(row, counts.get(row.id, 0)) for row in rows]


def count(conn: Conn, *, workspace_id: int, name: str | None = None) -> int:
    query = select(func.count()).select_from(lists).where(*_lists_where(workspace_id, name))
    return int(conn.execute(query).scalar_one())


def count_contacts(conn: Conn, *, workspace_id: int, list_ids: Iterable[int]) -> dict[int, int]:
    ids = list(list_ids)
    if not ids:
        return {}
    rows = conn.execute(
        select(contacts.c.list_id, func.count())
        .where(contacts.c.workspace_id == workspace_id, contacts.c.list_id.in_(ids))
        .group_by(contacts.c.list_id)
    )
    return {list_id: count for list_id, count in rows}


def status_counts(
    conn: Conn, *, workspace_id: int, list_ids: Iterable[int] | None
) -> list[tuple[int, str, int, int]]:
    """(list id, status, contacts, attempts) for each status present in each list (every
    list of the workspace when ``list_ids`` is None)."""
    query = (
        select(
            contacts.c.list_id,
            contacts.c.status,
            func.count(),
            func.coalesce(func.sum(contacts.c.attempts), 0),
        )
        .where(contacts.c.workspace_id == workspace_id)
        .group_by(contacts.c.list_id, contacts.c.status)
    )
    if list_ids is not None:
        ids = list(list_ids)
        if not ids:
            return []
        query = query.where(contacts.c.list_id.in_(ids))
    rows = conn.execute(query)
    return [(list_id, status, int(n), int(attempts)) for list_id, status, n, attempts in rows]


def tallies(
    conn: Conn, *, workspace_id: int, list_id: int
) -> list[tuple[str, int | None, int, int]]:
    """(status, zone id, contacts, attempts) of each status and zone present in the list:
    one walk of the list's range of ``ix_contacts_counts``, which holds exactly these
    columns (index-only, in group order: no sort)."""
    c = contacts.c
    rows = conn.execute(
        select(c.status, c.zone_id, func.count(), func.coalesce(func.sum(c.attempts), 0))
        .where(c.workspace_id == workspace_id, c.list_id == list_id)
        .group_by(c.status, c.zone_id)
    )
    return [(str(s), None if z is None else int(z), int(n), int(a)) for s, z, n, a in rows]


def update_list(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any], now: dt.datetime
) -> ListRead | None:
    batch_memo.forget(conn)
    row = conn.execute(
        update(lists)
        .where(lists.c.id == id, lists.c.workspace_id == workspace_id)
        .values(**values, updated_at=now)
        .returning(*lists.c)
    ).one_or_none()
    return None if row is None else _read(row)


def delete_list(conn: Conn, *, workspace_id: int, id: int) -> bool:
    batch_memo.forget(conn)
    result = conn.execute(
        delete(lists).where(lists.c.id == id, lists.c.workspace_id == workspace_id)
    )
    return result.rowcount > 0
