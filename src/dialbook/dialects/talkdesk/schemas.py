"""Talkdesk Record Lists on the wire: requests and responses as Talkdesk documents them.

Field names, enums and lengths follow docs.talkdesk.com (Record Lists API); where the docs are
silent the limit is the canonical one (see docs/dialects/talkdesk.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

PhoneType = Literal["HOME", "OFFICE", "MOBILE", "EXTRA_1", "EXTRA_2", "EXTRA_3"]
UniqueIdentifierType = Literal["PHONE_NUMBER", "EXTERNAL", "NOTHING"]

Name80 = Annotated[str, Meta(min_length=1, max_length=80)]
PhoneText = Annotated[str, Meta(min_length=1, max_length=20)]
Timezone = Annotated[str, Meta(min_length=1, max_length=35)]
Priority = Annotated[int, Meta(ge=1, le=10, description="10 dials first; null = hot lead")]
Provider = Annotated[str, Meta(min_length=1, max_length=100)]
ExternalId = Annotated[str, Meta(min_length=1, max_length=255)]
Url = Annotated[str, Meta(max_length=2000)]
ListName = Annotated[str, Meta(min_length=1, max_length=200)]

MAX_PHONES = 20  # the canonical limit; Talkdesk documents none
MAX_BULK = 100  # inferred from the 0..100 bounds of the bulk counters


class Link(Struct):
    href: str


Links = dict[str, Link]


# -- records ------------------------------------------------------------------------------


class PhoneNumber(Struct, forbid_unknown_fields=True, kw_only=True):
    phone_number: PhoneText
    phone_type: PhoneType


PhoneNumbers = Annotated[list[PhoneNumber], Meta(min_length=1, max_length=MAX_PHONES)]


class RecordIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """The body of "Create a record" (and each item of the bulk create)."""

    first_name: Name80
    last_name: Name80
    phone_numbers: PhoneNumbers | None = None
    phone_number: PhoneText | None = None  # deprecated single-number form
    timezone: Timezone | None = None
    priority: Priority | None = None
    extra_data: dict[str, Any] | None = None
    external_provider: Provider | None = None
    external_id: ExternalId | None = None
    external_url: Url | None = None
    sync_external_id: bool | None = None


class RecordChanges(Struct, forbid_unknown_fields=True, kw_only=True):
    """The editable fields a JSON Patch changed (absent: unchanged; null: cleared)."""

    first_name: Name80 | UnsetType = UNSET
    last_name: Name80 | UnsetType = UNSET
    phone_numbers: PhoneNumbers | UnsetType = UNSET
    phone_number: PhoneText | None | UnsetType = UNSET
    timezone: Timezone | None | UnsetType = UNSET
    priority: Priority | None | UnsetType = UNSET
    extra_data: dict[str, Any] | UnsetType = UNSET
    external_provider: Provider | None | UnsetType = UNSET
    external_id: ExternalId | None | UnsetType = UNSET
    external_url: Url | None | UnsetType = UNSET
    sync_external_id: bool | None | UnsetType = UNSET


class PhoneNumberOut(Struct):
    phone_number: str
    phone_type: str


class Record(Struct, kw_only=True):
    id: str
    record_list_id: str
    phone_number: str | None
    phone_numbers: list[PhoneNumberOut]
    first_name: str | None
    last_name: str | None
    timezone: str | None
    priority: int | None
    extra_data: dict[str, Any]
    external_provider: str | None
    external_id: str | None
    external_url: str | None
    sync_external_id: bool | None
    created_at: dt.datetime
    updated_at: dt.datetime
    links: Links = field(name="_links")


# Fields of a record a JSON Patch may change; the others are read-only.
EDITABLE: tuple[str, ...] = tuple(RecordChanges.__struct_fields__)
READ_ONLY: tuple[str, ...] = ("id", "record_list_id", "created_at", "updated_at", "_links")


class PatchOp(Struct, forbid_unknown_fields=True, kw_only=True):
    """One RFC 6902 operation (add, replace and remove are supported)."""

    op: Literal["add", "replace", "remove"]
    path: Annotated[str, Meta(max_length=1000)]
    value: Any = UNSET


class PageQuery(Struct, kw_only=True):
    page: Annotated[int, Meta(ge=1)] = 1
    per_page: Annotated[int, Meta(ge=1, le=200)] = 50


class RecordsEmbedded(Struct):
    records: list[Record]


class HalPage(Struct, kw_only=True):
    """The paging fields every Talkdesk list answer has (HAL: links in ``_links``)."""

    total: int
    per_page: int
    count: int
    page: int
    total_pages: int
    links: Links = field(name="_links")


class RecordPage(HalPage, kw_only=True):
    embedded: RecordsEmbedded = field(name="_embedded")


# -- bulk operations ----------------------------------------------------------------------


class BulkCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    # Items are decoded one by one so that one bad record does not fail the others.
    records: list[Any]
    upload_request_id: str | None = None  # sent by older clients; unused here


class ErrorField(Struct):
    name: str
    description: str


class ErrorBody(Struct, kw_only=True):
    """Talkdesk's error body."""

    code: str
    message: str
    description: str
    fields: list[ErrorField]


