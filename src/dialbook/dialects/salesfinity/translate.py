"""Salesfinity wire <-> canonical, as pure functions (no I/O).

* Ids: Salesfinity ids are 24-hex Mongo ObjectId strings; ours are integers, shown as
  ``f"{id:024x}"`` and read back (anything else is no id of ours).
* Contacts: ``phone_numbers`` <-> ``phones``, ``external_relations`` <-> ``external_refs``,
  ``custom_fields`` ``[{type, label, value}]`` <-> ``{definition key: value}``.
* Lists: the owner (``user_id``) lives in the list's ``dialect_settings``.
* Errors: canonical field names (``phones[0].number``) <-> Salesfinity's
  (``phone_numbers[0].number``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import msgspec

from dialbook.contacts.schemas import Contact, ExternalRef, PhoneIn
from dialbook.dialects.salesfinity.schemas import (
    AddedContact,
    ContactIn,
    ContactOut,
    CreatedList,
    CsvListDetail,
    CsvListDetailPage,
    CsvListOut,
    CsvListsPage,
    CustomFieldOut,
    CustomFieldsOut,
    FieldMappingOut,
    FieldValue,
    ListOut,
    ListsPage,
    Pagination,
    PhoneNumberIn,
    PhoneNumberOut,
    TeamMemberOut,
    TeamOut,
    UserOut,
    WireFieldType,
    WirePhoneType,
)
from dialbook.errors import FieldError, invalid
from dialbook.fields.schemas import FieldRead
from dialbook.kit.validation import nul_errors
from dialbook.lists.schemas import ListRead
from dialbook.normalize.emails import EmailError, normalize_email
from dialbook.normalize.fields import FieldType
from dialbook.normalize.phones import is_region
from dialbook.workspaces.schemas import KeyRead, WorkspaceRead

PLATFORM = "salesfinity"
MAX_ID = 2**63 - 1
MAX_PRIORITY = 2_147_483_647
MAX_REFS = 20
# Lists made through this dialect: contacts wait for "reimport" before they are dialed, and
# Salesfinity documents no duplicate rule, so none is applied.
LIST_SETTINGS: dict[str, Any] = {
    "queue_mode": "on_publish",
    "duplicate_policy": {"key": "none", "scope": "list"},
}

_HEX_ID = re.compile(r"[0-9a-fA-F]{24}")
_DIAL_CODE = re.compile(r"\+?([0-9]{1,3})")
_WIRE_PHONE_TYPES: dict[str, WirePhoneType] = {
    "mobile": "mobile",
    "direct": "direct",
    "office": "office",
}


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=_HasId)


# -- ids and times ----------------------------------------------------------------------


def to_wire_id(value: int) -> str:
    return f"{value:024x}"


def from_wire_id(text: str) -> int | None:
    """Our id inside a 24-hex id, or None when ``text`` cannot be one of ours."""
    if not _HEX_ID.fullmatch(text):
        return None
    value = int(text, 16)
    return value if 0 < value <= MAX_ID else None


def wire_time(value: dt.datetime) -> str:
    """JavaScript's ``toISOString()``: UTC, milliseconds, ``Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# -- contacts in ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomValue:
    """One wire custom field: its position, the definition it needs, and its value."""

    index: int
    label: str
    type: FieldType
    value: Any


@dataclass(slots=True)
class Incoming:
    """A wire contact read into canonical ``given`` fields (custom fields still by label)."""

    given: dict[str, Any]
    custom: list[CustomValue] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    prefix: str = ""


def contact_in(wire: ContactIn, *, prefix: str = "") -> Incoming:
    """Read a wire contact; problems found without the database go to ``errors``, named as
    on the wire (with ``prefix``, e.g. ``contacts[3].``)."""
    result = Incoming(given={}, prefix=prefix)
    result.errors += nul_errors(msgspec.to_builtins(wire), prefix.rstrip("."))

    def fail(name: str, detail: str) -> None:
        result.errors.append(FieldError(prefix + name, detail))

    phones: list[PhoneIn] = []
    for index, item in enumerate(wire.phone_numbers):
        phone = phone_in(item, index, fail)
        if phone is not None:
            phones.append(phone)
    refs = external_refs_in(wire.external_relations, fail)
    result.given = {
        "first_name": wire.first_name,
        "last_name": wire.last_name,
        "email": _email_in(wire.email, result.warnings, prefix),
        "company": wire.company,
        "title": wire.title,
        "linkedin": wire.linkedin,
        "website": wire.website,
        "account": wire.account,
        "notes": wire.notes,
        "timezone": wire.timezone,
        "priority": _priority_in(wire.priority, fail),
        "phones": phones,
        "external_refs": refs,
    }
    for index, custom in enumerate(wire.custom_fields or ()):
        if not custom.label.strip():
            fail(f"custom_fields[{index}].label", "must not be blank")
        elif custom.value is not None:
            kind: FieldType = custom.type
            if custom.type == "string" and isinstance(custom.value, list):
                kind = "string_list"
            result.custom.append(CustomValue(index, custom.label.strip(), kind, custom.value))
    return result


