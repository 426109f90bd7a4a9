"""Talkdesk Record Lists <-> the canonical model. Pure functions: no I/O, no database.

What maps to what (docs/dialects/talkdesk.md has the full table):

* a record list is a canonical list; ``unique_identifier_type`` is its duplicate policy
  (PHONE_NUMBER -> phone, EXTERNAL -> external_id, NOTHING -> none; scope list);
* a record is a canonical contact; ``phone_numbers[].phone_type`` HOME | OFFICE | MOBILE |
  EXTRA_1..3 are the canonical phone types of the same names;
* ``priority`` runs the other way round: Talkdesk dials 10 first and 1 last, the canonical
  model dials lower numbers first, so canonical = 11 - Talkdesk (null stays null: hot lead);
* ``external_provider/_id/_url/sync_external_id`` are the first canonical external ref;
* ``extra_data`` keys that name a contact field (email, company, title, city, state,
  country, ...) set that field; every other key is a workspace custom field;
* a do-not-call list is a canonical suppression list and its entries are suppression
  entries; ``expiration_date`` D (a date) is ``expires_at`` = D + 1 day at 00:00 UTC, so an
  entry is in force through the whole of its expiration date (UTC).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import msgspec

from dialbook.contacts import canonical
from dialbook.contacts.schemas import Contact, ContactCreate, ContactUpdate
from dialbook.dialects.talkdesk.schemas import (
    EDITABLE,
    ENTRY_EDITABLE,
    ENTRY_READ_ONLY,
    READ_ONLY,
    BulkCreated,
    BulkDeleted,
    BulkEmbedded,
    BulkUpdated,
    DeleteItem,
    DoNotCallList,
    DoNotCallListCreated,
    DoNotCallListPage,
    DoNotCallListsEmbedded,
    EntriesCreated,
    EntriesDeleted,
    EntriesEmbedded,
    EntriesUpdated,
    Entry,
    EntryDeleteItem,
    EntryIn,
    EntryPage,
    FailedEntries,
    FailedEntry,
    FailedRecord,
    FailedRecords,
    Link,
    Links,
    PatchOp,
    PhoneNumber,
    PhoneNumberOut,
    PhoneQuery,
    Reason,
    Record,
    RecordChanges,
    RecordError,
    RecordIn,
    RecordList,
    RecordListCreated,
    RecordListPage,
    RecordListsEmbedded,
    RecordPage,
    RecordsEmbedded,
    UniqueIdentifierType,
    UpdatedEntriesEmbedded,
    UpdatedEntry,
)
from dialbook.errors import DialbookError, FieldError, InvalidInput, invalid
from dialbook.http.body import field_error
from dialbook.kit import jsonpatch
from dialbook.lists.schemas import DuplicateKey, ListRead
from dialbook.normalize.countries import country_code
from dialbook.normalize.fields import key_from_label
from dialbook.normalize.timezones import TimezoneError, normalize_timezone
from dialbook.suppressions.schemas import (
    Suppression,
    SuppressionCreate,
    SuppressionListRead,
    SuppressionUpdate,
)

PLATFORM = "talkdesk"
PREFIX = f"/compat/{PLATFORM}"
# dialbook has no CSV validation step: a record list is usable as soon as it exists.
LIST_STATUS = "ACCEPTED"

_TO_CANONICAL_TYPE = {
    "HOME": "home",
    "OFFICE": "office",
    "MOBILE": "mobile",
    "EXTRA_1": "extra_1",
    "EXTRA_2": "extra_2",
    "EXTRA_3": "extra_3",
}
# Canonical types Talkdesk lacks: "direct" reads as OFFICE, "other" as EXTRA_1.
_FROM_CANONICAL_TYPE = {
    **{canonical: wire for wire, canonical in _TO_CANONICAL_TYPE.items()},
    "direct": "OFFICE",
    "other": "EXTRA_1",
    "landline": "HOME",
}

_TO_DUPLICATE_KEY: dict[str, DuplicateKey] = {
    "PHONE_NUMBER": "phone",
    "EXTERNAL": "external_id",
    "NOTHING": "none",
}
# A canonical list checking e-mail duplicates has no Talkdesk name; it reads as NOTHING.
_FROM_DUPLICATE_KEY = {"phone": "PHONE_NUMBER", "external_id": "EXTERNAL", "none": "NOTHING"}

# extra_data keys (after key_from_label: "Postal Code" -> postal_code) that are contact fields.
EXTRA_FIELDS = canonical.pick(
    "country", "state", "city", "street", "postal_code", "company", "account", "title", "email",
    "website", "linkedin",
)  # fmt: skip

_MISSING: Any = object()


# -- small mappings -----------------------------------------------------------------------


def phone_type_to_canonical(phone_type: str) -> str:
    return _TO_CANONICAL_TYPE[phone_type]


def phone_type_from_canonical(phone_type: str) -> str:
    return _FROM_CANONICAL_TYPE.get(phone_type, "EXTRA_1")


def priority_to_canonical(priority: int | None) -> int | None:
    """Talkdesk 10 (dialed first) .. 1 -> canonical 1 .. 10; null (hot lead) stays null."""
    return None if priority is None else 11 - priority


def priority_from_canonical(priority: int | None) -> int | None:
    """Canonical priorities outside 1..10 (set through /v1) are clamped into Talkdesk's range."""
    return None if priority is None else min(10, max(1, 11 - priority))


