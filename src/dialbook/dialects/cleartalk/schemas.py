"""ClearTalk's wire shapes (docs.cleartalk.ai: "Create a new contact", "Create multiple contacts").

The single create is camelCase; the items of a bulk create are snake_case (as documented).
Unknown members are ignored, as a default NestJS-style validation pipe does. Required members
are declared with ``UNSET`` defaults so that every missing one is reported at once
(``translate.contact_in``), rather than only the first.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import UNSET, Meta, Struct, UnsetType

from dialbook.contacts.schemas import Notes, Str40, Str200, Str254

MAX_BULK = 1000

PhoneText = Annotated[str, Meta(max_length=64)]
ListName = Annotated[str, Meta(max_length=200)]
TagText = Annotated[str, Meta(max_length=255)]
# Each new customField name becomes a workspace custom field: bound how many one request adds.
CustomField = Annotated[dict[str, Any], Meta(max_length=100)]


class ContactIn(Struct, kw_only=True, rename="camel"):
    """``POST /contacts``: all ten documented members are required (null counts as empty)."""

    list_name: ListName | UnsetType = UNSET
    tag: TagText | None | UnsetType = UNSET
    first_name: Str200 | None | UnsetType = UNSET
    last_name: Str200 | None | UnsetType = UNSET
    email: Str254 | None | UnsetType = UNSET
    phone: PhoneText | None | UnsetType = UNSET
    date_of_birth: Str40 | None | UnsetType = UNSET
    contact_source: Str200 | None | UnsetType = UNSET
    clear_talk_notes: Notes | None | UnsetType = UNSET
    custom_field: CustomField | UnsetType = UNSET
    # Not in the single-create docs (only in bulk items); accepted here too.
    disposition: Str200 | None | UnsetType = UNSET


class BulkItem(Struct, kw_only=True):
    """One entry of ``data`` in ``POST /contacts/create-bulk`` (snake_case, as documented)."""

    first_name: Str200 | None = None
    last_name: Str200 | None = None
    email: Str254 | None = None
    phone: PhoneText | None = None
    date_of_birth: Str40 | None = None
    contact_source: Str200 | None = None
    clear_talk_notes: Notes | None = None
    disposition: Str200 | None = None
    custom_field: CustomField | None = None


class BulkIn(Struct, kw_only=True, rename="camel"):
    list_name: ListName | UnsetType = UNSET
    tag: TagText | None | UnsetType = UNSET
    data: Annotated[list[BulkItem], Meta(max_length=MAX_BULK)] | UnsetType = UNSET


class ContactOut(Struct, kw_only=True, rename="camel"):
    """The documented 201 body. Text members are never null: "" means no value."""

    id: int
    user_id: int
    list_name: str
    tag: str
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: str
    contact_source: str
    clear_talk_notes: str
    custom_field: dict[str, Any]
    created_at: str
    updated_at: str
    disposition: str | UnsetType = UNSET  # only when the contact has one


class BulkOut(Struct, kw_only=True, rename="camel"):
    """Our answer to a bulk create (the documented schema is a single contact, see docs)."""

    list_name: str
    tag: str
    count: int
    data: list[ContactOut]


class FieldMessage(Struct, kw_only=True):
    field: str
    message: str


class ErrorBody(Struct, kw_only=True, rename="camel", omit_defaults=True):
    """Our choice of error body (ClearTalk documents none): NestJS's, plus ``fields``."""

    status_code: int
    message: str | list[str]
    error: str
    fields: list[FieldMessage] = []
    existing_id: int | None = None