class RecordError(ErrorBody, kw_only=True, omit_defaults=True):
    """One failed item of a bulk request: its position, and the record id when known."""

    index: int
    id: str | None = None


class BulkEmbedded(Struct):
    records: list[Record]
    errors: list[RecordError]


class BulkCreated(Struct, kw_only=True):
    record_list_id: str
    has_errors: bool
    total_created: int
    total_errors: int
    links: Links = field(name="_links")
    embedded: BulkEmbedded = field(name="_embedded")


class BulkUpdated(Struct, kw_only=True):
    record_list_id: str
    has_errors: bool
    total_created: int  # so named by Talkdesk's schema for the bulk update too: records updated
    total_updated: int
    total_errors: int
    links: Links = field(name="_links")
    embedded: BulkEmbedded = field(name="_embedded")


class DeleteItem(Struct, forbid_unknown_fields=True, kw_only=True):
    """One record to delete: by ``id``, by ``phone_number``, or by external reference."""

    id: Annotated[str, Meta(min_length=1, max_length=64)] | int | None = None
    phone_number: Annotated[str, Meta(min_length=1, max_length=64)] | None = None
    external_provider: Provider | None = None
    external_id: ExternalId | None = None


class FailedRecord(Struct, kw_only=True, omit_defaults=True):
    id: str | None = None
    phone_number: str | None = None
    external_provider: str | None = None
    external_id: str | None = None
    description: str = ""
    links: Links | None = field(name="_links", default=None)


class FailedRecords(Struct):
    failed_records: list[FailedRecord]


class BulkDeleted(Struct, kw_only=True):
    record_list_id: str
    has_errors: bool
    total_deleted: int
    total_errors: int
    links: Links = field(name="_links")
    embedded: FailedRecords = field(name="_embedded")


# -- record lists -------------------------------------------------------------------------


class CsvMetadata(Struct, kw_only=True):
    filename: Annotated[str, Meta(max_length=1000)] | None = None
    byte_size: Annotated[int, Meta(ge=0)] | None = None
    checksum: Annotated[str, Meta(max_length=200)] | None = None
    content_type: Annotated[str, Meta(max_length=200)] | None = None


class RecordListCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: ListName
    csv_metadata: CsvMetadata | None = None  # accepted; CSV upload itself is not offered
    unique_identifier_type: UniqueIdentifierType = "PHONE_NUMBER"  # dialbook extension


class RecordListUpdate(Struct, kw_only=True):
    """Talkdesk does not document this body; unknown fields are ignored."""

    name: ListName | UnsetType = UNSET
    unique_identifier_type: UniqueIdentifierType | UnsetType = UNSET


