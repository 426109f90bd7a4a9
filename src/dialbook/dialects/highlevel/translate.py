"""Pure translation between HighLevel's wire format and the canonical model.

Nothing here touches the database or the clock. Reading goes wire Struct (decoded by the
router's BodyPolicy) ->
canonical "given" fields (checked against ``ContactCreate`` / ``ContactUpdate``); writing
goes canonical ``Contact`` -> ``ContactOut``. Bad input raises ``InvalidInput`` whose
field errors carry finished HighLevel messages (name ``""``) or canonical names that
``wire_name`` turns into HighLevel's.

Mapping decisions (see docs/dialects/highlevel.md):

* ``phone`` is the contact's first phone. Setting it replaces that phone and keeps any
  others (added through /v1); ``null`` or ``""`` removes it.
* ``dnd`` is the canonical ``dnc`` flag (never dialed on any channel) and nothing else;
  ``dndSettings`` are the per-channel ``dnd`` statuses (Call, Email, SMS, WhatsApp, GMB, FB).
* ``customFields`` name definitions by ``id`` (the definition id), else by ``key``
  (``contact.`` prefix optional); values come from ``field_value``, ``fieldValue`` or
  ``value`` and are returned as ``{id, value}`` with ``value`` a string, as the spec says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from msgspec import UNSET

from dialbook.contacts.schemas import Contact, ContactCreate, ContactUpdate, Phone
from dialbook.dialects.highlevel import schemas as wire
from dialbook.errors import FieldError, InvalidInput
from dialbook.fields.schemas import FieldCreate, FieldRead
from dialbook.lists.schemas import ListRead
from dialbook.normalize.fields import FieldType, key_from_label
from dialbook.workspaces.schemas import WorkspaceRead

S = TypeVar("S", bound=msgspec.Struct)

PLATFORM = "highlevel"
FIELD_KEY_PREFIX = "contact."
MAX_LOCATION_TAGS = 10_000

# HighLevel wire name -> canonical name, for the plain text fields.
_TEXT_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "name": "full_name",
    "email": "email",
    "address1": "street",
    "city": "city",
    "state": "state",
    "postalCode": "postal_code",
    "website": "website",
    "timezone": "timezone",
    "source": "source",
    "country": "country",
    "companyName": "company",
    "gender": "gender",
}
# Canonical name -> HighLevel name, for error messages.
_WIRE_NAMES = {canonical: name for name, canonical in _TEXT_FIELDS.items()} | {
    "phones": "phone",
    "phone": "number",  # the duplicate search's query parameter
    "date_of_birth": "dateOfBirth",
    "dnc": "dnd",
    "dnd": "dndSettings",
    "tags": "tags",
    "custom_fields": "customFields",
    "list_id": "locationId",
    "cursor": "startAfterId",
}

# DND channels: HighLevel's keys (any case) -> canonical channel, and back per API version.
_CHANNELS = {"call": "call", "email": "email", "sms": "sms", "whatsapp": "whatsapp"}
_CHANNELS |= {"gmb": "gmb", "fb": "fb"}
_V2_KEYS = {"call": "Call", "email": "Email", "sms": "SMS", "whatsapp": "WhatsApp"}
_V2_KEYS |= {"gmb": "GMB", "fb": "FB"}
_V3_KEYS = {"call": "call", "email": "email", "sms": "sms", "whatsapp": "whatsApp"}
_V3_KEYS |= {"gmb": "gmb", "fb": "fb"}

# Custom field data types: HighLevel -> canonical. File, signature and text-box-list fields
# hold documents, which the canonical model does not store.
_TYPES_IN: dict[str, FieldType] = {
    "TEXT": "string",
    "LARGE_TEXT": "string",
    "PHONE": "string",
    "EMAIL": "string",
    "TIME": "string",
    "SINGLE_OPTIONS": "string",
    "RADIO": "string",
    "NUMERICAL": "number",
    "MONETORY": "number",
    "FLOAT": "number",
    "DATE": "date",
    "CHECKBOX": "string_list",
    "MULTIPLE_OPTIONS": "string_list",
}
_CHOICE_TYPES = frozenset({"SINGLE_OPTIONS", "RADIO", "CHECKBOX", "MULTIPLE_OPTIONS"})
_UNSUPPORTED_TYPES = frozenset({"FILE_UPLOAD", "SIGNATURE", "TEXTBOX_LIST"})
BOOLEAN_OPTIONS = ["true", "false"]


# --- errors ------------------------------------------------------------------------------


def problems(messages: Iterable[str]) -> InvalidInput:
    """A 422 carrying finished HighLevel messages."""
    return InvalidInput(fields=[FieldError("", message) for message in messages])


def wire_name(name: str) -> str:
    """A canonical field path in HighLevel's words: ``phones[0].number`` -> ``phone``,
    ``custom_fields.industry`` -> ``customFields.industry``, ``dnd.call`` ->
    ``dndSettings.Call``."""
    match = re.match(r"^([A-Za-z_]+)(.*)$", name, re.DOTALL)
    if match is None:
        return name
    head, rest = match.group(1), match.group(2)
    if head == "phones":
        return "phone"
    if head == "dnd" and rest.startswith("."):
        channel = rest[1:]
        return f"dndSettings.{_V2_KEYS.get(channel, channel)}"
    return _WIRE_NAMES.get(head, head) + rest


_AT = re.compile(r"^(?P<detail>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_PHRASES: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]]] = [
    (
        re.compile(r"Expected `str[^`]*` of length <= (\d+)"),
        lambda m, _: f"must be shorter than or equal to {m[1]} characters",
    ),
    (
        re.compile(r"Expected `str[^`]*` of length >= (\d+)"),
        lambda m, _: f"must be longer than or equal to {m[1]} characters",
    ),
    (
        re.compile(r"Expected `array[^`]*` of length <= (\d+)"),
        lambda m, _: f"must contain no more than {m[1]} elements",
    ),
    (
        re.compile(r"Expected `array[^`]*` of length >= (\d+)"),
        lambda m, _: f"must contain at least {m[1]} elements",
    ),
    (re.compile(r"Expected `\w+[^`]*` <= (\S+)"), lambda m, _: f"must not be greater than {m[1]}"),
    (re.compile(r"Expected `\w+[^`]*` >= (\S+)"), lambda m, _: f"must not be less than {m[1]}"),
    (
        re.compile(r"Expected `str[^`]*` matching regex"),
        lambda _, path: (
            "must be a valid ISO 3166-1 alpha-2 country code"
            if path.endswith("country")
            else "has an invalid format"
        ),
    ),
    (re.compile(r"Expected `str"), lambda *_: "must be a string"),
    (re.compile(r"Expected `bool"), lambda *_: "must be a boolean value"),
    (re.compile(r"Expected `int"), lambda *_: "must be an integer number"),
    (re.compile(r"Expected `(float|number)"), lambda *_: "must be a number"),
    (re.compile(r"Expected `array"), lambda *_: "must be an array"),
    (re.compile(r"Expected `object"), lambda *_: "must be an object"),
    (
        re.compile(r"Invalid enum value '(.*)'"),
        lambda m, _: f"must be an allowed value, not {m[1]!r}",
    ),
]


def describe(message: str, name_of: Callable[[str], str] = lambda name: name) -> str:
    """A msgspec validation message as a class-validator style line HighLevel would send:
    "Expected `str` of length <= 200 - at `$.first_name`" -> "firstName must be shorter than
    or equal to 200 characters"."""
    match = _AT.match(message)
    assert match is not None
    detail, path = match.group("detail"), (match.group("path") or "").lstrip(".")
    named = re.match(r"^Object (missing required|contains unknown) field `([^`]+)`", detail)
    if named:
        name = name_of(f"{path}.{named[2]}" if path else named[2])
        if named[1] == "missing required":
            return f"{name} should not be empty"
        return f"property {name} should not exist"
    name = name_of(path) if path else "body"
    for pattern, phrase in _PHRASES:
        found = pattern.match(detail)
        if found:
            return f"{name} {phrase(found, path)}"
    return f"{name} {detail}"


