"""PostgreSQL's planner statistics of the contact tables, refreshed as the tables grow: a
fresh database's tables look empty to the planner until autovacuum's first pass, and it
then checked each new phone's and tag's foreign key by reading the whole workspace."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import ContactCreate
from dialbook.contacts.statistics import StatisticsKeeper
from dialbook.db import Conn, Database
from dialbook.workspaces.schemas import Caller


def _add_contacts(db: Database, caller: Caller, count: int, start: int = 0) -> int:
    """``count`` contacts with a phone and two tags; the last one's id."""
    last = 0
    for n in range(start, start + count):
        data = ContactCreate(phones=[f"+1240452{n:04d}"], tags=["a", "b"], notes="x" * 200)
        last = db.run_write(contact_service.create, caller=caller, data=data).id
    return last


def _foreign_key_check_plan(conn: Conn, *, workspace_id: int, id: int) -> str:
    """The plan of the query PostgreSQL runs to check a phone's or a tag's contact."""
    rows = conn.execute(
        text(
            "EXPLAIN SELECT 1 FROM ONLY contacts x"
            " WHERE x.workspace_id = :workspace_id AND x.id = :id FOR KEY SHARE OF x"
        ),
        {"workspace_id": workspace_id, "id": id},
    )
    return "\n".join(row[0] for row in rows)


def _analyzed(conn: Conn) -> bool:
    found = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'contacts'"))
    return float(found.scalar_one()) > 0


def test_tables_that_outgrew_their_statistics_are_analyzed(
    db: Database, db_url: str, caller: Caller
) -> None:
    if db.is_sqlite:  # its plans do not depend on statistics the same way: nothing to do
        _add_contacts(db, caller, 5)
        assert db.run_write(contact_service.refresh_statistics) == []
        return
    assert db.run_write(contact_service.refresh_statistics) == []  # empty tables
    last = _add_contacts(db, caller, 150)
    assert "contacts" in db.run_write(contact_service.refresh_statistics)
    assert db.run_write(contact_service.refresh_statistics) == []  # up to date now
    plan = db.run_read(_foreign_key_check_plan, workspace_id=caller.workspace_id, id=last)
    assert "pk_contacts" in plan
    _add_contacts(db, caller, 200, start=150)  # twice the pages analyzed
    assert "contacts" in db.run_write(contact_service.refresh_statistics)


def test_a_server_process_keeps_the_statistics_fresh(db: Database, caller: Caller) -> None:
    _add_contacts(db, caller, 150)

    async def serve() -> bool:
        keeper = StatisticsKeeper(db, every=0.02)
        keeper.start()
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if db.is_sqlite or await db.read(_analyzed):
                    return True
                await asyncio.sleep(0.02)
            return False
        finally:
            await keeper.stop()

    assert asyncio.run(serve())
