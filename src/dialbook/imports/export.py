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

from dialbook.contacts import repository as contact_repository
from dialbook.contacts.schemas import Contact
from dialbook.db import Database
from dialbook.fields import service as field_service
from dialbook.lists import service as list_service
from dialbook.workspaces.schemas import Caller

PAGE = 2000
_encode = msgspec.json.Encoder().encode

_HEAD = (
    "id", "list_id", "first_name", "last_name", "full_name", "name_prefix", "name_suffix",
    "email",
)  # fmt: skip
_BODY = (
    "company", "account", "title", "website", "linkedin", "street", "city", "state",
    "postal_code", "country", "timezone", "timezone_source", "priority", "dnc", "dnd", "tags",
    "notes", "source", "date_of_birth", "gender", "external_refs",
)  # fmt: skip
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
            contact_repository.page,
            workspace_id=caller.workspace_id,
            after_id=after,
            limit=PAGE,
            filters=contact_repository.Filters(list_id=list_id),
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
    phones = db.run_read(
        contact_repository.max_phones, workspace_id=caller.workspace_id, list_id=list_id
    )
    keys = sorted(db.run_read(field_service.definitions, workspace_id=caller.workspace_id))
    header = [
        *_HEAD,
        *[f"phone_{i}{part}" for i in range(1, phones + 1) for part in ("", "_type", "_extension")],
        *_BODY,
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
    cells: list[Any] = [data[name] for name in _HEAD]
    for index in range(phones):
        phone = data["phones"][index] if index < len(data["phones"]) else None
        cells += [phone["number"], phone["type"], phone["extension"]] if phone else ["", "", ""]
    for name in _BODY:
        cells.append(_cell(name, data[name]))
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