def duplicate_key(unique_identifier_type: UniqueIdentifierType) -> DuplicateKey:
    return _TO_DUPLICATE_KEY[unique_identifier_type]


def unique_identifier_type(lst: ListRead) -> str:
    return _FROM_DUPLICATE_KEY.get(lst.duplicate_policy.key, "NOTHING")


def parse_id(ref: str) -> int | None:
    """Our id inside a path segment, or None when it cannot be one (unknown -> 404)."""
    if ref.isascii() and ref.isdigit() and len(ref) <= 18:
        return int(ref)
    return None


def list_ref_is_absurd(ref: str) -> bool:
    """A record-list reference no list can have (non-ASCII or overlong digits)."""
    return ref.isdigit() and parse_id(ref) is None


# -- links and pages ----------------------------------------------------------------------


def list_href(base: str, list_id: int) -> str:
    return f"{base}/record-lists/{list_id}"


def record_href(base: str, list_id: int, record_id: int) -> str:
    return f"{base}/record-lists/{list_id}/records/{record_id}"


def page_links(href: str, *, page: int, per_page: int, total_pages: int, **query: str) -> Links:
    """HAL links of one page; ``prev``/``next`` only where such a page exists."""

    def at(number: int) -> Link:
        params = {**{k: v for k, v in query.items() if v}, "page": number, "per_page": per_page}
        return Link(f"{href}?{urlencode(params)}")

    last = max(total_pages, 1)
    links = {"self": at(page), "first": at(1), "last": at(last)}
    if page > 1:
        links["prev"] = at(min(page - 1, last))
    if page < total_pages:
        links["next"] = at(page + 1)
    return links


def page_fields(
    href: str, *, count: int, total: int, page: int, per_page: int, **query: str
) -> dict[str, Any]:
    """The paging fields of a list answer (see ``HalPage``)."""
    pages = math.ceil(total / per_page)
    return {
        "total": total,
        "per_page": per_page,
        "count": count,
        "page": page,
        "total_pages": pages,
        "links": page_links(href, page=page, per_page=per_page, total_pages=pages, **query),
    }


# -- outbound: canonical -> wire ----------------------------------------------------------


def record_list_out(lst: ListRead, base: str) -> RecordList:
    return RecordList(
        id=str(lst.id),
        name=lst.name,
        unique_identifier_type=unique_identifier_type(lst),
        status=LIST_STATUS,
        records_count=lst.contact_count or 0,
        account_id=str(lst.workspace_id),
        teams=[],
        created_at=lst.created_at,
        updated_at=lst.updated_at,
        links={"self": Link(list_href(base, lst.id))},
    )


def record_list_created(lst: ListRead, base: str) -> RecordListCreated:
    out = record_list_out(lst, base)
    return RecordListCreated(
        **{name: getattr(out, name) for name in out.__struct_fields__}, signed_url=None
    )


def record_list_page(
    lists: Sequence[ListRead],
    *,
    total: int,
    page: int,
    per_page: int,
    base: str,
    name: str | None,
    status: str | None,
) -> RecordListPage:
    return RecordListPage(
        **page_fields(
            f"{base}/record-lists",
            count=len(lists),
            total=total,
            page=page,
            per_page=per_page,
            name=name or "",
            status=status or "",
        ),
        embedded=RecordListsEmbedded(record_lists=[record_list_out(lst, base) for lst in lists]),
    )


def extra_data_out(contact: Contact) -> dict[str, Any]:
    """Contact fields first, then custom fields (by key); a field wins over a same-named key."""
    extra: dict[str, Any] = {}
    for name in EXTRA_FIELDS:
        value = getattr(contact, name)
        if value is not None:
            extra[name] = value
    for key, value in contact.custom_fields.items():
        extra.setdefault(key, value)
    return extra


def record_out(contact: Contact, base: str) -> Record:
    ref = contact.external_refs[0] if contact.external_refs else None
    return Record(
        id=str(contact.id),
        record_list_id=str(contact.list_id),
        phone_number=contact.phones[0].number if contact.phones else None,
        phone_numbers=[
            PhoneNumberOut(p.number, phone_type_from_canonical(p.type)) for p in contact.phones
        ],
        first_name=contact.first_name,
        last_name=contact.last_name,
        timezone=contact.timezone,
        priority=priority_from_canonical(contact.priority),
        extra_data=extra_data_out(contact),
        external_provider=ref.provider if ref else None,
        external_id=ref.id if ref else None,
        external_url=ref.url if ref else None,
        sync_external_id=ref.sync if ref else None,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        links={"self": Link(record_href(base, contact.list_id, contact.id))},
    )


def record_doc(contact: Contact, base: str = "") -> dict[str, Any]:
    """The record as JSON builtins: what a JSON Patch is applied to (its links are
    read-only: the use cases leave ``base`` out, the handler builds the answer's links)."""
    doc: dict[str, Any] = msgspec.to_builtins(record_out(contact, base))
    return doc


