"""Nedzo's wire shapes, in two generations.

* "legacy" (the seed, docs.nedzo.ai/api-reference/contact/...): snake_case, ``POST /v1/contact/``,
  ``PATCH /v1/contact/{id}``, ``PATCH /v1/contact-list/{id}``, answers wrapped in
  ``{status_code, message, data}``. Unknown members are ignored (the pydantic default that API's
  generated docs point to).
* "current" (docs.nedzo.ai/api-reference/contacts/..., and the n8n node): camelCase
  ``/v1/contacts``, bare objects, unknown members rejected with 400.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import UNSET, Meta, Struct, UnsetType

from dialbook.contacts.schemas import (
    MAX_TAGS,
    Str20,
    Str64,
    Str100,
    Str200,
    Str254,
    Str300,
    Str401,
    Str500,
    Tag,
)

Ref = Annotated[str, Meta(max_length=100)]  # an id as a client sends it (a UUID, normally)
FieldValue = str | int | float | bool | None
Tags = Annotated[list[Tag], Meta(max_length=MAX_TAGS)]

# -- legacy: /v1/contact/ and /v1/contact-list/ -------------------------------------------


class CustomFieldValue(Struct, kw_only=True):
    custom_field_id: Ref
    value: FieldValue = None


class LegacyContactIn(Struct, kw_only=True):
    """``POST /v1/contact/``: email is required, everything else optional."""

    email: Str254
    contact_list_id: Ref | int | None = None
    first_name: Str200 | None = None
    last_name: Str200 | None = None
    full_name: Str401 | None = None
    business_name: Str300 | None = None
    full_address: Str500 | None = None
    city: Str200 | None = None
    country: Str100 | None = None
    state: Str100 | None = None
    postal_code: Str20 | None = None
    phone: Str64 | None = None
    job_title: Str300 | None = None
    dnc: bool | None = None
    custom_fields: Annotated[list[CustomFieldValue], Meta(max_length=200)] | None = None


class LegacyContactPatch(Struct, kw_only=True):
    """``PATCH /v1/contact/{id}``: absent members stay, null clears."""

    email: Str254 | None | UnsetType = UNSET
    contact_list_id: Ref | int | None | UnsetType = UNSET
    first_name: Str200 | None | UnsetType = UNSET
    last_name: Str200 | None | UnsetType = UNSET
    full_name: Str401 | None | UnsetType = UNSET
    business_name: Str300 | None | UnsetType = UNSET
    full_address: Str500 | None | UnsetType = UNSET
    street_address: Str500 | None | UnsetType = UNSET
    city: Str200 | None | UnsetType = UNSET
    country: Str100 | None | UnsetType = UNSET
    state: Str100 | None | UnsetType = UNSET
    postal_code: Str20 | None | UnsetType = UNSET
    phone: Str64 | None | UnsetType = UNSET
    job_title: Str300 | None | UnsetType = UNSET
    dnc: bool | None | UnsetType = UNSET
    custom_fields: Annotated[list[CustomFieldValue], Meta(max_length=200)] | None | UnsetType = (
        UNSET
    )


class CustomFieldValueOut(Struct, kw_only=True):
    custom_field_id: str
    value: str


class LegacyContact(Struct, kw_only=True):
    contact_list_id: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    business_name: str | None
    full_address: str | None
    city: str | None
    country: str | None
    state: str | None
    postal_code: str | None
    phone: str | None
    job_title: str | None
    dnc: bool
    custom_fields: list[CustomFieldValueOut]
    id: str
    subaccount_id: str
    last_dial_time: str | None
    most_recent_outcome: str | None
    status: str


class LegacyContactData(Struct, kw_only=True):
    contact: LegacyContact


class LegacyContactEnvelope(Struct, kw_only=True):
    status_code: int
    message: str
    data: LegacyContactData


class ContactListPatch(Struct, kw_only=True):
    """``PATCH /v1/contact-list/{id}``."""

    name: Annotated[str, Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    campaign_id: Ref | None | UnsetType = UNSET
    contact_ids: Annotated[list[Ref], Meta(max_length=1000)] | UnsetType = UNSET


class ContactList(Struct, kw_only=True):
    name: str
    campaign_id: str | None
    id: str
    subaccount_id: str
    contacts: list[LegacyContact]


class ContactListData(Struct, kw_only=True):
    contact_list: ContactList


class ContactListEnvelope(Struct, kw_only=True):
    status_code: int
    message: str
    data: ContactListData


# -- current: /v1/contacts ----------------------------------------------------------------


class ContactIn(Struct, kw_only=True, rename="camel", forbid_unknown_fields=True):
    """``POST /v1/contacts``."""

    workspace_id: Ref | None = None
    first_name: Str200 | None = None
    last_name: Str200 | None = None
    email: Str254 | None = None
    phone: Str64 | None = None
    timezone: Str64 | None = None
    tags: Tags | None = None
    custom_fields: dict[str, Any] | None = None


class ContactPatch(Struct, kw_only=True, rename="camel", forbid_unknown_fields=True):
    """``PATCH /v1/contacts/{id}``: tags are added, customFields merge key by key."""

    workspace_id: Ref | None | UnsetType = UNSET
    first_name: Str200 | None | UnsetType = UNSET
    last_name: Str200 | None | UnsetType = UNSET
    email: Str254 | None | UnsetType = UNSET
    phone: Str64 | None | UnsetType = UNSET
    timezone: Str64 | None | UnsetType = UNSET
    tags: Tags | None | UnsetType = UNSET
    custom_fields: dict[str, Any] | None | UnsetType = UNSET


class UpsertIn(ContactPatch, kw_only=True, rename="camel", forbid_unknown_fields=True):
    """``POST /v1/contacts/upsert``: matched on phone, then email; absent members stay."""

    preserve_existing: bool = False


class Contact(Struct, kw_only=True, rename="camel"):
    id: str
    workspace_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    timezone: str | None
    tags: list[str]
    custom_fields: dict[str, str]
    created_at: str
    updated_at: str


class ContactQuery(Struct, kw_only=True, rename="camel"):
    """``GET /v1/contacts``; other query parameters are ignored."""

    workspace_id: Ref | None = None
    limit: Annotated[int, Meta(ge=1, le=100)] = 20
    offset: Annotated[int, Meta(ge=0)] = 0
    include_deleted: bool = False  # the n8n node sends it; deleted contacts are not kept


class Workspace(Struct, kw_only=True):
    id: str
    name: str


# -- errors -------------------------------------------------------------------------------


class ProblemField(Struct, kw_only=True):
    field: str
    detail: str


class Problem(Struct, kw_only=True):
    """An RFC 7807 problem document (``application/problem+json``), with ``errors`` naming
    each bad field; the legacy routes add their envelope's members (``status_code``,
    ``message``, ``data: null``) and spell the duplicate's id ``existing_id``."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | UnsetType = UNSET
    existingId: str | UnsetType = UNSET
    existing_id: str | UnsetType = UNSET
    status_code: int | UnsetType = UNSET
    message: str | UnsetType = UNSET
    data: None | UnsetType = UNSET
