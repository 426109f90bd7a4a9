"""The hot writes read what they need, not the list: SQLite plans without statistics (a
database filled through the API is never analyzed) once walked a whole list per create
and scanned the workspace per claim. Counted in SQLite virtual machine instructions, so
the tests do not depend on the machine's speed."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import ContactCreate
from dialbook.db import Conn, Database
from dialbook.errors import DuplicateContact
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListCreate
from dialbook.queue import repository as queue_repository
from dialbook.workspaces.schemas import Caller
from tests import sqlite_work

SIZE = 3000
WEDNESDAY_NOON_EDT = dt.datetime(2026, 6, 3, 16, 0, tzinfo=dt.UTC)


def _fill(conn: Conn, *, caller: Caller) -> int:
    lst = list_service.create(conn, caller=caller, data=ListCreate(name="Big"))
    for n in range(SIZE):
        data = ContactCreate(
            list_id=lst.id, phones=[f"+1212555{n:04d}"], email=f"lead{n}@example.com"
        )
        contact_service.create(conn, caller=caller, data=data)
    return lst.id


@pytest.fixture
def big_list(db: Database, caller: Caller) -> int:
    if not db.is_sqlite:
        pytest.skip("a SQLite plan (PostgreSQL plans from its statistics)")
    with clock.frozen(WEDNESDAY_NOON_EDT - dt.timedelta(days=1)):
        return db.run_write(_fill, caller=caller)


def test_a_create_checks_duplicates_without_reading_the_list(
    db: Database, caller: Caller, big_list: int
) -> None:
    def create(conn: Conn, n: int) -> object:
        data = ContactCreate(list_id=big_list, phones=[f"+1213555{n:04d}"], email=f"x{n}@x.com")
        return contact_service.create(conn, caller=caller, data=data)

    def steps(conn: Conn) -> list[int]:
        counts = [sqlite_work.steps(conn, functools.partial(create, conn, n)) for n in range(3)]

        def duplicate() -> None:
            data = ContactCreate(list_id=big_list, phones=["(212) 555-1234"])
            with pytest.raises(DuplicateContact):
                contact_service.create(conn, caller=caller, data=data)

        return [*counts, sqlite_work.steps(conn, duplicate)]

    with db.write_engine.connect() as conn, conn.begin() as transaction:
        counts = steps(conn)
        transaction.rollback()
    # Reading 3,000 contacts is tens of thousands of instructions; a create, hundreds.
    assert all(n < 40 for n in counts), counts


def test_the_zones_of_picked_contacts_are_read_by_their_ids(
    db: Database, caller: Caller, big_list: int
) -> None:
    """A claim under state caps reads the zones of the contacts it picked. SQLite answered
    that by scanning the workspace's part of ix_contacts_counts, which covers both columns,
    rather than by the ids."""
    db.run_write(contact_service.analyze)

    def steps(conn: Conn) -> int:
        ids = [1, 500, 2999]
        found = queue_repository.zones_of(conn, workspace_id=caller.workspace_id, ids=ids)
        assert sorted(found) == ids
        return sqlite_work.steps(
            conn,
            lambda: queue_repository.zones_of(conn, workspace_id=caller.workspace_id, ids=ids),
        )

    assert db.run_read(steps) < 5
