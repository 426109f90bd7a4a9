"""All SQL for suppression lists and entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, update

from dialbook.db import Conn
from dialbook.db.tables import suppression_lists, suppressions
from dialbook.kit import cursors
from dialbook.kit.rows import to_struct
from dialbook.suppressions.schemas import Suppression, SuppressionListRead

_ENTRY = [c for c in suppressions.c if c.name != "workspace_id"]
_LIST = [c for c in suppression_lists.c if c.name != "workspace_id"]


def active(now: dt.datetime) -> Any:
    """The condition for an entry in force at ``now``."""
    return or_(suppressions.c.expires_at.is_(None), suppressions.c.expires_at > now)


def insert_list(conn: Conn, *, values: dict[str, Any]) -> SuppressionListRead:
    row = conn.execute(insert(suppression_lists).values(**values).returning(*_LIST)).one()
    return to_struct(row, SuppressionListRead)


def get_list(conn: Conn, *, workspace_id: int, id: int) -> SuppressionListRead | None:
    row = conn.execute(
        select(*_LIST).where(
            suppression_lists.c.workspace_id == workspace_id, suppression_lists.c.id == id
        )
    ).one_or_none()
    return None if row is None else to_struct(row, SuppressionListRead)


def default_list(conn: Conn, *, workspace_id: int) -> SuppressionListRead | None:
    row = conn.execute(
        select(*_LIST)
        .where(suppression_lists.c.workspace_id == workspace_id, suppression_lists.c.is_default)
        .order_by(suppression_lists.c.id)
    ).first()
    return None if row is None else to_struct(row, SuppressionListRead)


def all_lists(conn: Conn, *, workspace_id: int) -> list[SuppressionListRead]:
    counts: dict[int, int] = dict(
        conn.execute(
            select(suppressions.c.suppression_list_id, func.count())
            .where(suppressions.c.workspace_id == workspace_id)
            .group_by(suppressions.c.suppression_list_id)
        ).all()
    )
    rows = conn.execute(
        select(*_LIST)
        .where(suppression_lists.c.workspace_id == workspace_id)
        .order_by(suppression_lists.c.id)
    )
    result = [to_struct(row, SuppressionListRead) for row in rows]
    for item in result:
        item.entry_count = counts.get(item.id, 0)
    return result


def count_entries(conn: Conn, *, workspace_id: int, suppression_list_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                suppressions.c.workspace_id == workspace_id,
                suppressions.c.suppression_list_id == suppression_list_id,
            )
        ).scalar_one()
    )


def delete_list(conn: Conn, *, workspace_id: int, id: int) -> bool:
    result = conn.execute(
        delete(suppression_lists).where(
            suppression_lists.c.workspace_id == workspace_id, suppression_lists.c.id == id
        )
    )
    return result.rowcount > 0


def _in_list(workspace_id: int, suppression_list_id: int) -> Any:
    return (suppressions.c.workspace_id == workspace_id) & (
        suppressions.c.suppression_list_id == suppression_list_id
    )


def existing_numbers(
    conn: Conn, *, workspace_id: int, suppression_list_id: int, numbers: Sequence[str]
) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        found.update(
            conn.execute(
                select(suppressions.c.number).where(
                    _in_list(workspace_id, suppression_list_id), suppressions.c.number.in_(chunk)
                )
            ).scalars()
        )
    return found


def insert_entries(conn: Conn, *, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(suppressions), rows)


def update_entry_by_number(
    conn: Conn, *, workspace_id: int, suppression_list_id: int, number: str, values: dict[str, Any]
) -> None:
    conn.execute(
        update(suppressions)
        .where(_in_list(workspace_id, suppression_list_id), suppressions.c.number == number)
        .values(**values)
    )


def get_entry(conn: Conn, *, workspace_id: int, id: int) -> Suppression | None:
    row = conn.execute(
        select(*_ENTRY).where(suppressions.c.workspace_id == workspace_id, suppressions.c.id == id)
    ).one_or_none()
    return None if row is None else to_struct(row, Suppression)


def entry_by_number(
    conn: Conn, *, workspace_id: int, suppression_list_id: int, number: str
) -> Suppression | None:
    row = conn.execute(
        select(*_ENTRY).where(
            _in_list(workspace_id, suppression_list_id), suppressions.c.number == number
        )
    ).one_or_none()
    return None if row is None else to_struct(row, Suppression)


def update_entry(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any]
) -> Suppression | None:
    row = conn.execute(
        update(suppressions)
        .where(suppressions.c.workspace_id == workspace_id, suppressions.c.id == id)
        .values(**values)
        .returning(*_ENTRY)
    ).one_or_none()
    return None if row is None else to_struct(row, Suppression)


def delete_entries(conn: Conn, *, workspace_id: int, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Remove entries by id; the removed ones (id, suppression_list_id, number)."""
    result = conn.execute(
        delete(suppressions)
        .where(suppressions.c.workspace_id == workspace_id, suppressions.c.id.in_(ids))
        .returning(suppressions.c.id, suppressions.c.suppression_list_id, suppressions.c.number)
    )
    return [dict(row._mapping) for row in result]


def _entries_where(
    workspace_id: int,
    now: dt.datetime,
    suppression_list_id: int | None,
    number: str | None,
    include_expired: bool,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [suppressions.c.workspace_id == workspace_id]
    if suppression_list_id is not None:
        conditions.append(suppressions.c.suppression_list_id == suppression_list_id)
    if number is not None:
        conditions.append(suppressions.c.number == number)
    if not include_expired:
        conditions.append(active(now))
    return conditions


def page(
    conn: Conn,
    *,
    workspace_id: int,
    limit: int,
    now: dt.datetime,
    after_id: int = 0,
    offset: int = 0,
    suppression_list_id: int | None = None,
    number: str | None = None,
    include_expired: bool = False,
) -> list[Suppression]:
    """Entries oldest first: after ``after_id`` (a cursor), ``offset`` of them skipped."""
    conditions = _entries_where(workspace_id, now, suppression_list_id, number, include_expired)
    query = (
        select(*_ENTRY)
        .where(*conditions, suppressions.c.id > after_id)
        .order_by(suppressions.c.id)
        .limit(limit)
    )
    if offset:  # past the 64-bit range (and so any table) it finds nothing, as at its end
        query = query.offset(min(offset, cursors.MAX_ID))
    return [to_struct(row, Suppression) for row in conn.execute(query)]


def count(
    conn: Conn,
    *,
    workspace_id: int,
    now: dt.datetime,
    suppression_list_id: int | None = None,
    number: str | None = None,
    include_expired: bool = False,
) -> int:
    conditions = _entries_where(workspace_id, now, suppression_list_id, number, include_expired)
    return int(
        conn.execute(select(func.count()).select_from(suppressions).where(*conditions)).scalar_one()
    )


def active_for(
    conn: Conn, *, workspace_id: int, number: str, now: dt.datetime
) -> list[Suppression]:
    rows = conn.execute(
        select(*_ENTRY)
        .where(
            suppressions.c.workspace_id == workspace_id,
            suppressions.c.number == number,
            active(now),
        )
        .order_by(suppressions.c.id)
    )
    return [to_struct(row, Suppression) for row in rows]