@dataclass(frozen=True, slots=True)
class LocationView:
    """What translation needs to know about the location (= the workspace)."""

    ref: str  # the locationId answered with: the workspace's highlevel alias, else its id
    field_ids: Mapping[str, str]  # custom field key -> definition id (as a string)
    field_keys: Mapping[str, str]  # definition id -> key
    allows_duplicates: bool  # the default list's duplicate policy key is "none"
    fields_loaded: bool = True  # False: the definitions were not needed (yet)


def location_ref(workspace: WorkspaceRead) -> str:
    return (workspace.aliases or {}).get(PLATFORM) or str(workspace.id)


def location_view(
    workspace: WorkspaceRead, default_list: ListRead, fields: Iterable[FieldRead] | None
) -> LocationView:
    """``fields`` None: custom field definitions not loaded (nothing needs them)."""
    view = LocationView(
        ref=location_ref(workspace),
        field_ids={},
        field_keys={},
        allows_duplicates=default_list.duplicate_policy.key == "none",
        fields_loaded=False,
    )
    return view if fields is None else with_fields(view, fields)


def with_fields(loc: LocationView, fields: Iterable[FieldRead]) -> LocationView:
    ids = {f.key: str(f.id) for f in fields}
    return dataclasses.replace(
        loc, field_ids=ids, field_keys={v: k for k, v in ids.items()}, fields_loaded=True
    )