def record_page(
    contacts: Sequence[Contact], *, total: int, page: int, per_page: int, base: str, list_id: int
) -> RecordPage:
    return RecordPage(
        **page_fields(
            f"{list_href(base, list_id)}/records",
            count=len(contacts),
            total=total,
            page=page,
            per_page=per_page,
        ),
        embedded=RecordsEmbedded(records=[record_out(c, base) for c in contacts]),
    )


# -- inbound: wire -> canonical -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Names:
    """How canonical field names read in this request's own vocabulary."""

    phone_field: str = "phone_numbers"  # or "phone_number" when the deprecated form was used
    labels: Mapping[str, str] = field(default_factory=dict)  # canonical key -> extra_data key


DEFAULT_NAMES = Names()

_PHONE_PATH = re.compile(r"phones\[(\d+)\](?:\.(\w+))?")
_REF_PATH = re.compile(r"external_refs\[(\d+)\](?:\.(\w+))?")
_REF_FIELDS = {
    "provider": "external_provider",
    "id": "external_id",
    "url": "external_url",
    "sync": "sync_external_id",
}


def wire_field(name: str, names: Names = DEFAULT_NAMES) -> str:
    """A canonical field path (``phones[0].number``) in Talkdesk's words; others unchanged."""
    if match := _PHONE_PATH.fullmatch(name):
        index, part = int(match[1]), match[2]
        if names.phone_field == "phone_number" and index == 0:
            return "phone_number"
        return f"phone_numbers[{index}].{'phone_type' if part == 'type' else 'phone_number'}"
    if match := _REF_PATH.fullmatch(name):
        return _REF_FIELDS.get(match[2] or "", "external_id")
    if name in ("phones", "phone"):
        return names.phone_field
    if name in ("external_refs", "external_id"):
        return "external_id"
    if name.startswith("custom_fields."):
        key = name.removeprefix("custom_fields.")
        return f"extra_data.{names.labels.get(key, key)}"
    if name in EXTRA_FIELDS:
        return f"extra_data.{names.labels.get(name, name)}"
    if name == "list_id":
        return "record_list_id"
    return name


@dataclass(frozen=True, slots=True)
class Inbound:
    """A record translated: canonical ``given`` fields, and how to name its errors."""

    given: dict[str, Any]
    names: Names = DEFAULT_NAMES

    def custom_labels(self) -> dict[str, str]:
        """Custom field key -> the label to define it by, for keys given a value."""
        custom = self.given.get("custom_fields") or {}
        return {k: self.names.labels.get(k, k) for k, v in custom.items() if v is not None}


def decode_record(item: Any) -> RecordIn:
    """One item of a bulk create, checked as the single create checks its body."""
    try:
        return msgspec.convert(item, RecordIn)
    except msgspec.ValidationError as error:
        raise InvalidInput(fields=[field_error(error, RecordIn)]) from None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise ValueError("must be text")


def _phone_in(number: str, phone_type: str) -> dict[str, Any]:
    return {"number": number, "type": phone_type}


def _phones(items: Iterable[PhoneNumber]) -> list[dict[str, Any]]:
    return [_phone_in(p.phone_number, phone_type_to_canonical(p.phone_type)) for p in items]


