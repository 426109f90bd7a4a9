"""Nedzo <-> canonical: pure functions, no I/O.

Ids: Nedzo's ids are UUIDs; a canonical integer id ``n`` is shown as ``UUID(int=n)``
(``00000000-0000-0000-0000-00000000002a`` for 42) and read back from it. A list may also be
named by the alias a user gave it for Nedzo (``aliases["nedzo"]``), and is then shown by it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import UNSET, UnsetType

from dialbook.contacts.schemas import Contact as CanonicalContact
from dialbook.dialects.nedzo import schemas as wire
from dialbook.dialects.nedzo.errors import BadRequest
from dialbook.errors import FieldError, InvalidInput
from dialbook.fields.schemas import FieldRead
from dialbook.lists.schemas import ListRead
from dialbook.normalize.countries import country_code as country_code_of
from dialbook.workspaces.schemas import WorkspaceRead

PLATFORM = "nedzo"
MAX_ID = 2**63 - 1

# Canonical dialing status -> Nedzo's. Only "Waiting" is documented (the seed's example);
# "Finished" echoes the legacy API's "Mark as Finished" action; the rest are our choice.
STATUS = {
    "held": "Waiting",
    "queued": "Waiting",
    "retry": "Waiting",
    "leased": "In Progress",
    "completed": "Finished",
    "exhausted": "Finished",
    "dnc": "DNC",
}


# -- ids ----------------------------------------------------------------------------------


def to_uuid(id: int) -> str:
    return str(uuid.UUID(int=id))


def parse_uuid(ref: str | int) -> str | None:
    """``ref`` in the canonical UUID spelling (lower case, hyphens), or None."""
    try:
        return str(uuid.UUID(str(ref).strip()))
    except ValueError:
        return None


def from_uuid(ref: str | int) -> int | None:
    """The canonical id a UUID of ours stands for; None for any other text."""
    spelled = parse_uuid(ref)
    if spelled is None:
        return None
    value = uuid.UUID(spelled).int
    return value if 0 < value <= MAX_ID else None


def list_ref(*, id: int, aliases: Mapping[str, str] | None, is_default: bool) -> str | None:
    """How a list is shown: None for the workspace's default list (no list), its Nedzo alias
    when it has one, else the UUID of its id."""
    if is_default:
        return None
    alias = (aliases or {}).get(PLATFORM)
    return alias if alias else to_uuid(id)


def field_wire_ids(definitions: Iterable[FieldRead]) -> dict[str, str]:
    """Custom field key -> the ``custom_field_id`` Nedzo clients know it by: the UUID it was
    created for (its label) or, for other definitions, the UUID of its id."""
    return {d.key: parse_uuid(d.label) or to_uuid(d.id) for d in definitions}


# -- values -------------------------------------------------------------------------------


def country_code(raw: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code for Nedzo's free-text country; ValueError when unknown."""
    if raw is None or not raw.strip():
        return None
    code = country_code_of(raw)
    if code is None:
        raise ValueError(
            f"{raw!r} is not a country we know; use an ISO 3166-1 alpha-2 code such as US"
        )
    return code


def as_text(value: Any) -> str:
    """A custom field value as Nedzo returns it: always a string (250 -> "250")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    utc = value.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _phones(phone: str | None) -> list[str]:
    return [phone] if phone and phone.strip() else []


# -- legacy (the seed): /v1/contact/ ------------------------------------------------------

_LEGACY_TEXT = {
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "full_name",
    "business_name": "company",
    "full_address": "street",
    "street_address": "street",  # update only; wins over full_address
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
    "job_title": "title",
}


def legacy_given(
    body: wire.LegacyContactIn | wire.LegacyContactPatch,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Canonical fields for the members ``body`` sets (list and custom fields excepted), and
    the problems found here (reported together with the canonical service's)."""
    given: dict[str, Any] = {}
    for member, canonical in _LEGACY_TEXT.items():
        value = getattr(body, member, UNSET)
        if not isinstance(value, UnsetType):
            if member == "full_address" and isinstance(getattr(body, "street_address", UNSET), str):
                continue
            given[canonical] = value
    errors: list[FieldError] = []
    if not isinstance(body.email, UnsetType):
        if body.email is None or not body.email.strip():
            errors.append(FieldError("email", "is required and cannot be cleared"))
        given["email"] = body.email
    if not isinstance(body.phone, UnsetType):
        given["phones"] = _phones(body.phone)
    if not isinstance(body.dnc, UnsetType):
        given["dnc"] = bool(body.dnc)
    if not isinstance(body.country, UnsetType):
        try:
            given["country"] = country_code(body.country)
        except ValueError as error:
            errors.append(FieldError("country", str(error)))
    return given, errors


def legacy_out(
    contact: CanonicalContact, *, list_ref: str | None, field_ids: Mapping[str, str]
) -> wire.LegacyContact:
    return wire.LegacyContact(
        contact_list_id=list_ref,
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        full_name=contact.full_name,
        business_name=contact.company,
        full_address=contact.street,
        city=contact.city,
        country=contact.country,
        state=contact.state,
        postal_code=contact.postal_code,
        phone=contact.phones[0].number if contact.phones else None,
        job_title=contact.title,
        dnc=contact.dnc,
        custom_fields=[
            wire.CustomFieldValueOut(custom_field_id=field_ids[key], value=as_text(value))
            for key, value in contact.custom_fields.items()
            if key in field_ids
        ],
        id=to_uuid(contact.id),
        subaccount_id=to_uuid(contact.workspace_id),
        last_dial_time=timestamp(contact.last_dial_at),
        most_recent_outcome=contact.last_outcome,
        status=STATUS.get(contact.status, "Waiting"),
    )


