"""A new contact made ready to insert, away from the database (pure).

The importer's worker processes normalize rows; this module turns each normalized row
into what the single writer needs and nothing more: the duplicate-key values, the zone
key, the contact's column values already converted for the driver (a tuple for
executemany, or a line of PostgreSQL's COPY text format), its lookup-index values and
its contact.created payload. The writer then only checks duplicates and inserts:
everything done here runs in parallel, and what crosses the process boundary is a few
strings and tuples instead of a dict of 50 columns.

The writer fills in what only it knows: the id, the zone id and the chunk's timestamps
(:data:`WRITER_COLUMNS`, first in the insert).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

from dialbook.contacts import normalize
from dialbook.contacts.schemas import Contact
from dialbook.kit.driver_values import copy_converter, escape, escape_json, sqlite_converter

# Written by the writer (ids, zone ids and the transaction's time are its to give).
WRITER_COLUMNS = ("id", "zone_id", "created_at", "updated_at", "due_at")
# Never written by an insert (a new contact has no lease).
_NOT_INSERTED = frozenset({*WRITER_COLUMNS, "lease_id", "lease_expires_at"})
# A contact.created payload is the Contact: its first field (id) and its last three
# (created_at, updated_at, version) are the writer's; the rest is encoded here.
_EVENT_FIELDS = Contact.__struct_fields__[1:-3]
assert Contact.__struct_fields__[0] == "id"
assert Contact.__struct_fields__[-3:] == ("created_at", "updated_at", "version")

_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class RowFormat:
    """How the writer inserts contacts: the columns the workers give (after
    WRITER_COLUMNS), each column's conversion (``json``, ``time``, ``date``, ``bool`` or
    None), and the driver's form: "sqlite" (executemany tuples), "copy" (PostgreSQL COPY
    text lines)."""

    names: tuple[str, ...]
    kinds: tuple[str | None, ...]
    driver: str  # sqlite | copy


@dataclass(frozen=True, slots=True)
class Target:
    """What every row of an import shares: where it goes and how it is checked."""

    workspace_id: int
    list_id: int
    status: str  # queued | held (the list's queue mode)
    duplicate_key: str  # phone | email | external_id | none (nothing to check)
    keep_given: bool  # on_duplicate=update: the writer needs the row's given fields


class NewContact(NamedTuple):
    keys: tuple[Any, ...]  # the duplicate-key values under the list's policy
    zone_key: str | None
    values: tuple[Any, ...] | str  # RowFormat.names' values: a tuple, or a COPY line
    event: str  # the contact.created payload between its id and its timestamps
    phones: tuple[str, ...]  # index values, COPY-escaped when the driver copies
    tags: tuple[str, ...]
    refs: tuple[tuple[str, str], ...]
    given: dict[str, Any] | None  # what an update of a duplicate applies


def row_format(names: Sequence[str], kinds: Sequence[str | None], driver: str) -> RowFormat:
    """The format for a table's columns (``names`` in table order, with their kinds)."""
    kept = [(n, k) for n, k in zip(names, kinds, strict=True) if n not in _NOT_INSERTED]
    return RowFormat(tuple(n for n, _ in kept), tuple(k for _, k in kept), driver)


def key_values(columns: dict[str, Any], key: str) -> list[Any]:
    """The values of ``columns`` under a duplicate key, as existing_keys takes them."""
    if key == "phone":
        return [p["number"] for p in columns.get("phones") or ()]
    if key == "email":
        return [columns["email_key"]] if columns.get("email_key") else []
    if key == "external_id":
        return [(r["provider"], r["id"]) for r in columns.get("external_refs") or ()]
    return []


def preparer(
    target: Target, fmt: RowFormat
) -> Callable[[dict[str, Any], dict[str, Any]], NewContact]:
    """The function making ``columns`` (from :func:`normalize.build`) and the row's
    ``given`` fields a new contact of ``target``'s list, in ``fmt``: what every row of an
    import shares is worked out here, once."""
    fixed = {
        "status": target.status,
        "workspace_id": target.workspace_id,
        "list_id": target.list_id,
        "version": 1,
    }
    copy = fmt.driver == "copy"
    make_values = _maker(fmt)

    def prepare(columns: dict[str, Any], given: dict[str, Any]) -> NewContact:
        row = {**_DEFAULTS, **columns, **fixed}
        zone_key = row.pop("zone_key", None)
        phones = tuple(p["number"] for p in row["phones"])  # unique per contact (normalize)
        tags = tuple(dict.fromkeys(row["tags"]))
        refs = tuple(dict.fromkeys((r["provider"], r["id"]) for r in row["external_refs"]))
        if copy:
            phones = tuple(map(escape, phones))
            tags = tuple(map(escape, tags))
            refs = tuple((escape(p), escape(i)) for p, i in refs)
        return NewContact(
            keys=tuple(key_values(row, target.duplicate_key)),
            zone_key=zone_key,
            values=make_values(row),
            event=_event_text(row, copy),
            phones=phones,
            tags=tags,
            refs=refs,
            given=given if target.keep_given else None,
        )

    return prepare


# A new contact's values nobody gave (read-only here: every value is converted, never
# changed, so one shared copy serves every row).
_DEFAULTS = normalize.defaults()
_event_values = operator.itemgetter(*_EVENT_FIELDS)


def _event_text(row: dict[str, Any], copy: bool) -> str:
    """The payload between its id and its timestamps: ``"workspace_id":1,...``."""
    text = _encode(dict(zip(_EVENT_FIELDS, _event_values(row), strict=True)))[1:-1].decode()
    return escape_json(text) if copy else text


def _maker(fmt: RowFormat) -> Callable[[dict[str, Any]], tuple[Any, ...] | str]:
    """The function making a row's values for ``fmt`` (converting only what needs it)."""
    get = operator.itemgetter(*fmt.names)
    if fmt.driver == "copy":
        converters = [copy_converter(kind) for kind in fmt.kinds]

        def line(row: dict[str, Any]) -> str:
            return "\t".join([c(v) for c, v in zip(converters, get(row), strict=True)])

        return line
    convert = [(i, sqlite_converter(kind)) for i, kind in enumerate(fmt.kinds) if kind]

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        found = list(get(row))
        for i, c in convert:
            if found[i] is not None:
                found[i] = c(found[i])
        return tuple(found)

    return values


def event_data(contact: NewContact, contact_id: int, at: str) -> str:
    """The contact.created payload (the JSON :func:`Contact` encodes to, key for key),
    ``at`` being the creation time as JSON encodes it (with its quotes)."""
    return f'{{"id":{contact_id},{contact.event},"created_at":{at},"updated_at":{at},"version":1}}'


def json_time(at: dt.datetime) -> str:
    """``at`` as the payload's JSON has it (quoted)."""
    return _encode(at).decode()
