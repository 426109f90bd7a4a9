"""Offset paging and counts of the canonical services (what dialects that page by number
use): contacts, suppression entries and lists, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import ContactCreate, ContactQuery, ExternalRef
from dialbook.db import Database
from dialbook.kit import cursors
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListCreate
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import SuppressionCreate, SuppressionQuery
from dialbook.workspaces.schemas import Caller
from tests import sqlite_work


def _contacts(db: Database, caller: Caller, count: int, **fields: object) -> list[int]:
    ids = []
    for n in range(count):
        data = ContactCreate(phones=[f"+1240452{2300 + n}"], **fields)  # type: ignore[arg-type]
        ids.append(db.run_write(contact_service.create, caller=caller, data=data).id)
    return ids


def test_contacts_page_by_offset_and_count(db: Database, caller: Caller) -> None:
    ids = _contacts(db, caller, 5, tags=["hot"])
    query = ContactQuery(limit=2)
    page = db.run_read(contact_service.page, caller=caller, query=query, offset=1)
    assert [c.id for c in page.data] == ids[1:3]
    assert page.next_cursor is not None
    last = db.run_read(contact_service.page, caller=caller, query=query, offset=4)
    assert ([c.id for c in last.data], last.next_cursor) == (ids[4:], None)
    for past_the_end in (9, 2**63, 2**80):
        beyond = db.run_read(contact_service.page, caller=caller, query=query, offset=past_the_end)
        assert (beyond.data, beyond.next_cursor) == ([], None)
    # the cursor is ignored when an offset is given
    cursored = ContactQuery(limit=2, cursor=page.next_cursor)
    again = db.run_read(contact_service.page, caller=caller, query=cursored, offset=1)
    assert [c.id for c in again.data] == ids[1:3]
    assert db.run_read(contact_service.count, caller=caller, query=ContactQuery()) == 5
    tagged = ContactQuery(tag="hot", limit=1)
    assert db.run_read(contact_service.count, caller=caller, query=tagged) == 5
    cold = ContactQuery(tag="cold")
    assert db.run_read(contact_service.count, caller=caller, query=cold) == 0
    by_phone = ContactQuery(phone="(240) 452-2302")
    assert db.run_read(contact_service.count, caller=caller, query=by_phone) == 1


def test_suppressions_page_by_offset_and_count(db: Database, caller: Caller) -> None:
    entries = [
        db.run_write(
            suppression_service.add,
            caller=caller,
            data=SuppressionCreate(number=f"+1240452{2300 + n}"),
        )
        for n in range(4)
    ]
    query = SuppressionQuery(limit=2)
    page = db.run_read(suppression_service.page, caller=caller, query=query, offset=2)
    assert ([e.id for e in page.data], page.next_cursor) == ([e.id for e in entries[2:]], None)
    assert db.run_read(suppression_service.count, caller=caller, query=SuppressionQuery()) == 4
    huge = db.run_read(suppression_service.page, caller=caller, query=query, offset=2**64)
    assert huge.data == []
    one = SuppressionQuery(number="+12404522301")
    assert db.run_read(suppression_service.count, caller=caller, query=one) == 1


def test_lists_page_by_offset_and_count(db: Database, caller: Caller) -> None:
    for name in ("Alpha leads", "Beta leads", "Gamma"):
        db.run_write(list_service.create, caller=caller, data=ListCreate(name=name))
    workspace = caller.workspace_id
    total = db.run_read(list_service.count, workspace_id=workspace)
    assert total == 4  # with the workspace's default list
    assert db.run_read(list_service.count, workspace_id=workspace, name="LEADS") == 2
    page = db.run_read(
        list_service.page, workspace_id=workspace, cursor=None, limit=5, name="leads", offset=1
    )
    assert [lst.name for lst in page.data] == ["Beta leads"]
    assert page.next_cursor is None
    huge = db.run_read(
        list_service.page, workspace_id=workspace, cursor=None, limit=5, offset=2**64
    )
    assert huge.data == []


def _many(conn: Any, *, caller: Caller, count: int) -> None:
    for n in range(count):
        ref = ExternalRef(provider="crm", id=f"crm-{n}")
        data = ContactCreate(phones=[f"+1240455{n:04d}"], external_refs=[ref])
        contact_service.create(conn, caller=caller, data=data)


def test_a_lookup_by_a_key_reads_its_contacts_not_the_workspace(
    db: Database, caller: Caller
) -> None:
    """A phone or external id finds its contacts from its own index, cursor or not: with a
    range on id in the query SQLite walked every contact of the workspace instead."""
    if not db.is_sqlite:
        pytest.skip("a SQLite plan (PostgreSQL plans from its statistics)")
    db.run_write(_many, caller=caller, count=3000)
    queries = [
        ContactQuery(phone="(240) 455-1234"),
        ContactQuery(external_id="crm-1234"),
        ContactQuery(phone="240.455.1234", cursor=cursors.encode(1)),
    ]

    def steps(conn: Any) -> list[int]:
        found = []
        for query in queries:
            page = contact_service.page(conn, caller=caller, query=query)
            assert [c.phones[0].number for c in page.data] == ["+12404551234"]
            found.append(
                sqlite_work.steps(
                    conn, lambda q=query: contact_service.page(conn, caller=caller, query=q)
                )
            )
        return found

    # A walk of 3,000 contacts is tens of thousands of instructions; a lookup, hundreds.
    assert all(n < 30 for n in db.run_read(steps)), db.run_read(steps)