def _external(
    provider: str | None,
    external_id: str | None,
    url: str | None,
    sync: bool | None,
    *,
    required: bool,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    if provider is None and external_id is None:
        if required:
            why = "is required: the record list's unique_identifier_type is EXTERNAL"
            return [], [FieldError("external_provider", why), FieldError("external_id", why)]
        if url:
            return [], [FieldError("external_id", "is required when external_url is given")]
        return [], []
    if provider is None:
        return [], [FieldError("external_provider", "is required with external_id")]
    if external_id is None:
        return [], [FieldError("external_id", "is required with external_provider")]
    return [{"provider": provider, "id": external_id, "url": url, "sync": bool(sync)}], []


@dataclass(slots=True)
class _Extra:
    fields: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def _split_extra(extra: Mapping[str, Any], existing: Contact | None) -> _Extra:
    """extra_data keys onto contact fields and custom fields (None clears a key)."""
    out = _Extra()
    had_custom = existing.custom_fields if existing else {}
    for label, value in extra.items():
        if not label.strip():
            out.errors.append(FieldError("extra_data", "keys must not be empty"))
            continue
        key = key_from_label(label)
        if key in out.labels:
            out.errors.append(
                FieldError(f"extra_data.{label}", f"names the same field as {out.labels[key]!r}")
            )
            continue
        out.labels[key] = label
        if key not in EXTRA_FIELDS:
            out.custom[key] = value
            continue
        try:
            text = _text(value)
        except ValueError as error:
            out.errors.append(FieldError(f"extra_data.{label}", str(error)))
            continue
        if key in had_custom:  # the field now holds the value; drop the old custom copy
            out.custom[key] = None
        if key == "country" and text is not None:
            if not text.strip():
                out.fields[key] = None
                continue
            code = country_code(text)
            if code is None:  # not a country we know: kept as text in a custom field
                out.custom[key] = text
                if existing is not None and existing.country is not None:
                    out.fields["country"] = None
                continue
            text = code
        out.fields[key] = text
    return out


def _blank_names(values: Mapping[str, Any]) -> list[FieldError]:
    """Talkdesk's names are mandatory: one made of spaces only is no name."""
    return [
        FieldError(name, "must not be blank")
        for name in ("first_name", "last_name")
        if isinstance(values.get(name), str) and not values[name].strip()
    ]


def record_to_given(record: RecordIn, *, external_required: bool) -> Inbound:
    """A create: the record's fields in canonical names (checked by ``to_create``)."""
    errors = _blank_names({"first_name": record.first_name, "last_name": record.last_name})
    given: dict[str, Any] = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "timezone": record.timezone,
        "priority": priority_to_canonical(record.priority),
    }
    phone_field = "phone_numbers"
    if record.phone_numbers is not None:
        given["phones"] = _phones(record.phone_numbers)
    elif record.phone_number is not None:
        given["phones"] = [_phone_in(record.phone_number, "mobile")]
        phone_field = "phone_number"
    else:
        errors.append(FieldError("phone_numbers", "is required (or the deprecated phone_number)"))
    refs, problems = _external(
        record.external_provider,
        record.external_id,
        record.external_url,
        record.sync_external_id,
        required=external_required,
    )
    errors += problems
    given["external_refs"] = refs
    extra = _split_extra(record.extra_data or {}, None)
    errors += extra.errors
    given.update(extra.fields)
    given["custom_fields"] = {k: v for k, v in extra.custom.items() if v is not None}
    if errors:
        raise InvalidInput(fields=errors)
    return Inbound(given, Names(phone_field, extra.labels))


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields whose value differs; extra_data key by key (None: removed)."""
    changed = {
        name: after.get(name)
        for name in EDITABLE
        if name != "extra_data" and after.get(name) != before.get(name)
    }
    old_extra = before.get("extra_data") or {}
    new_extra = after.get("extra_data")
    if new_extra is None:
        new_extra = {}
    if not isinstance(new_extra, dict):
        raise invalid("extra_data", "must be an object")
    extra = {k: v for k, v in new_extra.items() if old_extra.get(k, _MISSING) != v}
    extra.update({k: None for k in old_extra if k not in new_extra})
    if extra:
        changed["extra_data"] = extra
    return changed


def record_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    contact: Contact,
    *,
    external_required: bool,
) -> Inbound:
    """An update: what changed between two wire forms of ``contact``, in canonical names."""
    try:
        changes = msgspec.convert(_changed(before, after), RecordChanges)
    except msgspec.ValidationError as error:
        raise InvalidInput(fields=[field_error(error, RecordChanges)]) from None
    given: dict[str, Any] = {}
    phone_field = "phone_numbers"
    if not isinstance(changes.phone_numbers, msgspec.UnsetType):
        given["phones"] = _phones(changes.phone_numbers)
    elif isinstance(changes.phone_number, str):  # the deprecated field names the first phone
        first_type = contact.phones[0].type if contact.phones else "mobile"
        given["phones"] = [
            _phone_in(changes.phone_number, first_type),
            *(
                {"number": p.number, "type": p.type, "extension": p.extension}
                for p in contact.phones[1:]
            ),
        ]
        phone_field = "phone_number"
    for name in ("first_name", "last_name", "timezone"):
        value = getattr(changes, name)
        if value is not msgspec.UNSET:
            given[name] = value
    if not isinstance(changes.priority, msgspec.UnsetType):
        given["priority"] = priority_to_canonical(changes.priority)
    errors: list[FieldError] = []
    if any(getattr(changes, f) is not msgspec.UNSET for f in _REF_FIELDS.values()):
        refs, errors = _external(
            after.get("external_provider"),
            after.get("external_id"),
            after.get("external_url"),
            after.get("sync_external_id"),
            required=external_required,
        )
        given["external_refs"] = refs + [
            msgspec.to_builtins(ref) for ref in contact.external_refs[1:]
        ]
    errors += _blank_names(given)
    labels: dict[str, str] = {}
    if not isinstance(changes.extra_data, msgspec.UnsetType):
        extra = _split_extra(changes.extra_data, contact)
        errors += extra.errors
        given.update(extra.fields)
        if extra.custom:
            given["custom_fields"] = extra.custom
        labels = extra.labels
    if errors:
        raise InvalidInput(fields=errors)
    return Inbound(given, Names(phone_field, labels))


def _renamed(error: msgspec.ValidationError, names: Names) -> InvalidInput:
    problem = field_error(error)
    return InvalidInput(fields=[FieldError(wire_field(problem.name, names), problem.detail)])


def to_create(inbound: Inbound, *, list_id: int) -> ContactCreate:
    """The canonical create, checked against the canonical limits (named in wire terms)."""
    try:
        return msgspec.convert({**inbound.given, "list_id": list_id}, ContactCreate)
    except msgspec.ValidationError as error:
        raise _renamed(error, inbound.names) from None


def to_update(inbound: Inbound) -> ContactUpdate:
    try:
        return msgspec.convert(inbound.given, ContactUpdate)
    except msgspec.ValidationError as error:
        raise _renamed(error, inbound.names) from None


# -- JSON Patch (RFC 6902: the engine is kit.jsonpatch; which paths a record allows, here) --


def apply_op(doc: dict[str, Any], op: PatchOp, *, index: int) -> None:
    """Apply one operation to a record's wire form, in place: only its editable fields."""
    where = f"[{index}].path"
    tokens = jsonpatch.pointer(op.path, where)
    if not tokens:
        raise invalid(where, "must name a field of the record, not the whole record")
    if tokens[0] in READ_ONLY:
        raise invalid(where, f"{op.path} is read-only")
    if tokens[0] not in EDITABLE:
        raise invalid(where, f"{op.path} is not a field of a record")
    jsonpatch.apply_op(doc, op, index=index)


