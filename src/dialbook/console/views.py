"""What each console screen shows, read in one transaction from the services (never SQL).

These are plain functions of a connection like the services they call, so a handler makes
one ``page.db.read(...)`` call per screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactPage, ContactQuery, Phone
from dialbook.db import Conn
from dialbook.events.schemas import Event
from dialbook.imports import service as import_service
from dialbook.imports.schemas import ImportRead, ImportTemplate
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListCounts, ListRead, ListStats
from dialbook.normalize import numbers
from dialbook.normalize.phones import time_zones_for
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import CallableNow, Preview, ZoneCount
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import (
    CheckResult,
    SuppressionListRead,
    SuppressionPage,
    SuppressionQuery,
)
from dialbook.workspaces.schemas import Caller

# Lists per page of the lists screen (each shows the queue's preview, one count each).
LISTS_PER_PAGE = 50
HISTORY_SHOWN = 100
IMPORTS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ListRow:
    list: ListRead
    stats: ListStats
    preview: Preview
    imports: tuple[ImportRead, ...] = ()  # newest first (on a list's page)
    zones: tuple[ZoneCount, ...] = ()  # the largest first


@dataclass(frozen=True, slots=True)
class ListsScreen:
    lists: list[ListRead]  # without their counts: each row asks for them (list_counts)
    next_cursor: str | None


def lists_screen(conn: Conn, *, caller: Caller, cursor: str | None) -> ListsScreen:
    """A page of lists, without their counts: counting reads every contact of a list
    (~100 ms for 1M), so each row asks for its own once the page is shown (list_counts),
    as it does for the queue's preview (console/monitor.py)."""
    found = list_service.page(
        conn,
        workspace_id=caller.workspace_id,
        cursor=cursor,
        limit=LISTS_PER_PAGE,
        with_counts=False,
    )
    return ListsScreen(found.data, found.next_cursor)


@dataclass(frozen=True, slots=True)
class ListCountsRow:
    zones: list[ZoneCount]  # the largest first (declared before ``list``, which hides the type)
    list: ListRead
    counts: ListCounts


def list_counts(conn: Conn, *, caller: Caller, id: int) -> ListCountsRow:
    """One row of the lists screen: the list and its counts (one pass over its contacts)."""
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=id, with_count=False)
    counts = list_service.counts(conn, workspace_id=caller.workspace_id, id=id)
    zones = queue_service.named_zones(conn, list_id=id, tallies=counts.zones)
    return ListCountsRow(zones=zones, list=lst, counts=counts)


def list_row(conn: Conn, *, caller: Caller, id: int) -> ListRow:
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=id, with_count=False)
    counts = list_service.counts(conn, workspace_id=caller.workspace_id, id=id)
    lst.contact_count = counts.contacts
    zones = queue_service.named_zones(conn, list_id=id, tallies=counts.zones)
    preview = queue_service.preview(conn, caller=caller, list_id=id)
    imports = import_service.list_jobs(conn, caller=caller, list_id=id, limit=IMPORTS_SHOWN)
    return ListRow(lst, counts.stats, preview, tuple(imports), tuple(zones))


@dataclass(frozen=True, slots=True)
class ContactsScreen:
    lists: list[ListRead]
    found: ContactPage | None  # None until something is searched for


def contacts_screen(conn: Conn, *, caller: Caller, query: ContactQuery | None) -> ContactsScreen:
    lists = list_service.page(  # the list filter's choices: no counts
        conn, workspace_id=caller.workspace_id, cursor=None, limit=500, with_counts=False
    )
    found = None if query is None else contact_service.page(conn, caller=caller, query=query)
    return ContactsScreen(lists.data, found)


@dataclass(frozen=True, slots=True)
class PhoneRow:
    phone: Phone
    zones: tuple[str, ...]  # the time zones the number's area is in
    next: str | None  # why a claim dials this number next (normalize/numbers.py); None: not next


@dataclass(frozen=True, slots=True)
class ContactScreen:
    contact: Contact
    in_list: ListRead
    callable: CallableNow
    history: list[Event]  # newest first
    more_history: bool
    phones: list[PhoneRow]


def contact_screen(conn: Conn, *, caller: Caller, id: int) -> ContactScreen:
    contact = contact_service.get(conn, caller=caller, id=id)
    lst = list_service.get(
        conn, workspace_id=caller.workspace_id, id=contact.list_id, with_count=False
    )
    history = contact_service.history(conn, caller=caller, id=id, cursor=None, limit=HISTORY_SHOWN)
    return ContactScreen(
        contact=contact,
        in_list=lst,
        callable=queue_service.check(conn, caller=caller, id=id),
        history=list(reversed(history.data)),
        more_history=history.next_cursor is not None,
        phones=phone_rows(contact, lst),
    )


def phone_rows(contact: Contact, lst: ListRead) -> list[PhoneRow]:
    """Each phone with its zones and whether number cycling dials it next."""
    phones = msgspec.to_builtins(contact.phones)
    after = numbers.next_phone(phones, lst.phone_order)
    usable = after is not None and (after.get("valid", True) or lst.dial_invalid_numbers)
    chosen = after["number"] if after is not None and usable else None
    return [
        PhoneRow(
            phone,
            time_zones_for(phone.number),
            numbers.reason(phones, lst.phone_order, phone.number)
            if phone.number == chosen
            else None,
        )
        for phone in contact.phones
    ]


@dataclass(frozen=True, slots=True)
class DncScreen:
    lists: list[SuppressionListRead]
    selected: SuppressionListRead
    entries: SuppressionPage
    check: CheckResult | None


def dnc_screen(
    conn: Conn,
    *,
    caller: Caller,
    list_id: int | None,
    cursor: str | None,
    number: str | None,
) -> DncScreen:
    lists = suppression_service.list_lists(conn, workspace_id=caller.workspace_id)
    selected = (
        suppression_service.get_list(
            conn, workspace_id=caller.workspace_id, id=list_id, with_count=True
        )
        if list_id is not None
        else next(lst for lst in lists if lst.is_default)
    )
    entries = suppression_service.page(
        conn,
        caller=caller,
        query=SuppressionQuery(suppression_list_id=selected.id, cursor=cursor, limit=50),
    )
    check = None
    if number:
        check = suppression_service.check(conn, caller=caller, number=number)
    return DncScreen(lists, selected, entries, check)


@dataclass(frozen=True, slots=True)
class UploadScreen:
    templates: list[ImportTemplate]  # (declared before the field named ``list``)
    list: ListRead


def upload_screen(conn: Conn, *, caller: Caller, list_id: int) -> UploadScreen:
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    return UploadScreen(import_service.list_templates(conn, caller=caller), lst)


@dataclass(frozen=True, slots=True)
class ImportScreen:
    job: ImportRead
    list: ListRead
    rows_per_second: float | None
    seconds_left: float | None  # None until there is a rate to go by
    running: bool


def import_screen(conn: Conn, *, caller: Caller, id: int) -> ImportScreen:
    job = import_service.get_job(conn, caller=caller, id=id)
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=job.list_id, with_count=False)
    rate = left = None
    if job.started_at is not None:
        elapsed = ((job.finished_at or clock.now()) - job.started_at).total_seconds()
        if elapsed > 0 and job.rows_read:
            rate = job.rows_read / elapsed
        if job.finished_at is None and 0 < job.progress < 1:
            left = elapsed * (1 - job.progress) / job.progress
    return ImportScreen(job, lst, rate, left, job.status in ("queued", "running"))
