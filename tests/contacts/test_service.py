"""contacts.service on its own: the one write path's rules, called as a library (no HTTP),
on SQLite and PostgreSQL. What each call returns, what it stores and which events it records.
"""

from __future__ import annotations

from typing import Any

import pytest

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactCreate, ContactUpdate
from dialbook.db import Database
from dialbook.errors import DuplicateContact, InvalidInput, NotFound, VersionConflict
from dialbook.events import service as event_service
from dialbook.events.schemas import Event, EventQuery
from dialbook.workspaces.schemas import Caller

PHONE = "+12404522332"


class Recorder:
    """The events written since it was made."""

    def __init__(self, db: Database, caller: Caller) -> None:
        self.db, self.caller = db, caller
        self.head = db.run_read(event_service.head, caller=caller)

    def events(self) -> list[Event]:
        query = EventQuery(after=str(self.head), limit=1000)
        return self.db.run_read(event_service.page, caller=self.caller, query=query).data

    def types(self) -> list[str]:
        return [event.type for event in self.events()]


def create(db: Database, caller: Caller, **fields: Any) -> Contact:
    data = ContactCreate(**{"phones": [PHONE], **fields})
    return db.run_write(contact_service.create, caller=caller, data=data)


def get(db: Database, caller: Caller, id: int) -> Contact:
    return db.run_read(contact_service.get, caller=caller, id=id)


def test_create_normalizes_and_records_one_event(db: Database, caller: Caller) -> None:
    recorder = Recorder(db, caller)
    contact = create(db, caller, phones=["(240) 452-2332"], first_name="  Ada ")
    assert (contact.phones[0].number, contact.first_name, contact.version) == (PHONE, "Ada", 1)
    assert get(db, caller, contact.id) == contact
    (event,) = recorder.events()
    assert (event.type, event.contact_id, event.version, event.changes) == (
        "contact.created",
        contact.id,
        1,
        None,
    )
    assert event.actor == f"key:{caller.key_id}"
    assert event.data is not None
    assert event.data["id"] == contact.id


def test_a_duplicate_is_refused_and_writes_nothing(db: Database, caller: Caller) -> None:
    first = create(db, caller)
    recorder = Recorder(db, caller)
    with pytest.raises(DuplicateContact) as refused:
        create(db, caller, first_name="Again")
    assert refused.value.fields[0].name == "phone"
    assert str(first.id) in refused.value.detail
    assert recorder.events() == []


def test_a_contact_with_nothing_to_identify_it_is_refused(db: Database, caller: Caller) -> None:
    recorder = Recorder(db, caller)
    with pytest.raises(InvalidInput):
        db.run_write(contact_service.create, caller=caller, data=ContactCreate(company="Acme"))
    assert recorder.events() == []


def test_an_update_records_what_changed_and_bumps_the_version(db: Database, caller: Caller) -> None:
    contact = create(db, caller, email="ada@example.com")
    recorder = Recorder(db, caller)
    updated = db.run_write(
        contact_service.update,
        caller=caller,
        id=contact.id,
        data=ContactUpdate(email="grace@example.com"),
        expected_version=1,
    )
    assert (updated.email, updated.version) == ("grace@example.com", 2)
    (event,) = recorder.events()
    assert event.type == "contact.updated"
    assert event.changes is not None
    assert event.changes["email"] == ["ada@example.com", "grace@example.com"]
    assert "updated_at" not in event.changes


def test_an_update_that_changes_nothing_records_nothing(db: Database, caller: Caller) -> None:
    contact = create(db, caller, email="ada@example.com")
    recorder = Recorder(db, caller)
    same = db.run_write(
        contact_service.update,
        caller=caller,
        id=contact.id,
        data=ContactUpdate(email="ada@example.com", phones=[PHONE]),
    )
    assert same.version == 1
    assert recorder.events() == []


