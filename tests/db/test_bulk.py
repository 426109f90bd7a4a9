"""db/bulk.py: statements on the driver's cursor read and write exactly what SQLAlchemy
would, on SQLite and PostgreSQL (COPY included)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from dialbook.db import Conn, Database, bulk
from dialbook.db.tables import events, workspaces

WHEN = dt.datetime(2026, 3, 8, 6, 59, 59, 123000, tzinfo=dt.UTC)


def _workspace(conn: Conn, name: str) -> int:
    row = {"name": name, "created_at": WHEN}
    return int(bulk.insert_one(conn, workspaces, row, returning="id"))


def _events(count: int, workspace_id: int) -> list[dict[str, Any]]:
    """Rows with the column kinds bulk converts: times, JSON (nested, unicode), nulls."""
    return [
        {
            "workspace_id": workspace_id,
            "type": "contact.updated",
            "at": WHEN + dt.timedelta(seconds=i),
            "contact_id": i,
            "version": None if i % 2 else i,
            "actor": "system",
            "changes": {"first_name": [None, f"Zoë {i}"]} if i % 3 else None,
            "data": {"id": i, "tags": ["a", "b"], "nested": {"ok": True}},
        }
        for i in range(count)
    ]


def _read_back(conn: Conn, workspace_id: int) -> list[dict[str, Any]]:
    rows = bulk.query(
        conn,
        f"SELECT {bulk.columns_of(events)} FROM events WHERE workspace_id = ? ORDER BY contact_id",
        [workspace_id],
    )
    return [bulk.as_row(conn, events, row) for row in rows]


def test_insert_one_returns_the_new_id_and_stores_aware_utc_times(db: Database) -> None:
    def run(conn: Conn) -> tuple[int, dt.datetime]:
        new_id = _workspace(conn, "bulk one")
        stored = conn.execute(
            select(workspaces.c.created_at).where(workspaces.c.id == new_id)
        ).scalar_one()
        return new_id, stored

    new_id, stored = db.run_write(run)
    assert new_id > 0
    assert stored == WHEN
    assert stored.tzinfo is not None


def test_rows_written_in_bulk_read_back_as_sqlalchemy_gives_them(db: Database) -> None:
    """Below and above the COPY threshold; as_row gives what a Core select gives."""
    for count in (bulk.COPY_FROM - 1, bulk.COPY_FROM * 3):

        def run(conn: Conn, count: int = count) -> tuple[list[Any], list[Any]]:
            workspace_id = _workspace(conn, f"bulk {count}")
            bulk.insert_rows(conn, events, _events(count, workspace_id))
            ours = _read_back(conn, workspace_id)
            core = [
                dict(row._mapping)
                for row in conn.execute(
                    select(events)
                    .where(events.c.workspace_id == workspace_id)
                    .order_by(events.c.contact_id)
                )
            ]
            return ours, core

        ours, core = db.run_write(run)
        assert len(ours) == count
        assert ours == core
        written = _events(count, 0)
        assert [(r["at"], r["version"], r["changes"], r["data"]) for r in ours] == [
            (r["at"], r["version"], r["changes"], r["data"]) for r in written
        ]


def test_delete_where_deletes_only_the_matching_rows(db: Database) -> None:
    def run(conn: Conn) -> list[int]:
        workspace_id = _workspace(conn, "bulk delete")
        other = _workspace(conn, "bulk keep")
        bulk.insert_rows(conn, events, _events(3, workspace_id))
        bulk.insert_rows(conn, events, _events(1, other))
        bulk.delete_where(conn, events, {"workspace_id": workspace_id, "contact_id": 1})
        return [r["contact_id"] for r in _read_back(conn, workspace_id) + _read_back(conn, other)]

    assert db.run_write(run) == [0, 2, 0]


def test_update_rows_sets_each_rows_values_by_its_keys(db: Database) -> None:
    """Times, JSON and nulls converted as on insert; other rows untouched."""
    later = WHEN + dt.timedelta(hours=1)

    def run(conn: Conn) -> list[tuple[Any, ...]]:
        workspace_id = _workspace(conn, "bulk update")
        bulk.insert_rows(conn, events, _events(3, workspace_id))
        ids = conn.execute(
            select(events.c.id)
            .where(events.c.workspace_id == workspace_id)
            .order_by(events.c.contact_id)
        ).scalars()
        first, second, _ = ids
        changed = [
            {"workspace_id": workspace_id, "id": first, "at": later, "data": {"é": [1]},
             "version": None},
            {"workspace_id": workspace_id, "id": second, "at": WHEN, "data": None, "version": 7},
        ]  # fmt: skip
        bulk.update_rows(conn, events, changed, keys=("workspace_id", "id"))
        return [(r["at"], r["data"], r["version"]) for r in _read_back(conn, workspace_id)]

    assert db.run_write(run) == [
        (later, {"é": [1]}, None),
        (WHEN, None, 7),
        (WHEN + dt.timedelta(seconds=2), {"id": 2, "tags": ["a", "b"], "nested": {"ok": True}}, 2),
    ]


def test_a_percent_sign_in_a_statement_is_kept_on_every_driver(db: Database) -> None:
    def run(conn: Conn) -> list[tuple[Any, ...]]:
        return bulk.query(conn, "SELECT ? || '%'", ["100"])

    assert db.run_read(run) == [("100%",)]


def test_a_statement_with_many_parameters_binds_each_in_its_place(db: Database) -> None:
    # More than psycopg caches in its own placeholder style (50), and past $9 and $10.
    values = [f"v{i}" for i in range(120)]

    def run(conn: Conn) -> list[tuple[Any, ...]]:
        return bulk.query(conn, f"SELECT {', '.join('?' * len(values))}", values)

    assert db.run_read(run) == [tuple(values)]
