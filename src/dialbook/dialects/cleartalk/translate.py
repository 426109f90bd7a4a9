"""ClearTalk <-> canonical: pure functions, no I/O.

``contact_in`` / ``item_in`` turn a request into canonical "given" fields plus the free-form
``customField`` object (display label -> value); the service maps each label to a workspace
custom field (created on first use). ``contact_out`` renders a stored contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from msgspec import UNSET, UnsetType

from dialbook.contacts.schemas import Contact
from dialbook.dialects.cleartalk.schemas import BulkIn, BulkItem, BulkOut, ContactIn, ContactOut
from dialbook.errors import FieldError, InvalidInput
from dialbook.normalize.fields import FieldType

# ClearTalk's disposition (bulk items) is kept in the workspace custom field of this key:
# the canonical dialing outcome (last_outcome) is written only by the dial queue.
DISPOSITION = "disposition"
MAX_LABEL = 200

_REQUIRED = (
    ("list_name", "listName"),
    ("tag", "tag"),
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("email", "email"),
    ("phone", "phone"),
    ("date_of_birth", "dateOfBirth"),
    ("contact_source", "contactSource"),
    ("clear_talk_notes", "clearTalkNotes"),
    ("custom_field", "customField"),
)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A contact as ClearTalk sent it, in canonical terms."""

    given: dict[str, Any]  # canonical fields, without list_id and custom_fields
    custom: dict[str, Any]  # customField: display label -> value (nulls dropped)
    disposition: str | None = None


@dataclass(frozen=True, slots=True)
class BulkHead:
    list_name: str
    tag: str | None


@dataclass(frozen=True, slots=True)
class Created:
    """A contact a use case created, with the list it went to and the ``customField``
    labels the caller used (custom field key -> label)."""

    contact: Contact
    list_name: str
    labels: Mapping[str, str]


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def contact_in(body: ContactIn) -> tuple[str, Incoming]:
    """The list name and the contact of a single create; every missing member is reported."""
    errors = [
        FieldError(wire, "is required") for attr, wire in _REQUIRED if getattr(body, attr) is UNSET
    ]
    if isinstance(body.list_name, str) and not body.list_name.strip():
        errors.append(FieldError("listName", "must not be empty"))
    if body.phone is not UNSET and _blank(body.phone):
        errors.append(FieldError("phone", "must not be empty: a contact needs a number to call"))
    custom: dict[str, Any] = {}
    if isinstance(body.custom_field, dict):
        custom, problems = custom_values(body.custom_field, prefix="customField")
        errors += problems
    if errors:
        raise InvalidInput(fields=errors)
    assert isinstance(body.list_name, str)
    given = _given(
        first_name=_opt(body.first_name),
        last_name=_opt(body.last_name),
        email=_opt(body.email),
        phone=_opt(body.phone),
        date_of_birth=_opt(body.date_of_birth),
        source=_opt(body.contact_source),
        notes=_opt(body.clear_talk_notes),
        tag=_opt(body.tag),
    )
    disposition = _opt(body.disposition)
    return body.list_name.strip(), Incoming(
        given=given, custom=custom, disposition=None if _blank(disposition) else disposition
    )


def _opt(value: str | None | UnsetType) -> str | None:
    return None if isinstance(value, UnsetType) else value


def bulk_head(body: BulkIn) -> BulkHead:
    errors = [
        FieldError(wire, "is required")
        for attr, wire in (("list_name", "listName"), ("tag", "tag"), ("data", "data"))
        if getattr(body, attr) is UNSET
    ]
    if isinstance(body.list_name, str) and not body.list_name.strip():
        errors.append(FieldError("listName", "must not be empty"))
    if isinstance(body.data, list) and not body.data:
        errors.append(FieldError("data", "must hold at least one contact"))
    if errors:
        raise InvalidInput(fields=errors)
    assert isinstance(body.list_name, str)
    tag = body.tag if isinstance(body.tag, str) else None
    return BulkHead(list_name=body.list_name.strip(), tag=tag)


def item_in(item: BulkItem, *, index: int, tag: str | None) -> Incoming:
    """One bulk item; problems are named ``data[index].<member>``."""
    errors: list[FieldError] = []
    if _blank(item.phone):
        errors.append(
            FieldError(f"data[{index}].phone", "is required: a contact needs a number to call")
        )
    custom, problems = custom_values(item.custom_field or {}, prefix=f"data[{index}].custom_field")
    errors += problems
    if errors:
        raise InvalidInput(fields=errors)
    given = _given(
        first_name=item.first_name,
        last_name=item.last_name,
        email=item.email,
        phone=item.phone,
        date_of_birth=item.date_of_birth,
        source=item.contact_source,
        notes=item.clear_talk_notes,
        tag=tag,
    )
    disposition = None if _blank(item.disposition) else item.disposition
    return Incoming(given=given, custom=custom, disposition=disposition)


def _given(
    *,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None,
    date_of_birth: str | None,
    source: str | None,
    notes: str | None,
    tag: str | None,
) -> dict[str, Any]:
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phones": [] if _blank(phone) else [phone],
        "date_of_birth": date_of_birth,
        "source": source,
        "notes": notes,
        "tags": [] if _blank(tag) else [tag],
    }


def custom_values(
    raw: Mapping[str, Any], *, prefix: str
) -> tuple[dict[str, Any], list[FieldError]]:
    """The usable members of a ``customField`` object (nulls dropped) and the bad ones."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for label, value in raw.items():
        if not label.strip() or len(label) > MAX_LABEL:
            errors.append(
                FieldError(f"{prefix}.{label}", f"needs a name of 1 to {MAX_LABEL} characters")
            )
        elif value is None:
            continue
        elif not _scalar(value) and not (
            isinstance(value, list) and all(_scalar(v) and not isinstance(v, bool) for v in value)
        ):
            errors.append(
                FieldError(f"{prefix}.{label}", "must be text, a number, true/false or a list")
            )
        else:
            values[label] = value
    return values, errors


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def field_type(value: Any) -> FieldType:
    """The type a custom field created on first use gets, from its first value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "string_list"
    return "string"


def contact_out(contact: Contact, *, list_name: str, labels: Mapping[str, str]) -> ContactOut:
    """A stored contact as ClearTalk returns it. ``labels`` maps custom field keys to the
    ``customField`` names the caller used; other keys are shown as they are."""
    custom = {
        labels.get(key, key): value
        for key, value in contact.custom_fields.items()
        if key != DISPOSITION or key in labels
    }
    disposition = contact.custom_fields.get(DISPOSITION)
    return ContactOut(
        id=contact.id,
        user_id=contact.workspace_id,
        list_name=list_name,
        tag=contact.tags[0] if contact.tags else "",
        first_name=contact.first_name or "",
        last_name=contact.last_name or "",
        email=contact.email or "",
        phone=contact.phones[0].number if contact.phones else "",
        date_of_birth=contact.date_of_birth.isoformat() if contact.date_of_birth else "",
        contact_source=contact.source or "",
        clear_talk_notes=contact.notes or "",
        custom_field=custom,
        created_at=timestamp(contact.created_at),
        updated_at=timestamp(contact.updated_at),
        disposition=str(disposition) if disposition is not None else UNSET,
    )


def timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as JavaScript's toISOString writes it."""
    utc = value.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def created_out(created: Created) -> ContactOut:
    return contact_out(created.contact, list_name=created.list_name, labels=created.labels)


def bulk_out(list_name: str, head: BulkHead, created: list[Created]) -> BulkOut:
    return BulkOut(
        list_name=list_name,
        tag=head.tag or "",
        count=len(created),
        data=[created_out(c) for c in created],
    )
