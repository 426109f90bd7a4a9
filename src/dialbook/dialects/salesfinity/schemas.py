"""Salesfinity's wire shapes (docs.salesfinity.ai/api-reference), as its clients send them.

Requests ignore fields they do not know (clients often send back what they read). Limits
are the documented ones: names 1-100, contacts per request 2,000, phones and custom fields
10 per contact, and the per-field lengths of the Add Contact page.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, Struct, field

Text100 = Annotated[str, Meta(max_length=100)]
Text200 = Annotated[str, Meta(max_length=200)]
Text300 = Annotated[str, Meta(max_length=300)]
Text320 = Annotated[str, Meta(max_length=320)]
Text500 = Annotated[str, Meta(max_length=500)]
Text2000 = Annotated[str, Meta(max_length=2000)]
WirePhoneType = Literal["mobile", "direct", "office"]
WireFieldType = Literal["string", "number", "boolean"]
FieldValue = str | int | float | bool | list[str] | None

MAX_CONTACTS = 2000
MAX_PHONES = 10
MAX_CUSTOM_FIELDS = 10
MAX_SOURCES = 20


# -- requests ---------------------------------------------------------------------------


class PhoneNumberIn(Struct, kw_only=True):
    type: WirePhoneType
    number: Annotated[str, Meta(min_length=1, max_length=64)]
    # ISO 3166-1 alpha-2 ("US"); a dialing code ("+1", "44") is accepted too.
    country_code: Annotated[str, Meta(max_length=10)] | None = None
    extension: Annotated[str, Meta(max_length=20)] | None = None


class CustomFieldIn(Struct, kw_only=True):
    type: WireFieldType
    label: Annotated[str, Meta(min_length=1, max_length=100)]
    value: FieldValue = None


class ContactIn(Struct, kw_only=True):
    """The contact of Add Contact and of Create List's ``contacts``.

    ``first_name`` and ``phone_numbers`` are required as in the page's generated Body
    section (its prose table marks every field optional).
    """

    first_name: Text200 | None
    phone_numbers: Annotated[list[PhoneNumberIn], Meta(max_length=MAX_PHONES)]
    last_name: Text200 | None = None
    email: Text320 | None = None
    company: Text300 | None = None
    title: Text300 | None = None
    linkedin: Text500 | None = None
    website: Text500 | None = None
    account: Text500 | None = None
    notes: Text2000 | None = None
    priority: int | float | None = None
    timezone: Text100 | None = None
    external_relations: dict[str, Any] | None = None
    custom_fields: Annotated[list[CustomFieldIn], Meta(max_length=MAX_CUSTOM_FIELDS)] | None = None


class ListCreateIn(Struct, kw_only=True):
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    user_id: Annotated[str, Meta(min_length=1, max_length=100)]
    contacts: Annotated[list[ContactIn], Meta(max_length=MAX_CONTACTS)] = []


class MergeIn(Struct, kw_only=True):
    source_list_ids: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=200)]],
        Meta(min_length=1, max_length=MAX_SOURCES),
    ]
    delete_sources: bool = False


Page = Annotated[int, Meta(ge=1, le=1_000_000)]
Search = Annotated[str, Meta(max_length=200)]


class ListsQuery(Struct, kw_only=True):
    """GET /v1/contact-lists."""

    page: Page = 1
    limit: Annotated[int, Meta(ge=1, le=100)] = 10
    sort: Text200 | None = None


class CsvListsQuery(Struct, kw_only=True):
    """GET /v1/contact-lists/csv."""

    search: Search | None = None
    user: Text200 | None = field(default=None, name="filters[user]")
    sort: Text200 | None = None
    page: Page = 1
    limit: Annotated[int, Meta(ge=1, le=1000)] = 10


class ListContactsQuery(Struct, kw_only=True):
    """GET /v1/contact-lists/csv/{id}."""

    search: Search | None = None
    sort: Text200 | None = None
    page: Page = 1
    limit: Annotated[int, Meta(ge=1, le=1000)] = 50


# -- responses --------------------------------------------------------------------------


class PhoneNumberOut(Struct, kw_only=True):
    type: WirePhoneType
    number: str  # E.164
    country_code: str | None
    extension: str | None


class CustomFieldOut(Struct, kw_only=True):
    type: WireFieldType
    label: str
    value: FieldValue


class ContactOut(Struct, kw_only=True):
    id: str = field(name="_id")
    first_name: str | None
    last_name: str | None
    email: str | None
    company: str | None
    title: str | None
    phone_numbers: list[PhoneNumberOut]
    linkedin: str | None
    website: str | None
    notes: str | None
    account: str | None
    priority: int | None
    timezone: str | None
    external_relations: dict[str, Any]
    custom_fields: list[CustomFieldOut]
    created_at: str = field(name="createdAt")
    updated_at: str = field(name="updatedAt")


class AddedContact(ContactOut, kw_only=True, omit_defaults=True):
    # Values accepted but not stored (an email address that is not one); dialbook's own.
    warnings: list[str] = []


class UserOut(Struct, kw_only=True):
    id: str = field(name="_id")
    email: str | None
    first_name: str | None
    last_name: str | None


class ListOut(Struct, kw_only=True):
    """A list as Get Contact Lists, Create List, Merge Lists (and our delete/reimport) show it."""

    id: str = field(name="_id")
    name: str
    source: str
    user: UserOut | None
    total_contacts: int
    created_at: str = field(name="createdAt")
    updated_at: str = field(name="updatedAt")


class CreatedList(ListOut, kw_only=True, omit_defaults=True):
    warnings: list[str] = []


class ListsPage(Struct, kw_only=True):
    data: list[ListOut]
    total: int
    page: int
    next: int | None


class Pagination(Struct, kw_only=True):
    total: int
    page: int
    next: int | None


class CsvListOut(Struct, kw_only=True):
    id: str = field(name="_id")
    name: str
    user: str | None
    total_contacts: int
    created_at: str = field(name="createdAt")
    updated_at: str = field(name="updatedAt")


class CsvListsPage(Struct, kw_only=True):
    data: list[CsvListOut]
    pagination: Pagination


class CsvListDetail(Struct, kw_only=True):
    id: str = field(name="_id")
    name: str
    user: str | None
    contacts: list[ContactOut]


class CsvListDetailPage(Struct, kw_only=True):
    data: CsvListDetail
    pagination: Pagination


class FieldMappingOut(Struct, kw_only=True):
    type: str
    field_type: str
    internal_name: str
    external_key: str
    external_name: str


class CustomFieldsOut(Struct, kw_only=True):
    id: str = field(name="_id")
    source: str
    team: str
    user: str | None
    fields: list[FieldMappingOut]
    lead_fields: list[FieldMappingOut]
    created_at: str = field(name="createdAt")
    updated_at: str = field(name="updatedAt")


class TeamMemberOut(Struct, kw_only=True):
    user: UserOut
    status: str
    license: str | None


class TeamOut(Struct, kw_only=True):
    id: str = field(name="_id")
    name: str
    users: list[TeamMemberOut]


class ErrorBody(Struct, kw_only=True):
    """Our choice (Salesfinity documents none): the NestJS default exception body."""

    statusCode: int  # the wire name
    message: str | list[str]
    error: str