def create_given(data: wire.ContactCreateIn, loc: LocationView) -> dict[str, Any]:
    """Canonical fields for a create: every field, defaults for what was not sent."""
    given = _given(data, loc)
    if "dnd" in given:  # a null channel means "not set", which on a new contact is nothing
        given["dnd"] = {k: v for k, v in given["dnd"].items() if v is not None}
    return _checked(given, ContactCreate)


def update_given(data: wire.ContactFieldsIn, loc: LocationView) -> dict[str, Any]:
    """Canonical fields for an update or upsert: only what was sent (null clears)."""
    return _checked(_given(data, loc), ContactUpdate)


def _checked(given: dict[str, Any], type_: type[ContactCreate | ContactUpdate]) -> dict[str, Any]:
    """Hold ``given`` to the canonical limits (lengths, counts, formats)."""
    try:
        data = msgspec.convert(given, type_)
    except msgspec.ValidationError as error:
        raise problems([describe(str(error), wire_name)]) from None
    return {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not UNSET
    }


def _given(data: wire.ContactFieldsIn, loc: LocationView) -> dict[str, Any]:
    given: dict[str, Any] = {}
    errors: list[str] = []
    for name, canonical in _TEXT_FIELDS.items():
        value = getattr(data, name, UNSET)
        if value is not UNSET:
            given[canonical] = value
    if data.phone is not UNSET:
        given["phones"] = [data.phone] if data.phone and data.phone.strip() else []
    if data.dateOfBirth is not UNSET:
        given["date_of_birth"] = _date_of_birth(data.dateOfBirth)
    if data.dnd is not UNSET:
        given["dnc"] = bool(data.dnd)
    if data.dndSettings is not UNSET:
        given["dnd"] = _dnd(data.dndSettings)
    if data.tags is not UNSET:
        given["tags"] = list(data.tags or [])
    if data.customFields is not UNSET:
        given["custom_fields"] = _custom_fields(data.customFields or [], loc, errors)
    if errors:
        raise problems(errors)
    return given