class RecordList(Struct, kw_only=True):
    id: str
    name: str
    unique_identifier_type: str
    status: str
    records_count: int
    account_id: str
    teams: list[Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    links: Links = field(name="_links")


class RecordListCreated(RecordList, kw_only=True):
    signed_url: str | None = None


class RecordListQuery(PageQuery, kw_only=True):
    name: Annotated[str, Meta(max_length=200)] | None = None
    status: Annotated[str, Meta(max_length=40)] | None = None


class RecordListsEmbedded(Struct):
    record_lists: list[RecordList]


class RecordListPage(HalPage, kw_only=True):
    embedded: RecordListsEmbedded = field(name="_embedded")


# -- do-not-call lists ----------------------------------------------------------------------

DncPhone = Annotated[str, Meta(min_length=1, max_length=64)]  # the canonical bound
Reason = Annotated[str, Meta(max_length=500)]  # the canonical bound
EntryRef = Annotated[str, Meta(min_length=1, max_length=64)] | int


class DoNotCallListCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: ListName
    csv_metadata: CsvMetadata | None = None  # accepted; CSV upload itself is not offered


class DoNotCallList(Struct, kw_only=True):
    id: str
    name: str
    status: str
    entries_count: int
    teams: list[Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    links: Links = field(name="_links")


class DoNotCallListCreated(DoNotCallList, kw_only=True):
    signed_url: str | None = None


class DoNotCallListsEmbedded(Struct):
    do_not_call_lists: list[DoNotCallList]


class DoNotCallListPage(HalPage, kw_only=True):
    embedded: DoNotCallListsEmbedded = field(name="_embedded")


class EntryIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """The body of "Create an entry" (or one item of a list of them)."""

    phone_number: DncPhone
    expiration_date: dt.date | None = None  # YYYY-MM-DD; null or absent: never expires
    reason: Reason | None = None


class Entry(Struct, kw_only=True):
    id: str
    do_not_call_list_id: str
    phone_number: str
    reason: str | None
    expiration_date: dt.date | None
    created_at: dt.datetime
    links: Links = field(name="_links")


# Fields of an entry a JSON Patch may change; the others are read-only.
ENTRY_EDITABLE: tuple[str, ...] = ("expiration_date", "reason")
ENTRY_READ_ONLY: tuple[str, ...] = (
    "id",
    "do_not_call_list_id",
    "phone_number",
    "created_at",
    "_links",
)


class EntriesEmbedded(Struct):
    entries: list[Entry]


class EntryPage(HalPage, kw_only=True):
    embedded: EntriesEmbedded = field(name="_embedded")


class EntriesCreated(Struct, kw_only=True):
    """The answer to a list of entries (a dialbook extension of "Create an entry")."""

    do_not_call_list_id: str
    total_created: int
    total_updated: int
    links: Links = field(name="_links")
    embedded: EntriesEmbedded = field(name="_embedded")


class UpdatedEntry(Struct, kw_only=True):
    """One entry of "Update multiple entries": the entry, or what went wrong with it."""

    id: str
    do_not_call_list_id: str
    phone_number: str | None = None
    reason: str | None = None
    expiration_date: dt.date | None = None
    created_at: dt.datetime | None = None
    errors: list[str] = []
    un_allowed_patch: PatchOp | None = None
    links: Links = field(name="_links", default_factory=dict)


class UpdatedEntriesEmbedded(Struct):
    entries: list[UpdatedEntry]


class EntriesUpdated(Struct, kw_only=True):
    do_not_call_list_id: str
    has_errors: bool
    total_errors: int
    total_updated: int
    links: Links = field(name="_links")
    embedded: UpdatedEntriesEmbedded = field(name="_embedded")


class EntryDeleteItem(Struct, forbid_unknown_fields=True, kw_only=True):
    """One entry to delete: by ``id`` (Talkdesk) or by ``phone_number`` (dialbook)."""

    id: EntryRef | None = None
    phone_number: DncPhone | None = None


class FailedEntry(Struct, kw_only=True, omit_defaults=True):
    id: str | None = None
    phone_number: str | None = None
    description: str = ""
    links: Links | None = field(name="_links", default=None)


class FailedEntries(Struct):
    failed_records: list[FailedEntry]


class EntriesDeleted(Struct, kw_only=True):
    id: str  # so named by Talkdesk: the do-not-call list's id
    has_errors: bool
    total_deleted: int
    total_errors: int
    links: Links = field(name="_links")
    embedded: FailedEntries = field(name="_embedded")


class PhoneQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    phone_number: DncPhone
    timezone: Timezone | None = None


class EntryQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    """The body of "Filtered list of entries"."""

    phone_numbers: Annotated[list[PhoneQuery], Meta(min_length=1)]
