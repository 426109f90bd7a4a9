"""Wire shapes for lists."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from dialbook.workspaces.schemas import Aliases, Name, Region

DuplicateKey = Literal["phone", "email", "external_id", "none"]
DuplicateScope = Literal["list", "workspace"]
QueueMode = Literal["immediate", "on_publish"]
# Which of a contact's numbers is dialed first (number cycling: normalize/numbers.py).
PhoneOrder = Literal["as_given", "mobile_first"]
PHONE_ORDERS: tuple[PhoneOrder, ...] = ("as_given", "mobile_first")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LocalTime = Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:00"])]
IsoDate = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2026-12-25"])]
MaxAttempts = Annotated[int, Meta(ge=1, le=1000)]
RetryMinutes = Annotated[int, Meta(ge=1, le=100_000, description="wait before a retry")]
RegistryMaxAge = Annotated[
    int,
    Meta(
        ge=1,
        le=31,
        description="numbers (+1) are not dialed while the workspace's us-national registry "
        "copy is older than this many days (31: the safe-harbor rule) or missing; null: off",
    ),
]

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DuplicatePolicy(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Which normalized value makes two contacts the same, and where to look."""

    key: DuplicateKey = "phone"
    scope: DuplicateScope = "list"


class Hours(Struct, forbid_unknown_fields=True, kw_only=True):
    start: LocalTime
    end: LocalTime
    days: list[Weekday] | None = None


class CallingWindow(Struct, forbid_unknown_fields=True, kw_only=True):
    """When contacts may be called, in each contact's own time zone."""

    days: list[Weekday] = field(default_factory=lambda: list(WEEKDAYS))
    start: LocalTime = "08:00"
    end: LocalTime = "21:00"
    # Stricter hours for some US states (two-letter codes), e.g. {"FL": {"start": "08:00", ...}}.
    state_overrides: dict[str, Hours] = {}
    holidays: list[IsoDate] = []


class CallCap(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """At most ``count`` calls to one number within any ``hours`` hours (every list of the
    workspace counts)."""

    count: Annotated[int, Meta(ge=1, le=1000)]
    hours: Annotated[int, Meta(ge=1, le=8760)]


class Compliance(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Rules applied on top of the calling window (docs/compliance.md)."""

    # The built-in US state rules (hours, holidays, frequency caps): on unless turned off.
    us_state_rules: bool = True
    max_calls_per_number: CallCap | None = None


class ListCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    default_region: Region | None = None
    duplicate_policy: DuplicatePolicy = DuplicatePolicy()
    queue_mode: QueueMode = "immediate"
    max_attempts: MaxAttempts | None = None
    retry_minutes: RetryMinutes = 60
    default_timezone: Annotated[str, Meta(max_length=64)] | None = None
    calling_window: CallingWindow | None = None
    compliance: Compliance = Compliance()
    aliases: Aliases = {}
    # Number cycling (docs/dialing.md): which of a contact's numbers is dialed first, and
    # whether numbers libphonenumber does not know as valid may be dialed at all.
    phone_order: PhoneOrder = "as_given"
    dial_invalid_numbers: bool = False
    require_consent_for_mobile: bool = False  # a mobile without consent is not dialed
    block_reassigned: bool = False  # a reassigned-number check answering "yes" blocks
    registry_max_age_days: RegistryMaxAge | None = None


class ListUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name | UnsetType = UNSET
    default_region: Region | None | UnsetType = UNSET
    duplicate_policy: DuplicatePolicy | UnsetType = UNSET
    queue_mode: QueueMode | UnsetType = UNSET
    max_attempts: MaxAttempts | None | UnsetType = UNSET
    retry_minutes: RetryMinutes | UnsetType = UNSET
    default_timezone: Annotated[str, Meta(max_length=64)] | None | UnsetType = UNSET
    calling_window: CallingWindow | None | UnsetType = UNSET
    compliance: Compliance | UnsetType = UNSET
    aliases: Aliases | UnsetType = UNSET
    phone_order: PhoneOrder | UnsetType = UNSET
    dial_invalid_numbers: bool | UnsetType = UNSET
    require_consent_for_mobile: bool | UnsetType = UNSET
    block_reassigned: bool | UnsetType = UNSET
    registry_max_age_days: RegistryMaxAge | None | UnsetType = UNSET


class ListRead(Struct, kw_only=True):
    id: int
    workspace_id: int
    name: str
    is_default: bool
    default_region: str | None
    duplicate_policy: DuplicatePolicy
    queue_mode: QueueMode
    max_attempts: int | None
    retry_minutes: int
    default_timezone: str | None
    calling_window: CallingWindow | None
    compliance: Compliance
    aliases: dict[str, str] | None
    dialect_settings: dict[str, Any] | None
    phone_order: PhoneOrder = "as_given"
    dial_invalid_numbers: bool = False
    require_consent_for_mobile: bool = False
    block_reassigned: bool = False
    registry_max_age_days: int | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    contact_count: int | None = None


class ListStats(Struct, kw_only=True):
    """A list's contacts by queue status, and the dial attempts made on them."""

    list_id: int
    by_status: dict[str, int]
    attempts: int


class ZoneTally(Struct, kw_only=True):
    """A list's contacts in one calling zone (``call_zones`` id; None: no time zone)."""

    zone_id: int | None
    contacts: int


class ListCounts(Struct, kw_only=True):
    """A list's counts read in one pass: contacts, by status and by calling zone (the
    largest first), attempts."""

    contacts: int
    stats: ListStats
    zones: list[ZoneTally]


class ListPage(Struct, kw_only=True):
    data: list[ListRead]
    next_cursor: str | None


class PublishResult(Struct, kw_only=True):
    list_id: int
    published: int


class ListQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    cursor: str | None = None
    limit: Annotated[int, Meta(ge=1, le=500)] = 100
    name: str | None = None