def phone_in(wire: PhoneNumberIn, index: int, fail: Callable[[str, str], None]) -> PhoneIn | None:
    name = f"phone_numbers[{index}]"
    number = wire.number.strip()
    country: str | None = None
    code = (wire.country_code or "").strip()
    dial = _DIAL_CODE.fullmatch(code)
    if len(code) == 2 and code.isalpha():
        if not is_region(code):
            fail(f"{name}.country_code", "is not an ISO 3166-1 alpha-2 country code")
            return None
        country = code.upper()
    elif dial is not None:
        if not number.startswith(("+", "00")):
            number = f"+{dial.group(1)}{number}"
    elif code:
        fail(f"{name}.country_code", "must be an ISO 3166-1 alpha-2 code such as US")
        return None
    extension: str | None = None
    if wire.extension is not None and wire.extension.strip():
        extension = re.sub(r"[^0-9]", "", wire.extension)
        if not 1 <= len(extension) <= 10:
            fail(f"{name}.extension", "must hold 1 to 10 digits")
            return None
    return PhoneIn(number=number, type=wire.type, extension=extension, country=country)


def _email_in(raw: str | None, warnings: list[str], prefix: str) -> str | None:
    """Salesfinity takes any text up to 320 characters as an email; the canonical model keeps
    only addresses. Anything else is left out, and said so, rather than refusing the contact."""
    if raw is None or not raw.strip():
        return None
    try:
        normalize_email(raw)
    except EmailError as error:
        warnings.append(f"{prefix}email {raw!r} {error}; the contact was saved without it")
        return None
    return raw


def _priority_in(value: int | float | None, fail: Callable[[str, str], None]) -> int | None:
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            fail("priority", "must be a whole number")
            return None
        value = int(value)
    if not 0 <= value <= MAX_PRIORITY:
        fail("priority", f"must be between 0 and {MAX_PRIORITY}")
        return None
    return value


def external_refs_in(
    value: Mapping[str, object] | None, fail: Callable[[str, str], None]
) -> list[ExternalRef]:
    """``{"salesforce": "003..."}`` (or ``{"hubspot": {"id", "url", "sync"}}``, or a list of
    either under one provider) -> canonical references (provider, id, url, sync)."""
    refs: list[ExternalRef] = []
    for provider, item in (value or {}).items():
        name = f"external_relations.{provider}"
        if not provider.strip() or len(provider) > 100:
            fail(name, "must be named by 1 to 100 characters")
            continue
        entries = item if isinstance(item, list) else [item]
        for position, entry in enumerate(entries):
            where = f"{name}[{position}]" if isinstance(item, list) else name
            ref = _ref_in(provider, entry, where, fail)
            if ref is not None:
                refs.append(ref)
    if len(refs) > MAX_REFS:
        fail("external_relations", f"holds more than {MAX_REFS} references")
    return refs


def _ref_in(
    provider: str, entry: object, where: str, fail: Callable[[str, str], None]
) -> ExternalRef | None:
    if entry is None:
        return None
    url: object = None
    sync: object = False
    if isinstance(entry, dict):
        url, sync = entry.get("url"), entry.get("sync", False)
        entry = entry.get("id")
        where = f"{where}.id"
    if isinstance(entry, bool) or not isinstance(entry, str | int | float):
        fail(where, "must be an id (text or number) or an object {id, url, sync}")
        return None
    ref_id = str(entry).strip()
    if not 1 <= len(ref_id) <= 255:
        fail(where, "must be 1 to 255 characters")
        return None
    if url is not None and (not isinstance(url, str) or len(url) > 2000):
        fail(where.removesuffix(".id") + ".url", "must be text of at most 2000 characters")
        return None
    if not isinstance(sync, bool):
        fail(where.removesuffix(".id") + ".sync", "must be true or false")
        return None
    return ExternalRef(provider=provider, id=ref_id, url=url or None, sync=sync)


