"""Exporting a list: every canonical field (and each custom field as a column), streamed.

The CSV columns are the ones the importer recognizes, so exporting a list and importing
the file into an empty list gives the same contacts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any, Literal

import msgspec

from dialbook.contacts import service as contact_service
from dialbook.contacts.canonical import CANONICAL_FIELDS
from dialbook.contacts.schemas import Contact
from dialbook.db import Database
from dialbook.fields import service as field_service
from dialbook.lists import service as list_service
from dialbook.workspaces.schemas import Caller

PAGE = 2000
_encode = msgspec.json.Encoder().encode

# The canonical fields as columns, in ContactCreate's order: the phones as numbered
# columns (``phone_<n>``, ``_type``, ``_extension``), the time zone followed by where it
# came from; the custom fields come after all of them, one column each.
_CANONICAL = tuple(
    column
    for name in CANONICAL_FIELDS
    if name != "custom_fields"
    for column in ((name, "timezone_source") if name == "timezone" else (name,))
)
# The stored contact's own columns: its id first, what the store says about it last (the
# importer reads these as nothing).
_TAIL = (
    "status",
    "attempts",
    "last_dial_at",
    "last_outcome",
    "created_at",
    "updated_at",
    "version",
)


def _pages(db: Database, caller: Caller, list_id: int) -> Iterator[list[Contact]]:
    after = 0
    while True:
        page = db.run_read(
            contact_service.list_page, caller=caller, list_id=list_id, after_id=after, limit=PAGE
        )
        if page:
            yield page
        if len(page) < PAGE:
            return
        after = page[-1].id


def export(
    db: Database,
    *,
    caller: Caller,
    list_id: int,
    format: Literal["csv", "jsonl"],
    counted: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The list's contacts as CSV or JSON Lines text, a page at a time (``counted`` is told
    how many contacts each page held)."""
    db.run_read(list_service.get, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    if format == "jsonl":
        for page in _pages(db, caller, list_id):
            if counted is not None:
                counted(len(page))
            yield "".join(_encode(contact).decode() + "\n" for contact in page)
        return
    phones = db.run_read(contact_service.max_phones, caller=caller, list_id=list_id)
    keys = sorted(db.run_read(field_service.definitions, workspace_id=caller.workspace_id))
    phone_columns = [
        f"phone_{i}{part}" for i in range(1, phones + 1) for part in ("", "_type", "_extension")
    ]
    header = [
        "id",
        *(
            column
            for name in _CANONICAL
            for column in (phone_columns if name == "phones" else [name])
        ),
        *[f"custom.{key}" for key in keys],
        *_TAIL,
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield _take(buffer)
    for page in _pages(db, caller, list_id):
        if counted is not None:
            counted(len(page))
        for contact in page:
            writer.writerow(_row(contact, phones, keys))
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _row(contact: Contact, phones: int, keys: list[str]) -> list[Any]:
    data = msgspec.to_builtins(contact)
    cells: list[Any] = [data["id"]]
    for name in _CANONICAL:
        if name != "phones":
            cells.append(_cell(name, data[name]))
            continue
        for index in range(phones):
            phone = data["phones"][index] if index < len(data["phones"]) else None
            cells += [phone["number"], phone["type"], phone["extension"]] if phone else ["", "", ""]
    cells += [_cell("custom", data["custom_fields"].get(key)) for key in keys]
    cells += [_cell(name, data[name]) for name in _TAIL]
    return cells


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name == "tags":
        plain = all(not set(",;|") & set(tag) for tag in value)
        return "; ".join(value) if plain else _encode(value).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return _encode(value).decode() if value else ""
    return value