def apply_patch(doc: Mapping[str, Any], ops: Sequence[PatchOp]) -> dict[str, Any]:
    """A patched copy of ``doc``; the first bad operation fails the whole patch."""
    patched = copy.deepcopy(dict(doc))
    for index, op in enumerate(ops):
        apply_op(patched, op, index=index)
    return patched


def merge_record(doc: dict[str, Any], value: Any, *, index: int) -> None:
    """Bulk update's ``{"op": "replace"|"add", "path": "/records/{id}", "value": {...}}``:
    the given fields replace the record's, ``extra_data`` merges key by key (null removes)."""
    if not isinstance(value, dict):
        raise invalid(f"[{index}].value", "must be an object of record fields")
    for name, new in value.items():
        if name in READ_ONLY:
            raise invalid(f"[{index}].value.{name}", "is read-only")
        if name not in EDITABLE:
            raise invalid(f"[{index}].value.{name}", "is not a field of a record")
        old = doc.get(name)
        if name == "extra_data" and isinstance(new, dict) and isinstance(old, dict):
            merged = {**old, **copy.deepcopy(new)}
            doc[name] = {k: v for k, v in merged.items() if v is not None}
        else:
            doc[name] = copy.deepcopy(new)


@dataclass(slots=True)
class RecordOps:
    """The operations of a bulk update that touch one record, with their positions."""

    record_ref: str
    ops: list[tuple[int, PatchOp]] = field(default_factory=list)


def group_bulk_ops(ops: Sequence[PatchOp]) -> list[RecordOps]:
    """Bulk-update operations by record, in order. Paths are ``/records/{record_id}`` (the
    value is an object of fields) or ``/records/{record_id}/<field...>`` (a plain RFC 6902
    operation on that record)."""
    groups: dict[str, RecordOps] = {}
    for index, op in enumerate(ops):
        where = f"[{index}].path"
        tokens = jsonpatch.pointer(op.path, where)
        if len(tokens) < 2 or tokens[0] != "records" or not tokens[1]:
            raise invalid(where, "must be /records/{record_id} or /records/{record_id}/<field>")
        rest = tokens[2:]
        if not rest and op.op == "remove":
            raise invalid(
                f"[{index}].op",
                "cannot remove a record; use DELETE /record-lists/{id}/records/bulks",
            )
        sub = PatchOp(
            op=op.op, path="".join("/" + jsonpatch.escape(t) for t in rest), value=op.value
        )
        groups.setdefault(tokens[1], RecordOps(tokens[1])).ops.append((index, sub))
    return list(groups.values())


def apply_record_ops(doc: Mapping[str, Any], group: RecordOps) -> dict[str, Any]:
    patched = copy.deepcopy(dict(doc))
    for index, op in group.ops:
        if op.path:
            apply_op(patched, op, index=index)
        else:
            merge_record(patched, op.value, index=index)
    return patched


# -- bulk delete ----------------------------------------------------------------------------


def check_delete_items(items: Sequence[DeleteItem]) -> None:
    """Each item names records one way: id, phone_number, or external_provider + external_id."""
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        ways = [
            item.id is not None,
            item.phone_number is not None,
            item.external_provider is not None or item.external_id is not None,
        ]
        if sum(ways) != 1:
            errors.append(
                FieldError(
                    f"[{index}]",
                    "must have exactly one of: id, phone_number, "
                    "or external_provider with external_id",
                )
            )
        elif ways[2] and (item.external_provider is None or item.external_id is None):
            missing = "external_id" if item.external_id is None else "external_provider"
            errors.append(FieldError(f"[{index}].{missing}", "is required"))
    if errors:
        raise InvalidInput(fields=errors)


# -- do-not-call lists ----------------------------------------------------------------------

# The last expiration date accepted: the day after it must still be a date.
MAX_EXPIRATION = dt.date(9998, 12, 31)


def dncl_href(base: str, list_id: int) -> str:
    return f"{base}/do-not-call-lists/{list_id}"


def entry_href(base: str, list_id: int, entry_id: int) -> str:
    return f"{dncl_href(base, list_id)}/entries/{entry_id}"