def given_for(
    incoming: Incoming, *, list_id: int, keys: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The canonical ``given`` fields for list ``list_id``, custom values keyed by their
    definitions' keys (``keys``: label -> key), and each key's wire position (for errors)."""
    values: dict[str, Any] = {}
    positions: dict[str, int] = {}
    for item in incoming.custom:
        key = keys[item.label]
        values[key] = item.value
        positions[key] = item.index
    given = {**incoming.given, "list_id": list_id}
    if values:
        given["custom_fields"] = values
    return given, positions


# -- contacts out -----------------------------------------------------------------------


def wire_phone_type(canonical: str) -> WirePhoneType:
    """Salesfinity knows mobile, direct and office; the canonical others read as direct."""
    return _WIRE_PHONE_TYPES.get(canonical, "direct")


def contact_out(contact: Contact, fields: Sequence[FieldRead]) -> ContactOut:
    return ContactOut(
        id=to_wire_id(contact.id),
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        company=contact.company,
        title=contact.title,
        phone_numbers=[
            PhoneNumberOut(
                type=wire_phone_type(p.type),
                number=p.number,
                country_code=p.country,
                extension=p.extension,
            )
            for p in contact.phones
        ],
        linkedin=contact.linkedin,
        website=contact.website,
        notes=contact.notes,
        account=contact.account,
        priority=contact.priority,
        timezone=contact.timezone,
        external_relations=external_relations_out(contact.external_refs),
        custom_fields=custom_fields_out(contact.custom_fields, fields),
        created_at=wire_time(contact.created_at),
        updated_at=wire_time(contact.updated_at),
    )


def external_relations_out(refs: Iterable[ExternalRef]) -> dict[str, object]:
    grouped: dict[str, list[object]] = {}
    for ref in refs:
        entry: object = ref.id
        if ref.url is not None or ref.sync:
            entry = {"id": ref.id, "url": ref.url, "sync": ref.sync}
        grouped.setdefault(ref.provider, []).append(entry)
    return {provider: v[0] if len(v) == 1 else v for provider, v in grouped.items()}


def wire_field_type(canonical: str) -> WireFieldType:
    """number and boolean as they are; string, date and string list are strings."""
    if canonical == "number":
        return "number"
    if canonical == "boolean":
        return "boolean"
    return "string"


def custom_fields_out(
    values: Mapping[str, Any], fields: Sequence[FieldRead]
) -> list[CustomFieldOut]:
    """In definition order (stable on every backend); keys without a definition last."""
    out = [
        CustomFieldOut(type=wire_field_type(f.type), label=f.label, value=values[f.key])
        for f in fields
        if f.key in values
    ]
    defined = {f.key for f in fields}
    for key in sorted(set(values) - defined):
        value = values[key]
        kind: WireFieldType = "string"
        if isinstance(value, bool):
            kind = "boolean"
        elif isinstance(value, int | float):
            kind = "number"
        out.append(CustomFieldOut(type=kind, label=key, value=_field_value(value)))
    return out


def _field_value(value: Any) -> FieldValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def copy_given(contact: Contact, *, list_id: int, defined: Collection[str]) -> dict[str, Any]:
    """A contact's canonical fields, to create its copy in another list (Merge Lists).

    Phones are given in E.164, and the zone only when it was given (an inferred zone is
    inferred again); custom values whose definition is gone are left behind.
    """
    return {
        "list_id": list_id,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": contact.full_name,
        "email": contact.email,
        "phones": [
            PhoneIn(number=p.number, type=p.type, extension=p.extension, country=p.country)
            for p in contact.phones
        ],
        "company": contact.company,
        "account": contact.account,
        "title": contact.title,
        "website": contact.website,
        "linkedin": contact.linkedin,
        "street": contact.street,
        "city": contact.city,
        "state": contact.state,
        "postal_code": contact.postal_code,
        "country": contact.country,
        "timezone": contact.timezone if contact.timezone_source == "given" else None,
        "priority": contact.priority,
        "dnc": contact.dnc,
        "dnd": dict(contact.dnd),
        "tags": list(contact.tags),
        "notes": contact.notes,
        "source": contact.source,
        "date_of_birth": contact.date_of_birth.isoformat() if contact.date_of_birth else None,
        "gender": contact.gender,
        "custom_fields": {k: v for k, v in contact.custom_fields.items() if k in defined},
        "external_refs": list(contact.external_refs),
    }


# -- lists, team, custom fields ---------------------------------------------------------


def list_settings(user_id: str) -> dict[str, Any]:
    """The list's ``dialect_settings``: Salesfinity's owner id, kept as given."""
    return {PLATFORM: {"user_id": user_id}}


def list_id_out(lst: ListRead) -> str:
    """The id Salesfinity code knows the list by: its Salesfinity alias, else ours."""
    return (lst.aliases or {}).get(PLATFORM) or to_wire_id(lst.id)


def team_id_out(workspace: WorkspaceRead) -> str:
    """The workspace is the team: its Salesfinity alias, else our id."""
    return (workspace.aliases or {}).get(PLATFORM) or to_wire_id(workspace.id)


def owner_of(lst: ListRead) -> str | None:
    mine = (lst.dialect_settings or {}).get(PLATFORM)
    owner = mine.get("user_id") if isinstance(mine, dict) else None
    return owner if isinstance(owner, str) else None


def list_out(lst: ListRead) -> ListOut:
    owner = owner_of(lst)
    user = None if owner is None else UserOut(id=owner, email=None, first_name=None, last_name=None)
    return ListOut(
        id=list_id_out(lst),
        name=lst.name,
        source="csv",
        user=user,
        total_contacts=lst.contact_count or 0,
        created_at=wire_time(lst.created_at),
        updated_at=wire_time(lst.updated_at),
    )


def created_list_out(lst: ListRead, warnings: list[str]) -> CreatedList:
    return CreatedList(**msgspec.structs.asdict(list_out(lst)), warnings=warnings)


def added_contact_out(
    contact: Contact, fields: Sequence[FieldRead], warnings: list[str]
) -> AddedContact:
    out = contact_out(contact, fields)
    return AddedContact(**msgspec.structs.asdict(out), warnings=warnings)


def lists_page_out(lists: Iterable[ListRead], *, total: int, page: int, limit: int) -> ListsPage:
    """A page of ``lists``, of ``total`` lists in all."""
    pages = pagination(total, page, limit)
    return ListsPage(
        data=[list_out(lst) for lst in lists], total=pages.total, page=pages.page, next=pages.next
    )


def csv_lists_page_out(
    lists: Iterable[ListRead], *, total: int, page: int, limit: int
) -> CsvListsPage:
    return CsvListsPage(
        data=[csv_list_out(lst) for lst in lists], pagination=pagination(total, page, limit)
    )


def list_detail_out(
    lst: ListRead,
    contacts: Iterable[Contact],
    fields: Sequence[FieldRead],
    *,
    total: int,
    page: int,
    limit: int,
) -> CsvListDetailPage:
    """``lst`` with a page of its contacts, of ``total`` in all."""
    return CsvListDetailPage(
        data=CsvListDetail(
            id=list_id_out(lst),
            name=lst.name,
            user=owner_of(lst),
            contacts=[contact_out(c, fields) for c in contacts],
        ),
        pagination=pagination(total, page, limit),
    )


def csv_list_out(lst: ListRead) -> CsvListOut:
    return CsvListOut(
        id=list_id_out(lst),
        name=lst.name,
        user=owner_of(lst),
        total_contacts=lst.contact_count or 0,
        created_at=wire_time(lst.created_at),
        updated_at=wire_time(lst.updated_at),
    )


def team_out(workspace: WorkspaceRead, keys: Iterable[KeyRead]) -> TeamOut:
    """The workspace is the team; each active API key is a member."""
    return TeamOut(
        id=team_id_out(workspace),
        name=workspace.name,
        users=[
            TeamMemberOut(
                user=UserOut(id=to_wire_id(k.id), email=None, first_name=k.name, last_name=None),
                status="active",
                license=None,
            )
            for k in keys
            if k.revoked_at is None
        ],
    )


def custom_fields_doc(workspace: WorkspaceRead, fields: Sequence[FieldRead]) -> CustomFieldsOut:
    """The workspace's definitions as one Salesfinity field-mapping record."""
    created = min((f.created_at for f in fields), default=workspace.created_at)
    updated = max((f.updated_at for f in fields), default=workspace.created_at)
    return CustomFieldsOut(
        id=to_wire_id(workspace.id),
        source="custom",
        team=team_id_out(workspace),
        user=None,
        fields=[
            FieldMappingOut(
                type="custom",
                field_type=wire_field_type(f.type),
                internal_name=f.key,
                external_key=f.key,
                external_name=f.label,
            )
            for f in fields
        ],
        lead_fields=[],
        created_at=wire_time(created),
        updated_at=wire_time(updated),
    )


# -- search, sort, pages ----------------------------------------------------------------

LIST_SORTS = ("_id", "name", "createdAt", "updatedAt", "total_contacts")
CONTACT_SORTS = (
    "_id",
    "first_name",
    "last_name",
    "email",
    "company",
    "title",
    "account",
    "priority",
    "timezone",
    "createdAt",
    "updatedAt",
)
_ATTRIBUTES = {
    "_id": "id",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "total_contacts": "contact_count",
}

SortOrder = list[tuple[str, bool]]  # (wire field, descending)


def parse_sort(spec: str | None, allowed: Sequence[str], default: str) -> SortOrder:
    """``"name,-updatedAt"`` -> [("name", False), ("updatedAt", True)]."""
    order: SortOrder = []
    for part in (spec or default).split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if not name:
            continue
        if name not in allowed:
            raise invalid("sort", f"cannot sort by {name!r}; use one of: {', '.join(allowed)}")
        order.append((name, descending))
    return order or parse_sort(default, allowed, default)


def is_insertion_order(order: SortOrder) -> bool:
    """True when ``order`` is the store's own (oldest first), so no full read is needed."""
    return len(order) == 1 and order[0] in (("_id", False), ("createdAt", False))


def sort_items(items: Iterable[T], order: SortOrder) -> list[T]:
    """Stable multi-key sort; missing values first ascending (MongoDB's order); ties keep
    id order, in the first key's direction."""
    result = list(items)
    if order:
        result.sort(key=lambda item: item.id, reverse=order[0][1])
    for name, descending in reversed(order):
        attribute = _ATTRIBUTES.get(name, name)
        result.sort(key=lambda item: _sort_key(getattr(item, attribute)), reverse=descending)
    return result


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)