def _date_of_birth(value: str | None) -> str | None:
    """HighLevel's formats, plus the ``YYYY_MM_DD`` / ``MM_DD_YYYY`` its spec also lists."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{1,4}_\d{1,2}_\d{1,4}", text):
        text = text.replace("_", "-")
    return text


def _dnd(settings: wire.DndSettingsIn | None) -> dict[str, Any]:
    dnd: dict[str, Any] = {}
    for key in wire.DndSettingsIn.__struct_fields__ if settings is not None else ():
        setting = getattr(settings, key)
        if setting is not UNSET:
            dnd[_CHANNELS[key.lower()]] = None if setting is None else setting.status
    return dnd


def _custom_fields(
    items: Sequence[wire.CustomFieldIn], loc: LocationView, errors: list[str]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, item in enumerate(items):
        key = _field_key(item, loc)
        if key is None:
            errors.append(
                f"customFields.{index} names no custom field of this location "
                f"(id {item.id!r}, key {item.key!r})"
            )
            continue
        present = [v for v in (item.field_value, item.fieldValue, item.value) if v is not UNSET]
        if not present:
            errors.append(f"customFields.{index}.field_value should not be empty")
            continue
        values[key] = present[0]
    return values


def _field_key(item: wire.CustomFieldIn, loc: LocationView) -> str | None:
    if item.id is not None and item.id in loc.field_keys:
        return loc.field_keys[item.id]
    if item.key is not None:
        key = item.key.strip().removeprefix(FIELD_KEY_PREFIX)
        if key in loc.field_ids:
            return key
    return None


def primary_phones(given: Sequence[Any], current: Sequence[Phone]) -> list[Any] | None:
    """The phones after HighLevel sets its single ``phone`` to ``given[0]`` (or clears it
    when ``given`` is empty): that number first, the contact's other phones after it.
    None when the contact's first phone already is that number."""
    if not given:
        return list(current[1:]) if current else None
    raw = given[0]
    if current and isinstance(raw, str) and raw.strip() in (current[0].number, current[0].raw):
        return None
    return [raw, *current[1:]]


def contact_id(raw: str) -> int | None:
    """Our id from a HighLevel contactId; None when it cannot be one of ours."""
    if re.fullmatch(r"[1-9][0-9]{0,17}", raw) is None:
        return None
    return int(raw)