def dncl_out(dncl: SuppressionListRead, base: str) -> DoNotCallList:
    return DoNotCallList(
        id=str(dncl.id),
        name=dncl.name,
        status=LIST_STATUS,
        entries_count=dncl.entry_count or 0,
        teams=[],
        created_at=dncl.created_at,
        updated_at=dncl.created_at,  # suppression lists keep no update time
        links={"self": Link(dncl_href(base, dncl.id))},
    )


def dncl_created(dncl: SuppressionListRead, base: str) -> DoNotCallListCreated:
    out = dncl_out(dncl, base)
    return DoNotCallListCreated(
        **{name: getattr(out, name) for name in out.__struct_fields__}, signed_url=None
    )


def dncl_page(
    lists: Sequence[SuppressionListRead], *, total: int, page: int, per_page: int, base: str
) -> DoNotCallListPage:
    return DoNotCallListPage(
        **page_fields(
            f"{base}/do-not-call-lists", count=len(lists), total=total, page=page, per_page=per_page
        ),
        embedded=DoNotCallListsEmbedded(do_not_call_lists=[dncl_out(x, base) for x in lists]),
    )


def expires_at(expiration_date: dt.date | None) -> dt.datetime | None:
    """In force through the whole expiration date (UTC): it ends when the next day starts."""
    if expiration_date is None:
        return None
    return dt.datetime.combine(expiration_date + dt.timedelta(days=1), dt.time(), dt.UTC)


def expiration_date(expires: dt.datetime | None) -> dt.date | None:
    """The last UTC date on which the entry is in force (for an expiry set through /v1 at
    another time than midnight UTC, the date of that expiry)."""
    if expires is None:
        return None
    return (expires.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).date()


def expiration_problem(value: dt.date, today: dt.date) -> str | None:
    """Why ``value`` cannot be an expiration date on ``today`` (UTC), or None."""
    if value < today:
        return f"must not be in the past (today is {today.isoformat()} in UTC)"
    if value > MAX_EXPIRATION:
        return f"must be {MAX_EXPIRATION.isoformat()} or earlier (null: never expires)"
    return None


def entry_out(entry: Suppression, base: str) -> Entry:
    return Entry(
        id=str(entry.id),
        do_not_call_list_id=str(entry.suppression_list_id),
        phone_number=entry.number,
        reason=entry.reason,
        expiration_date=expiration_date(entry.expires_at),
        created_at=entry.created_at,
        links={"self": Link(entry_href(base, entry.suppression_list_id, entry.id))},
    )


def entry_page(
    entries: Sequence[Suppression], *, total: int, page: int, per_page: int, href: str, base: str
) -> EntryPage:
    return EntryPage(
        **page_fields(href, count=len(entries), total=total, page=page, per_page=per_page),
        embedded=EntriesEmbedded(entries=[entry_out(e, base) for e in entries]),
    )


def entries_in(body: EntryIn | list[Any]) -> tuple[list[tuple[str, EntryIn]], list[FieldError]]:
    """The entries of a create body (one entry, or a list of them), each with the prefix its
    field names take in errors (``""`` or ``"[2]."``), and the items that are no entry."""
    if isinstance(body, EntryIn):
        return [("", body)], []
    if not body:
        return [], [FieldError("body", "must hold at least one entry")]
    entries: list[tuple[str, EntryIn]] = []
    errors: list[FieldError] = []
    for index, item in enumerate(body):
        try:
            entries.append((f"[{index}].", msgspec.convert(item, EntryIn)))
        except msgspec.ValidationError as error:
            problem = field_error(error, EntryIn)
            name = f"[{index}]" if problem.name == "body" else f"[{index}].{problem.name}"
            errors.append(FieldError(name, problem.detail))
    return entries, errors


def to_suppression(entry: EntryIn, *, number: str, list_id: int) -> SuppressionCreate:
    return SuppressionCreate(
        number=number,
        reason=entry.reason,
        expires_at=expires_at(entry.expiration_date),
        suppression_list_id=list_id,
    )


def entry_op_allowed(op: PatchOp) -> bool:
    """An operation on one editable field of an entry, with a value unless it removes."""
    return op.path.removeprefix("/") in ENTRY_EDITABLE and (
        op.op == "remove" or op.value is not msgspec.UNSET
    )


def entry_changes(ops: Sequence[tuple[int, PatchOp]]) -> dict[str, Any]:
    """What a JSON Patch on an entry sets (``remove`` clears: null). Paths are ``/reason``
    and ``/expiration_date``; anything else makes the patch document bad (400)."""
    changes: dict[str, Any] = {}
    for index, op in ops:
        where = f"[{index}].path"
        tokens = jsonpatch.pointer(op.path, where)
        if not tokens:
            raise invalid(where, "must name a field of the entry, not the whole entry")
        if tokens[0] in ENTRY_READ_ONLY:
            raise invalid(where, f"{op.path} is read-only")
        if len(tokens) != 1 or tokens[0] not in ENTRY_EDITABLE:
            raise invalid(where, f"{op.path} is not a field of an entry")
        if op.op != "remove" and op.value is msgspec.UNSET:
            raise invalid(f"[{index}].value", f"is required for {op.op!r}")
        changes[tokens[0]] = None if op.op == "remove" else op.value
    return changes