def page_window(page: int, limit: int) -> tuple[int, int]:
    start = (page - 1) * limit
    return start, start + limit


def pagination(total: int, page: int, limit: int) -> Pagination:
    return Pagination(total=total, page=page, next=page + 1 if page * limit < total else None)


def matches_search(lst: ListRead, search: str | None) -> bool:
    return not search or search.strip().lower() in lst.name.lower()


# -- errors -----------------------------------------------------------------------------

_PHONE_PATH = re.compile(r"^phones(?P<index>\[\d+\])?(?:\.(?P<attr>\w+))?$")
_DUPLICATE_KEYS = {"phone": "phone_numbers", "email": "email", "external_id": "external_relations"}


def wire_field(name: str, custom_positions: Mapping[str, int] | None = None) -> str:
    """A canonical field name as Salesfinity calls it."""
    if name in _DUPLICATE_KEYS:
        return _DUPLICATE_KEYS[name]
    phone = _PHONE_PATH.match(name)
    if phone is not None:
        attr = {"country": "country_code"}.get(phone["attr"] or "", phone["attr"])
        return "phone_numbers" + (phone["index"] or "") + (f".{attr}" if attr else "")
    if name == "external_refs" or name.startswith(("external_refs.", "external_refs[")):
        return "external_relations"
    if name.startswith("custom_fields."):
        key = name.removeprefix("custom_fields.")
        if custom_positions and key in custom_positions:
            return f"custom_fields[{custom_positions[key]}].value"
        return name
    if name == "list_id":
        return "id"
    return name


def wire_path(name: str, *, prefix: str = "", custom_positions: Mapping[str, int]) -> str:
    """A canonical field path inside the request item at ``prefix`` (``contacts[3].``)."""
    return prefix + wire_field(name, custom_positions)


def wire_errors(
    fields: Iterable[FieldError], *, prefix: str = "", custom_positions: Mapping[str, int]
) -> list[FieldError]:
    return [
        FieldError(wire_path(f.name, prefix=prefix, custom_positions=custom_positions), f.detail)
        for f in fields
    ]