def legacy_contact(
    contact: CanonicalContact, *, lst: ListRead, fields: Iterable[FieldRead]
) -> wire.LegacyContact:
    """``contact`` as the seed's API shows it, in ``lst``; ``fields``: the workspace's
    definitions (only those of the contact's custom fields are used)."""
    ref = list_ref(id=lst.id, aliases=lst.aliases, is_default=lst.is_default)
    return legacy_out(contact, list_ref=ref, field_ids=field_wire_ids(fields))


def contact_envelope(
    contact: CanonicalContact, *, lst: ListRead, fields: Iterable[FieldRead], created: bool
) -> wire.LegacyContactEnvelope:
    status = 201 if created else 200
    message = "Contact created successfully" if created else "Contact updated successfully"
    data = wire.LegacyContactData(contact=legacy_contact(contact, lst=lst, fields=fields))
    return wire.LegacyContactEnvelope(status_code=status, message=message, data=data)


def contact_list_envelope(
    lst: ListRead, *, moved: Iterable[CanonicalContact], fields: list[FieldRead]
) -> wire.ContactListEnvelope:
    """A list the seed's API changed, with the contacts moved into it."""
    contact_list = wire.ContactList(
        name=lst.name,
        campaign_id=campaign_of(lst.dialect_settings),
        id=list_ref(id=lst.id, aliases=lst.aliases, is_default=False) or "",
        subaccount_id=to_uuid(lst.workspace_id),
        contacts=[legacy_contact(c, lst=lst, fields=fields) for c in moved],
    )
    return wire.ContactListEnvelope(
        status_code=200,
        message="Contact list updated successfully",
        data=wire.ContactListData(contact_list=contact_list),
    )


def with_campaign(settings: Mapping[str, Any] | None, campaign_id: str | None) -> dict[str, Any]:
    """A list's dialect settings with Nedzo's campaign id set (or cleared)."""
    nedzo = {**dict((settings or {}).get(PLATFORM) or {}), "campaign_id": campaign_id}
    return {**dict(settings or {}), PLATFORM: nedzo}


def campaign_of(settings: Mapping[str, Any] | None) -> str | None:
    value = ((settings or {}).get(PLATFORM) or {}).get("campaign_id")
    return value if isinstance(value, str) else None


# -- current: /v1/contacts ----------------------------------------------------------------


def current_given(body: wire.ContactIn | wire.ContactPatch) -> dict[str, Any]:
    """Canonical fields for the members ``body`` sets (custom fields excepted).

    An invalid time zone is a 400, as Nedzo documents.
    """
    given: dict[str, Any] = {}
    for member in ("first_name", "last_name", "email"):
        value = getattr(body, member)
        if not isinstance(value, UnsetType):
            given[member] = value
    if not isinstance(body.phone, UnsetType):
        given["phones"] = _phones(body.phone)
    if not isinstance(body.tags, UnsetType):
        given["tags"] = body.tags or []
    if not isinstance(body.timezone, UnsetType):
        given["timezone"] = body.timezone  # read (or ignored) like any contact's zone
    return given


def field_names(definitions: Iterable[FieldRead]) -> dict[str, str]:
    """What a ``customFields`` name may be -> the definition key: its display name (any
    case) or its key."""
    names: dict[str, str] = {}
    for d in definitions:
        names.setdefault(d.key, d.key)
    for d in definitions:
        names[d.label.strip().casefold()] = d.key
    return names


def custom_by_name(raw: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """``customFields`` (display name -> value) as canonical custom fields (key -> value).

    Unknown names are a 400; values must be a string, number, boolean or null.
    """
    keys = {name: names.get(name) or names.get(name.strip().casefold()) for name in raw}
    unknown = [
        FieldError(f"customFields.{name}", "is not a custom field of this workspace")
        for name, key in keys.items()
        if key is None
    ]
    if unknown:
        raise BadRequest(fields=unknown)
    bad = [
        FieldError(f"customFields.{name}", "must be a string, a number, a boolean or null")
        for name, value in raw.items()
        if value is not None and not isinstance(value, str | int | float | bool)
    ]
    if bad:
        raise InvalidInput(fields=bad)
    return {key: raw[name] for name, key in keys.items() if key is not None}


def current_out(contact: CanonicalContact, *, labels: Mapping[str, str]) -> wire.Contact:
    """``labels``: custom field key -> display name."""
    return wire.Contact(
        id=to_uuid(contact.id),
        workspace_id=to_uuid(contact.workspace_id),
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        phone=contact.phones[0].number if contact.phones else None,
        timezone=contact.timezone,
        tags=sorted(contact.tags),
        custom_fields={
            labels.get(key, key): as_text(value) for key, value in contact.custom_fields.items()
        },
        created_at=timestamp(contact.created_at) or "",
        updated_at=timestamp(contact.updated_at) or "",
    )


def workspace_out(workspace: WorkspaceRead) -> wire.Workspace:
    return wire.Workspace(id=to_uuid(workspace.id), name=workspace.name)