def entry_update(changes: Mapping[str, Any], *, today: dt.date) -> SuppressionUpdate:
    """The canonical update for an entry's new field values (bad values: InvalidInput)."""
    update = SuppressionUpdate()
    errors: list[FieldError] = []
    if "expiration_date" in changes:
        value = changes["expiration_date"]
        try:
            date = None if value is None else msgspec.convert(value, dt.date)
        except msgspec.ValidationError:
            errors.append(FieldError("expiration_date", "must be a date written YYYY-MM-DD"))
        else:
            problem = None if date is None else expiration_problem(date, today)
            if problem is None:
                update.expires_at = expires_at(date)
            else:
                errors.append(FieldError("expiration_date", problem))
    if "reason" in changes:
        try:
            update.reason = msgspec.convert(changes["reason"], Reason | None)
        except msgspec.ValidationError as error:
            errors.append(FieldError("reason", field_error(error, Reason | None).detail))
    if errors:
        raise InvalidInput(fields=errors)
    return update


@dataclass(slots=True)
class EntryOps:
    """The operations of a multiple-entry update that touch one entry, with their positions."""

    entry_ref: str
    ops: list[tuple[int, PatchOp]] = field(default_factory=list)


def group_entry_ops(ops: Sequence[PatchOp]) -> list[EntryOps]:
    """Operations of "Update multiple entries" by entry, in order. Paths are
    ``/{entry_id}/{field}``; each becomes an operation on ``/{field}`` of that entry."""
    groups: dict[str, EntryOps] = {}
    for index, op in enumerate(ops):
        where = f"[{index}].path"
        tokens = jsonpatch.pointer(op.path, where)
        if len(tokens) != 2 or not tokens[0] or not tokens[1]:
            raise invalid(where, "must be /{entry_id}/expiration_date or /{entry_id}/reason")
        sub = PatchOp(op=op.op, path="/" + jsonpatch.escape(tokens[1]), value=op.value)
        groups.setdefault(tokens[0], EntryOps(tokens[0])).ops.append((index, sub))
    return list(groups.values())


# Talkdesk's error names for one entry of "Update multiple entries".
_ENTRY_ERRORS = {"expiration_date": "EXPIRATION_DATE_INVALID", "reason": "REASON_INVALID"}


def updated_entry(
    entry: Suppression,
    base: str,
    *,
    error: InvalidInput | None = None,
    un_allowed_patch: PatchOp | None = None,
) -> UpdatedEntry:
    out = entry_out(entry, base)
    codes = [] if error is None else [_ENTRY_ERRORS.get(f.name, "INVALID") for f in error.fields]
    return UpdatedEntry(
        id=out.id,
        do_not_call_list_id=out.do_not_call_list_id,
        phone_number=out.phone_number,
        reason=out.reason,
        expiration_date=out.expiration_date,
        created_at=out.created_at,
        errors=list(dict.fromkeys(codes)),
        un_allowed_patch=un_allowed_patch,
        links={**out.links, "do_not_call_list": Link(dncl_href(base, entry.suppression_list_id))},
    )


def check_entry_delete_items(items: Sequence[EntryDeleteItem]) -> None:
    """Each item names an entry one way: by id or by phone_number."""
    errors = [
        FieldError(f"[{index}]", "must have exactly one of: id, phone_number")
        for index, item in enumerate(items)
        if (item.id is None) == (item.phone_number is None)
    ]
    if errors:
        raise InvalidInput(fields=errors)


def check_timezones(items: Sequence[PhoneQuery]) -> list[FieldError]:
    """The query items whose ``timezone`` is not an IANA zone."""
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        if item.timezone is not None:
            try:
                normalize_timezone(item.timezone)
            except TimezoneError as error:
                errors.append(FieldError(f"phone_numbers[{index}].timezone", str(error)))
    return errors


# -- use-case results -> wire (built by the handler, after the transaction) ----------------

T = TypeVar("T")
Describe = Callable[[DialbookError], str]  # an error's one-line description (errors.reason)
RecordErrorOf = Callable[..., RecordError]  # errors.record_error


@dataclass(slots=True)
class Slice(Generic[T]):
    """One page of a collection and how many items the whole collection has."""

    items: list[T]
    total: int


@dataclass(slots=True)
class BulkResult:
    """A bulk create or update: the records written, and each failed item (its position,
    the record id it named, why)."""

    lst: ListRead
    records: list[Contact] = field(default_factory=list)
    failed: list[tuple[int, str | None, DialbookError]] = field(default_factory=list)


@dataclass(slots=True)
class BulkDeleteResult:
    lst: ListRead
    deleted: int = 0
    failed: list[tuple[DeleteItem, DialbookError | None]] = field(default_factory=list)


@dataclass(slots=True)
class EntriesCreatedResult:
    dncl: SuppressionListRead
    entries: list[Suppression] = field(default_factory=list)
    created: int = 0
    updated: int = 0


@dataclass(slots=True)
class EntryUpdateResult:
    """One entry of a multiple-entry update: changed, refused, invalid, or not found."""

    ref: str
    entry: Suppression | None
    error: InvalidInput | None = None
    refused: PatchOp | None = None


