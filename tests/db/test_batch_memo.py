"""A group commit reads a create's list once for all its jobs (db/batch_memo.py): what a job
of the batch changed, or rolled back, is what the jobs after it see."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactCreate
from dialbook.db import Conn, Database
from dialbook.errors import InvalidInput
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldCreate
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListUpdate
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller, WorkspaceUpdate


def _together(*writes: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Start every write in one turn of the event loop: they share one group commit."""

    async def run() -> list[Any]:
        return await asyncio.gather(*(write() for write in writes), return_exceptions=True)

    return asyncio.run(run())


def _create(db: Database, caller: Caller, **fields: Any) -> Callable[[], Awaitable[Contact]]:
    data = ContactCreate(**fields)
    return lambda: db.write(contact_service.create, caller=caller, data=data)


def test_a_list_a_job_changed_is_read_again_by_the_jobs_after_it(
    db: Database, caller: Caller
) -> None:
    lst = db.run_write(list_service.create_with, caller=caller, name="Leads", default_region="US")
    to_britain = ListUpdate(default_region="GB")
    first, changed, second = _together(
        _create(db, caller, list_id=lst.id, phones=["(212) 555-0142"]),
        lambda: db.write(list_service.update, caller=caller, id=lst.id, data=to_britain),
        _create(db, caller, list_id=lst.id, phones=["020 7946 0958"]),  # a London number
    )
    assert first.phones[0].number == "+12125550142"
    assert changed.default_region == "GB"
    assert second.phones[0].number == "+442079460958"


def _change_read_then_fail(conn: Conn, *, caller: Caller, id: int) -> None:
    list_service.update(conn, caller=caller, id=id, data=ListUpdate(default_region="GB"))
    changed = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=id)
    assert changed.default_region == "GB"  # read back within the job: remembered
    raise ValueError("this job fails after changing the list")


def test_a_list_changed_by_a_job_that_failed_is_read_again_by_the_jobs_after_it(
    db: Database, caller: Caller
) -> None:
    lst = db.run_write(list_service.create_with, caller=caller, name="Leads", default_region="US")
    failed, contact = _together(
        lambda: db.write(_change_read_then_fail, caller=caller, id=lst.id),
        _create(db, caller, list_id=lst.id, phones=["(212) 555-0143"]),
    )
    assert isinstance(failed, ValueError)
    assert isinstance(contact, Contact), contact
    assert contact.phones[0].number == "+12125550143"  # read as a US number: the change is gone
    stored = db.run_read(list_service.get, workspace_id=caller.workspace_id, id=lst.id)
    assert stored.default_region == "US"


def test_a_list_deleted_by_a_job_is_gone_for_the_jobs_after_it(
    db: Database, caller: Caller
) -> None:
    lst = db.run_write(list_service.create_with, caller=caller, name="Gone soon")
    first, deleted, second = _together(
        _create(db, caller, list_id=lst.id, phones=["(212) 555-0144"]),
        lambda: db.write(contact_service.delete_list, caller=caller, id=lst.id),
        _create(db, caller, list_id=lst.id, phones=["(212) 555-0145"]),
    )
    assert isinstance(first, Contact)
    assert not isinstance(deleted, Exception), deleted
    assert isinstance(second, InvalidInput)
    assert [(f.name, f.detail) for f in second.fields] == [("list_id", f"no list with id {lst.id}")]


def test_the_jobs_of_a_batch_read_their_list_once(db: Database, caller: Caller) -> None:
    if not db.is_sqlite:
        pytest.skip("counted with SQLite's statement trace (the same code runs on PostgreSQL)")
    lst = db.run_write(list_service.create_with, caller=caller, name="Busy")
    seen: list[str] = []

    def trace(conn: Conn) -> None:
        conn.connection.driver_connection.set_trace_callback(seen.append)  # type: ignore[union-attr]

    def untrace(conn: Conn) -> None:
        conn.connection.driver_connection.set_trace_callback(None)  # type: ignore[union-attr]

    results = _together(
        lambda: db.write(trace),
        *(_create(db, caller, list_id=lst.id, phones=[f"(212) 555-01{n:02d}"]) for n in range(20)),
        lambda: db.write(untrace),
    )
    assert all(isinstance(r, Contact) for r in results[1:-1]), results
    list_reads = [s for s in seen if s.lstrip().upper().startswith("SELECT") and " FROM lists" in s]
    assert len(list_reads) == 1, list_reads


def test_a_custom_field_a_job_defined_is_known_to_the_jobs_after_it(
    db: Database, caller: Caller
) -> None:
    workspace_id = caller.workspace_id
    db.run_write(field_service.create, workspace_id=workspace_id, data=FieldCreate(key="score"))
    first, defined, second = _together(
        _create(db, caller, phones=["(212) 555-0147"], custom_fields={"score": "7"}),
        lambda: db.write(
            field_service.create, workspace_id=workspace_id, data=FieldCreate(key="plan")
        ),
        _create(db, caller, phones=["(212) 555-0148"], custom_fields={"plan": "gold"}),
    )
    assert isinstance(first, Contact), first
    assert defined.key == "plan"
    assert isinstance(second, Contact), second
    assert second.custom_fields == {"plan": "gold"}


def _change_in_a_savepoint_then_undo(conn: Conn, *, caller: Caller, id: int) -> str:
    try:
        with conn.begin_nested():
            list_service.update(conn, caller=caller, id=id, data=ListUpdate(default_region="GB"))
            changed = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=id)
            assert changed.default_region == "GB"
            raise ValueError("undone")
    except ValueError:
        pass
    return "kept going"


def test_a_list_changed_in_a_savepoint_a_job_rolled_back_is_read_again(
    db: Database, caller: Caller
) -> None:
    """A job that rolls back a savepoint of its own and goes on (a bulk endpoint's failed
    record) takes back what the batch remembered inside it."""
    lst = db.run_write(list_service.create_with, caller=caller, name="Leads", default_region="US")
    done, contact = _together(
        lambda: db.write(_change_in_a_savepoint_then_undo, caller=caller, id=lst.id),
        _create(db, caller, list_id=lst.id, phones=["(212) 555-0149"]),
    )
    assert done == "kept going"
    assert isinstance(contact, Contact), contact
    assert contact.phones[0].number == "+12125550149"


def _workspace_aliases(conn: Conn, *, caller: Caller) -> dict[str, str] | None:
    return workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id).aliases


def test_a_workspace_a_job_changed_is_read_again_by_the_jobs_after_it(
    db: Database, caller: Caller
) -> None:
    """A dialect's create reads its workspace (its location, its aliases) once per batch."""
    named = WorkspaceUpdate(aliases={"highlevel": "loc-1"})
    before, changed, after = _together(
        lambda: db.write(_workspace_aliases, caller=caller),
        lambda: db.write(
            workspace_service.update_workspace, caller=caller, id=caller.workspace_id, data=named
        ),
        lambda: db.write(_workspace_aliases, caller=caller),
    )
    assert not before
    assert changed.aliases == {"highlevel": "loc-1"}
    assert after == {"highlevel": "loc-1"}
