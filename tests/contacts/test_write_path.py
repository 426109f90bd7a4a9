"""The one write path: every surface picks the same contact, takes the same locks, and
records its events only when its change commits. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import ContactCreate, ContactQuery, ExternalRef
from dialbook.db import Conn, Database
from dialbook.errors import DuplicateContact, InvalidInput
from dialbook.events import service as event_service
from dialbook.events.schemas import EventQuery
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list
from tests.imports.test_import import import_file

PHONE = "+12404522332"


def twins(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A list matching on the phone, holding two contacts with one phone: the second made by
    an import told to create duplicates."""
    lst = create_list(api)
    oldest = api.post(
        "/v1/contacts", json={"list_id": lst["id"], "phones": [PHONE], "company": "Oldest"}
    )
    assert oldest.status_code == 201, oldest.text
    path = tmp_path / "twin.csv"
    path.write_text(f"Phone,Company\n{PHONE},Newer\n")
    assert import_file(db, caller, lst["id"], path, on_duplicate="create").created == 1
    found = api.get("/v1/contacts", params={"phone": PHONE}).json()["data"]
    return lst, sorted(found, key=lambda c: c["id"])


def companies(api: TestClient, contacts: list[dict[str, Any]]) -> list[str]:
    return [api.get(f"/v1/contacts/{c['id']}").json()["company"] for c in contacts]


def test_an_import_updates_the_contact_an_upsert_updates(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    lst, made = twins(api, db, caller, tmp_path)
    upserted = api.post(
        "/v1/contacts/upsert", json={"list_id": lst["id"], "phones": [PHONE], "company": "Upsert"}
    )
    assert upserted.status_code == 200, upserted.text
    assert upserted.json()["contact"]["id"] == made[0]["id"]
    path = tmp_path / "leads.csv"
    path.write_text(f"Phone,Company\n{PHONE},Import\n")
    result = import_file(db, caller, lst["id"], path, on_duplicate="update")
    assert result.updated == 1
    assert companies(api, made) == ["Import", "Newer"]
    history = api.get(f"/v1/contacts/{made[0]['id']}/history").json()["data"]
    assert [e["actor"].split(":")[0] for e in history] == ["key", "key", "import"]
    assert companies(api, made[1:]) == ["Newer"]
    assert [e["version"] for e in history] == [1, 2, 3]


def test_an_import_and_16_concurrent_creates_of_one_phone_leave_one_contact(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    lst = create_list(api)
    path = tmp_path / "leads.csv"
    path.write_text("Phone\n" + "".join(f"+1240452{2300 + i}\n" for i in range(200)) + PHONE)
    outcomes: list[str] = []
    start = threading.Barrier(17)

    def create() -> None:
        start.wait()
        try:
            db.run_write(
                contact_service.create,
                caller=caller,
                data=ContactCreate(list_id=lst["id"], phones=[PHONE]),
            )
            outcomes.append("created")
        except DuplicateContact:
            outcomes.append("duplicate")

    def run_import() -> None:
        start.wait()
        import_file(db, caller, lst["id"], path)

    threads = [threading.Thread(target=create) for _ in range(16)]
    threads.append(threading.Thread(target=run_import))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = api.get("/v1/contacts", params={"phone": PHONE}).json()["data"]
    assert len(found) == 1
    assert outcomes.count("created") <= 1
    created = api.get("/v1/events", params={"types": "contact.created", "limit": 1000}).json()
    assert [e["contact_id"] for e in created["data"]].count(found[0]["id"]) == 1


def _create_then_fail(conn: Conn, *, caller: Caller, list_id: int) -> None:
    contact_service.create(
        conn, caller=caller, data=ContactCreate(list_id=list_id, phones=["+12125550111"])
    )
    raise InvalidInput("refused after the write")


def test_a_write_that_fails_records_no_event(api: TestClient, db: Database, caller: Caller) -> None:
    lst = create_list(api)
    head = db.run_read(event_service.head, caller=caller)
    errors: list[Exception] = []

    def failing() -> None:
        try:
            db.run_write(_create_then_fail, caller=caller, list_id=lst["id"])
        except InvalidInput as error:
            errors.append(error)

    def succeeding(i: int) -> None:
        data = ContactCreate(list_id=lst["id"], phones=[f"+1212555020{i}"])
        db.run_write(contact_service.create, caller=caller, data=data)

    # Side by side, so that on SQLite they share a group commit and only the savepoint of
    # the failing one rolls back.
    threads = [threading.Thread(target=failing)]
    threads += [threading.Thread(target=succeeding, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1
    page = db.run_read(
        event_service.page, caller=caller, query=EventQuery(after=str(head), limit=100)
    )
    assert len(page.data) == 4
    numbers = {e.data["phones"][0]["number"] for e in page.data if e.data}
    assert "+12125550111" not in numbers
    assert not api.get("/v1/contacts", params={"phone": "+12125550111"}).json()["data"]


def test_a_new_contact_is_found_by_each_phone_tag_and_external_id(
    db: Database, caller: Caller
) -> None:
    """Its lookup rows are written with it (on PostgreSQL in the contact's own statement):
    each phone, tag and external reference once, however often it was given."""
    data = ContactCreate(
        phones=["+12404522301", "+12404522302", "+12404522303"],
        tags=["x", "y", "x"],
        external_refs=[
            ExternalRef(provider="crm", id="17"),
            ExternalRef(provider="crm", id="17"),
            ExternalRef(provider="erp", id="99"),
        ],
    )
    created = db.run_write(contact_service.create, caller=caller, data=data)
    db.run_write(contact_service.create, caller=caller, data=ContactCreate(phones=[PHONE]))
    queries = [ContactQuery(phone=p) for p in ("(240) 452-2301", "240-452-2302", "2404522303")]
    queries += [ContactQuery(tag="x"), ContactQuery(tag="y")]
    queries += [ContactQuery(external_id="17"), ContactQuery(external_id="99")]
    for query in queries:
        found = db.run_read(contact_service.page, caller=caller, query=query)
        assert [c.id for c in found.data] == [created.id], query
    assert [p.number for p in created.phones] == [
        "+12404522301",
        "+12404522302",
        "+12404522303",
    ]