@dataclass(slots=True)
class EntriesDeleteResult:
    dncl: SuppressionListRead
    deleted: int = 0
    failed: list[tuple[EntryDeleteItem, DialbookError | None]] = field(default_factory=list)


def _bulk_links(base: str, lst: ListRead) -> Links:
    href = list_href(base, lst.id)
    return {"self": Link(f"{href}/records/bulks"), "record_list": Link(href)}


def bulk_created(result: BulkResult, base: str, record_error: RecordErrorOf) -> BulkCreated:
    failed = [record_error(error, index=index) for index, _, error in result.failed]
    return BulkCreated(
        record_list_id=str(result.lst.id),
        has_errors=bool(failed),
        total_created=len(result.records),
        total_errors=len(failed),
        links=_bulk_links(base, result.lst),
        embedded=BulkEmbedded(records=[record_out(c, base) for c in result.records], errors=failed),
    )


def bulk_updated(result: BulkResult, base: str, record_error: RecordErrorOf) -> BulkUpdated:
    failed = [record_error(error, index=index, id=ref) for index, ref, error in result.failed]
    return BulkUpdated(
        record_list_id=str(result.lst.id),
        has_errors=bool(failed),
        total_created=len(result.records),
        total_updated=len(result.records),
        total_errors=len(failed),
        links=_bulk_links(base, result.lst),
        embedded=BulkEmbedded(records=[record_out(c, base) for c in result.records], errors=failed),
    )


def _failed_record(item: DeleteItem, base: str, list_id: int, description: str) -> FailedRecord:
    record_id = None if item.id is None else str(item.id)
    contact_id = parse_id(record_id) if record_id is not None else None
    return FailedRecord(
        id=record_id,
        phone_number=item.phone_number,
        external_provider=item.external_provider,
        external_id=item.external_id,
        description=description,
        links=(
            {"self": Link(record_href(base, list_id, contact_id))}
            if contact_id is not None
            else None
        ),
    )


def bulk_deleted(result: BulkDeleteResult, base: str, describe: Describe) -> BulkDeleted:
    failed = [
        _failed_record(
            item,
            base,
            result.lst.id,
            "No such record in this record list." if error is None else describe(error),
        )
        for item, error in result.failed
    ]
    return BulkDeleted(
        record_list_id=str(result.lst.id),
        has_errors=bool(failed),
        total_deleted=result.deleted,
        total_errors=len(failed),
        links=_bulk_links(base, result.lst),
        embedded=FailedRecords(failed_records=failed),
    )


def _entries_links(base: str, dncl: SuppressionListRead) -> Links:
    href = dncl_href(base, dncl.id)
    return {"self": Link(f"{href}/entries"), "do_not_call_list": Link(href)}


def entries_created(result: EntriesCreatedResult, base: str) -> EntriesCreated:
    return EntriesCreated(
        do_not_call_list_id=str(result.dncl.id),
        total_created=result.created,
        total_updated=result.updated,
        links=_entries_links(base, result.dncl),
        embedded=EntriesEmbedded(entries=[entry_out(e, base) for e in result.entries]),
    )


def entries_updated(
    dncl: SuppressionListRead, results: Sequence[EntryUpdateResult], base: str
) -> EntriesUpdated:
    entries = [
        UpdatedEntry(id=r.ref, do_not_call_list_id=str(dncl.id), errors=["ENTRY_NOT_FOUND"])
        if r.entry is None
        else updated_entry(r.entry, base, error=r.error, un_allowed_patch=r.refused)
        for r in results
    ]
    failed = sum(1 for e in entries if e.errors or e.un_allowed_patch is not None)
    return EntriesUpdated(
        do_not_call_list_id=str(dncl.id),
        has_errors=bool(failed),
        total_errors=failed,
        total_updated=len(entries) - failed,
        links=_entries_links(base, dncl),
        embedded=UpdatedEntriesEmbedded(entries=entries),
    )


def _failed_entry(item: EntryDeleteItem, base: str, list_id: int, description: str) -> FailedEntry:
    id = None if item.id is None else str(item.id)
    entry_id = parse_id(id) if id is not None else None
    return FailedEntry(
        id=id,
        phone_number=item.phone_number if id is None else None,
        description=description,
        links=(
            {"self": Link(entry_href(base, list_id, entry_id))} if entry_id is not None else None
        ),
    )


def entries_deleted(result: EntriesDeleteResult, base: str, describe: Describe) -> EntriesDeleted:
    failed = [
        _failed_entry(
            item,
            base,
            result.dncl.id,
            "No such entry in this do-not-call list." if error is None else describe(error),
        )
        for item, error in result.failed
    ]
    href = dncl_href(base, result.dncl.id)
    return EntriesDeleted(
        id=str(result.dncl.id),
        has_errors=bool(failed),
        total_deleted=result.deleted,
        total_errors=len(failed),
        links={
            "self": Link(f"{href}/entries"),
            "record_list": Link(href),  # so named by Talkdesk's schema
            "do_not_call_list": Link(href),
        },
        embedded=FailedEntries(failed_records=failed),
    )