def test_a_stale_version_is_refused_and_changes_nothing(db: Database, caller: Caller) -> None:
    contact = create(db, caller, email="ada@example.com")
    db.run_write(
        contact_service.update, caller=caller, id=contact.id, data=ContactUpdate(notes="one")
    )
    with pytest.raises(VersionConflict):
        db.run_write(
            contact_service.update,
            caller=caller,
            id=contact.id,
            data=ContactUpdate(email="grace@example.com"),
            expected_version=1,
        )
    assert get(db, caller, contact.id).email == "ada@example.com"


def test_upsert_creates_then_merges_into_the_match(db: Database, caller: Caller) -> None:
    first = db.run_write(
        contact_service.upsert,
        caller=caller,
        given={"phones": [PHONE], "first_name": "Ada", "tags": ["a"]},
    )
    assert first.created
    again = db.run_write(
        contact_service.upsert,
        caller=caller,
        given={"phones": [PHONE, "+12125550100"], "first_name": "Grace", "tags": ["b"]},
        add_tags=True,
        match_on=["phone"],
    )
    assert (again.created, again.matched_on, again.contact.id) == (False, "phone", first.contact.id)
    # The match's numbers come first, then the new one; tags add up; the name is replaced.
    assert [p.number for p in again.contact.phones] == [PHONE, "+12125550100"]
    assert (again.contact.tags, again.contact.first_name) == (["a", "b"], "Grace")
    kept = db.run_write(
        contact_service.upsert,
        caller=caller,
        given={"phones": [PHONE], "first_name": "Lin", "company": "Acme"},
        preserve_existing=True,
    )
    # preserve_existing fills only what the match has empty.
    assert (kept.contact.first_name, kept.contact.company) == ("Grace", "Acme")


def test_tags_are_added_and_removed_once(db: Database, caller: Caller) -> None:
    contact = create(db, caller, tags=["hot"])
    changed = db.run_write(
        contact_service.change_tags,
        caller=caller,
        id=contact.id,
        add=["vip", "hot"],
        remove=["hot"],
    )
    assert changed.tags == ["vip"]
    recorder = Recorder(db, caller)
    same = db.run_write(contact_service.change_tags, caller=caller, id=contact.id, add=["vip"])
    assert (same.tags, same.version) == (["vip"], changed.version)
    assert recorder.events() == []


def test_do_not_call_changes_are_their_own_event(db: Database, caller: Caller) -> None:
    contact = create(db, caller)
    recorder = Recorder(db, caller)
    db.run_write(contact_service.update, caller=caller, id=contact.id, data=ContactUpdate(dnc=True))
    assert recorder.types() == ["contact.updated", "contact.dnc_changed"]
    assert recorder.events()[1].changes == {"dnc": [False, True]}


def test_queue_state_writes_a_version_and_an_event_with_its_detail(
    db: Database, caller: Caller
) -> None:
    contact = create(db, caller)
    recorder = Recorder(db, caller)
    after = db.run_write(
        contact_service.set_queue_state,
        caller=caller,
        id=contact.id,
        values={"attempts": 1, "last_outcome": "no_answer"},
        type="queue.outcome_recorded",
        detail={"outcome": "no_answer", "notes": "rang out"},
    )
    assert (after.attempts, after.last_outcome, after.version) == (1, "no_answer", 2)
    (event,) = recorder.events()
    assert event.type == "queue.outcome_recorded"
    assert event.data is not None
    assert (event.data["outcome"], event.data["notes"]) == ("no_answer", "rang out")
    assert event.data["contact"]["id"] == contact.id


def test_a_deleted_contact_is_gone_but_its_history_stays(db: Database, caller: Caller) -> None:
    contact = create(db, caller)
    db.run_write(contact_service.delete, caller=caller, id=contact.id)
    with pytest.raises(NotFound):
        get(db, caller, contact.id)
    history = db.run_read(
        contact_service.history, caller=caller, id=contact.id, cursor=None, limit=10
    )
    assert [event.type for event in history.data] == ["contact.created", "contact.deleted"]
    with pytest.raises(NotFound):
        db.run_read(
            contact_service.history, caller=caller, id=contact.id + 1000, cursor=None, limit=10
        )