def start_after_id(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    found = contact_id(raw.strip())
    if found is None:
        raise problems([f"startAfterId {raw!r} is not a contact id returned by this server"])
    return found


# --- writing responses -------------------------------------------------------------------


def timestamp(value: dt.datetime) -> str:
    """``2024-06-15T10:00:00.000Z``."""
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")[:-6] + "Z"  # "+00:00"


def epoch_ms(value: dt.datetime) -> int:
    return int(value.timestamp() * 1000)


def contact_out(
    contact: Contact, loc: LocationView, *, v3: bool = False, iso_dob: bool = False
) -> wire.ContactOut:
    """``iso_dob``: dateOfBirth as ``1990-09-25T00:00:00.000Z`` (what create answers)
    instead of ``1990-09-25`` (what get answers)."""
    keys = _V3_KEYS if v3 else _V2_KEYS
    dnd = {
        keys[channel]: wire.DndSettingOut(status=status)
        for channel, status in contact.dnd.items()
        if channel in keys
    }
    birth = contact.date_of_birth
    return wire.ContactOut(
        id=str(contact.id),
        locationId=loc.ref,
        firstName=contact.first_name,
        firstNameLowerCase=_lower(contact.first_name),
        lastName=contact.last_name,
        lastNameLowerCase=_lower(contact.last_name),
        name=contact.full_name,
        fullNameLowerCase=_lower(contact.full_name),
        email=contact.email,
        emailLowerCase=_lower(contact.email),
        phone=contact.phones[0].number if contact.phones else None,
        companyName=contact.company,
        address1=contact.street,
        city=contact.city,
        state=contact.state,
        postalCode=contact.postal_code,
        country=contact.country,
        website=contact.website,
        timezone=contact.timezone,
        source=contact.source,
        gender=contact.gender,
        dateOfBirth=None
        if birth is None
        else birth.isoformat() + ("T00:00:00.000Z" if iso_dob else ""),
        dnd=contact.dnc,
        dndSettings=dnd or None,
        tags=list(contact.tags),
        customFields=[
            wire.CustomFieldValueOut(id=loc.field_ids[key], value=field_text(value))
            for key, value in contact.custom_fields.items()
            if key in loc.field_ids
        ],
        type="lead",
        deleted=False,
        dateAdded=timestamp(contact.created_at),
        dateUpdated=timestamp(contact.updated_at),
    )


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def field_text(value: Any) -> str:
    """A stored custom field value as the string the spec's ``CustomFieldSchema`` holds;
    several choices are joined with ", "."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(field_text(item) for item in value)
    if value is None:
        return ""
    return str(value)


def list_body(
    contacts: Sequence[Contact],
    loc: LocationView,
    *,
    total: int,
    more: bool,
    next_url: Callable[[dict[str, str]], str],
    limit: int,
    v3: bool,
) -> wire.ContactListBody:
    meta = wire.ListMeta(total=total)
    if contacts:
        last = contacts[-1]
        meta.startAfterId = str(last.id)
        meta.startAfter = epoch_ms(last.created_at)
        if more:
            meta.nextPageUrl = next_url(
                {
                    "locationId": loc.ref,
                    "startAfter": str(meta.startAfter),
                    "startAfterId": meta.startAfterId,
                    "limit": str(limit),
                }
            )
    return wire.ContactListBody(
        contacts=[contact_out(c, loc, v3=v3) for c in contacts], count=len(contacts), meta=meta
    )


def url_with(base: str, params: Mapping[str, str]) -> str:
    return f"{base}?{urllib.parse.urlencode(params)}"


# --- custom fields and location tags -----------------------------------------------------


def field_create(data: wire.CustomFieldCreateIn) -> FieldCreate:
    """A canonical definition for HighLevel's ``POST /locations/{id}/customFields``."""
    errors: list[str] = []
    data_type = data.dataType.strip().upper()
    if data.model != "contact":
        errors.append("model opportunity is not supported: only contact fields are stored")
    if data_type in _UNSUPPORTED_TYPES:
        errors.append(f"dataType {data_type} is not supported: its values are documents")
    elif data_type not in _TYPES_IN:
        errors.append("dataType must be one of " + ", ".join(sorted(_TYPES_IN)))
    if errors:
        raise problems(errors)
    key = (
        data.fieldKey.strip().removeprefix(FIELD_KEY_PREFIX)
        if data.fieldKey
        else key_from_label(data.name)
    )
    options = data.options if data_type in _CHOICE_TYPES and data.options else None
    fields = {"key": key, "label": data.name.strip() or key, "type": _TYPES_IN[data_type]}
    try:
        return msgspec.convert({**fields, "options": options}, FieldCreate)
    except msgspec.ValidationError as error:
        names = {"key": "fieldKey", "label": "name"}
        raise problems([describe(str(error), lambda n: names.get(n, n))]) from None


def field_data_type(field: FieldRead) -> str:
    match field.type:
        case "string":
            return "SINGLE_OPTIONS" if field.options else "TEXT"
        case "number":
            return "NUMERICAL"
        case "boolean":
            return "RADIO"
        case "date":
            return "DATE"
        case _:
            return "MULTIPLE_OPTIONS"


def field_out(field: FieldRead, loc: LocationView) -> wire.CustomFieldOut:
    options = BOOLEAN_OPTIONS if field.type == "boolean" else field.options
    return wire.CustomFieldOut(
        id=str(field.id),
        name=field.label,
        fieldKey=FIELD_KEY_PREFIX + field.key,
        dataType=field_data_type(field),
        locationId=loc.ref,
        model="contact",
        position=0,
        picklistOptions=list(options) if options else None,
    )


def tag_id(name: str) -> str:
    """A stable 20-character id for a location tag (tags have no row of their own)."""
    return hashlib.blake2b(name.encode(), digest_size=10).hexdigest()


def registered_tags(settings: Mapping[str, Any] | None) -> list[str]:
    """Tags created through ``POST /locations/{id}/tags`` (kept in the default list's
    dialect settings under "highlevel")."""
    mine = (settings or {}).get(PLATFORM) or {}
    tags = mine.get("tags") if isinstance(mine, dict) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def with_registered_tag(settings: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
    """``settings`` with ``name`` registered; None when it already is."""
    tags = registered_tags(settings)
    if name in tags:
        return None
    if len(tags) >= MAX_LOCATION_TAGS:
        raise problems([f"name: a location keeps at most {MAX_LOCATION_TAGS} created tags"])
    current = dict(settings or {})
    mine = current.get(PLATFORM)
    current[PLATFORM] = {**(mine if isinstance(mine, dict) else {}), "tags": [*tags, name]}
    return current


def tag_name(data: wire.TagCreateIn) -> str:
    name = data.name.strip()
    if not name:
        raise problems(["name should not be empty"])
    return name


def location_tags(names: Iterable[str], loc: LocationView) -> list[wire.LocationTagOut]:
    return [
        wire.LocationTagOut(id=tag_id(name), name=name, locationId=loc.ref)
        for name in sorted(set(names))
    ]
