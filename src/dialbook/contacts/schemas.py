"""Wire shapes for contacts: the canonical model every surface translates to and from."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from dialbook.events.schemas import Event
from dialbook.workspaces.schemas import Id, Region

Str20 = Annotated[str, Meta(max_length=20)]
Country = Annotated[
    str, Meta(max_length=100, description="ISO 3166-1 alpha-2 (names and alpha-3 are read too)")
]
Str40 = Annotated[str, Meta(max_length=40)]
Str64 = Annotated[str, Meta(max_length=64)]
Str100 = Annotated[str, Meta(max_length=100)]
Str200 = Annotated[str, Meta(max_length=200)]
Str254 = Annotated[str, Meta(max_length=254)]
Str300 = Annotated[str, Meta(max_length=300)]
Str401 = Annotated[str, Meta(max_length=401)]
Str500 = Annotated[str, Meta(max_length=500)]
Str2000 = Annotated[str, Meta(max_length=2000)]
Notes = Annotated[str, Meta(max_length=20_000)]


PhoneType = Literal[
    "mobile", "direct", "office", "home", "other", "extra_1", "extra_2", "extra_3", "landline"
]
DndStatus = Literal["active", "inactive", "permanent"]
DndChannel = Literal["call", "sms", "email", "whatsapp", "gmb", "fb", "voicemail"]
# held: waiting for the list to be published; queued: may be handed to a dialer.
Status = Literal["held", "queued", "leased", "retry", "completed", "exhausted", "dnc"]
Tag = Annotated[str, Meta(min_length=1, max_length=255)]
Priority = Annotated[int, Meta(ge=0, le=2_147_483_647, description="null = hot lead")]

DND_CHANNELS: tuple[str, ...] = ("call", "sms", "email", "whatsapp", "gmb", "fb", "voicemail")
MAX_PHONES = 20
MAX_TAGS = 100


ConsentType = Literal["express_written", "prior_express", "established_business_relationship"]
ReassignedResult = Literal["yes", "no", "no_data"]


class Consent(Struct, forbid_unknown_fields=True, kw_only=True):
    """The called party's consent to be called on this number, and its evidence."""

    type: ConsentType
    obtained_at: (
        Annotated[
            dt.datetime,
            Meta(
                description="when given (for an established business relationship: the date "
                "of the inquiry or transaction it rests on)"
            ),
        ]
        | None
    ) = None
    source: Str200 | None = None  # where the evidence is: a form, a recording, a contract


class ReassignedCheck(Struct, forbid_unknown_fields=True, kw_only=True):
    """The latest reassigned-number check (e.g. the FCC's Reassigned Numbers Database)."""

    result: Annotated[
        ReassignedResult,
        Meta(
            description="yes: reassigned since consent (the number is blocked on lists with "
            "block_reassigned); no; no_data: the database could not tell"
        ),
    ]
    checked_at: dt.datetime | None = None


class PhoneIn(Struct, forbid_unknown_fields=True, kw_only=True):
    number: Annotated[str, Meta(min_length=1, max_length=64, examples=["(240) 452-2332"])]
    type: (
        Annotated[
            PhoneType,
            Meta(description="when absent, from the number's line type (fixed_line: landline)"),
        ]
        | None
    ) = None
    extension: Annotated[str, Meta(pattern=r"^\d{1,10}$")] | None = None
    country: Region | None = None
    # Absent: kept from the contact's phone with the same number; null: cleared.
    consent: Consent | None | UnsetType = UNSET
    last_verified_at: dt.datetime | None | UnsetType = UNSET
    reassigned: ReassignedCheck | None | UnsetType = UNSET


PHONE_EVIDENCE = ("consent", "last_verified_at", "reassigned")  # PhoneIn's kept-when-absent


class Dialing(Struct, kw_only=True):
    """How one number has been dialed (written by queue outcomes; read-only on input)."""

    attempts: int = 0
    last_outcome: str | None = None
    last_dial_at: dt.datetime | None = None
    done: bool = False  # wrong_number, disconnected or failed: never dialed again


class Phone(Struct, kw_only=True):
    number: str  # E.164
    raw: str
    type: PhoneType
    extension: str | None = None
    country: str | None = None
    valid: bool = True
    line_type: str = "unknown"
    # Number cycling (docs/dialing.md); a nested object so other per-number facts sit
    # beside it rather than among its fields.
    dialing: Dialing = field(default_factory=Dialing)
    # Left out when the phone has none (so are any later per-number parts).
    consent: Consent | UnsetType = UNSET
    last_verified_at: dt.datetime | UnsetType = UNSET
    reassigned: ReassignedCheck | UnsetType = UNSET


class ExternalRef(Struct, forbid_unknown_fields=True, kw_only=True):
    provider: Annotated[str, Meta(min_length=1, max_length=100)]
    id: Annotated[str, Meta(min_length=1, max_length=255)]
    url: Str2000 | None = None
    sync: bool = False


class ContactCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    """A new contact. Phones may be given as objects or as plain strings."""

    list_id: Id | None = None
    first_name: Str200 | None = None
    last_name: Str200 | None = None
    full_name: Str401 | None = None
    name_prefix: Str100 | None = None  # "Dr.", "Mrs.": split from full_name when not given
    name_suffix: Str100 | None = None  # "Jr.", "III"
    email: Str254 | None = None
    phones: Annotated[list[PhoneIn | str], Meta(max_length=MAX_PHONES)] = []
    company: Str300 | None = None
    account: Str500 | None = None
    title: Str300 | None = None
    website: Str500 | None = None
    linkedin: Str500 | None = None
    street: Str500 | None = None
    city: Str200 | None = None
    state: Str100 | None = None
    postal_code: Str20 | None = None
    country: Country | None = None
    timezone: Str64 | None = None
    priority: Priority | None = None
    dnc: bool = False
    dnd: dict[DndChannel, DndStatus] = {}
    tags: Annotated[list[Tag], Meta(max_length=MAX_TAGS)] = []
    notes: Notes | None = None
    source: Str200 | None = None
    date_of_birth: Str40 | None = None
    gender: Str40 | None = None
    custom_fields: dict[str, Any] = {}
    external_refs: Annotated[list[ExternalRef], Meta(max_length=20)] = []


class ContactUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    """A partial update (JSON merge-patch): absent fields stay, null clears.

    ``custom_fields`` and ``dnd`` merge key by key; lists (phones, tags, external_refs)
    are replaced whole. Also the body of an upsert.
    """

    list_id: Id | UnsetType = UNSET
    first_name: Str200 | None | UnsetType = UNSET
    last_name: Str200 | None | UnsetType = UNSET
    full_name: Str401 | None | UnsetType = UNSET
    name_prefix: Str100 | None | UnsetType = UNSET
    name_suffix: Str100 | None | UnsetType = UNSET
    email: Str254 | None | UnsetType = UNSET
    phones: Annotated[list[PhoneIn | str], Meta(max_length=MAX_PHONES)] | UnsetType = UNSET
    company: Str300 | None | UnsetType = UNSET
    account: Str500 | None | UnsetType = UNSET
    title: Str300 | None | UnsetType = UNSET
    website: Str500 | None | UnsetType = UNSET
    linkedin: Str500 | None | UnsetType = UNSET
    street: Str500 | None | UnsetType = UNSET
    city: Str200 | None | UnsetType = UNSET
    state: Str100 | None | UnsetType = UNSET
    postal_code: Str20 | None | UnsetType = UNSET
    country: Country | None | UnsetType = UNSET
    timezone: Str64 | None | UnsetType = UNSET
    priority: Priority | None | UnsetType = UNSET
    dnc: bool | UnsetType = UNSET
    dnd: dict[DndChannel, DndStatus | None] | UnsetType = UNSET
    tags: Annotated[list[Tag], Meta(max_length=MAX_TAGS)] | UnsetType = UNSET
    notes: Notes | None | UnsetType = UNSET
    source: Str200 | None | UnsetType = UNSET
    date_of_birth: Str40 | None | UnsetType = UNSET
    gender: Str40 | None | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType = UNSET
    external_refs: Annotated[list[ExternalRef], Meta(max_length=20)] | UnsetType = UNSET


class Contact(Struct, kw_only=True):
    """A stored contact, normalized (phones in E.164, names consistent, zone checked)."""

    id: int
    workspace_id: int
    list_id: int
    first_name: str | None
    last_name: str | None
    full_name: str | None
    name_prefix: str | None = None
    name_suffix: str | None = None
    email: str | None
    phones: list[Phone]
    company: str | None
    account: str | None
    title: str | None
    website: str | None
    linkedin: str | None
    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    timezone: str | None
    timezone_source: str | None
    timezone_candidates: list[str] | None
    priority: int | None
    dnc: bool
    dnd: dict[str, str]
    tags: list[str]
    notes: str | None
    source: str | None
    date_of_birth: dt.date | None
    gender: str | None
    custom_fields: dict[str, Any]
    external_refs: list[ExternalRef]
    status: str
    attempts: int
    last_dial_at: dt.datetime | None
    last_outcome: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ContactPage(Struct, kw_only=True):
    data: list[Contact]
    next_cursor: str | None


class UpsertResult(Struct, kw_only=True):
    created: bool
    contact: Contact
    matched_on: str | None = None


class TagsChange(Struct, forbid_unknown_fields=True, kw_only=True):
    tags: Annotated[list[Tag], Meta(min_length=1, max_length=MAX_TAGS)]


class TagsRead(Struct, kw_only=True):
    tags: list[str]


class ContactQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    list_id: Id | None = None
    tag: str | None = None
    phone: str | None = None
    email: str | None = None
    external_id: Annotated[str, Meta(min_length=1, max_length=255)] | None = None  # any provider
    status: Status | None = None
    q: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    updated_since: dt.datetime | None = None
    cursor: str | None = None
    limit: Annotated[int, Meta(ge=1, le=500)] = 50


class ContactHistory(Struct, kw_only=True):
    """A contact's events, oldest first: who changed what, when (kept after a delete)."""

    data: list[Event]
    next_cursor: str | None


class HistoryQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    cursor: str | None = None
    limit: Annotated[int, Meta(ge=1, le=500)] = 100
