"""Wire shapes for the dial queue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from dialbook.contacts.schemas import Contact, Phone

Outcome = Literal[
    "answered",
    "no_answer",
    "busy",
    "voicemail",
    "failed",
    "wrong_number",
    "dnc_request",
    "completed",
    "callback",
]
OUTCOMES: tuple[Outcome, ...] = (
    "answered",
    "no_answer",
    "busy",
    "voicemail",
    "failed",
    "wrong_number",
    "dnc_request",
    "completed",
    "callback",
)
# Outcomes after which the contact is called again (at retry_at, or after the list's delay).
RETRY_OUTCOMES = frozenset({"no_answer", "busy", "voicemail", "failed", "callback"})

Reason = Literal[
    "held",
    "leased",
    "finished",
    "do_not_call",
    "suppressed",
    "max_attempts",
    "no_phone",
    "national_dnc",
    "stale_registry",
    "reassigned",
    "no_consent",
    "no_timezone",
    "holiday",
    "outside_calling_hours",
    "retry_later",
]
REASONS: tuple[Reason, ...] = (
    "held",
    "leased",
    "finished",
    "do_not_call",
    "suppressed",
    "max_attempts",
    "no_phone",
    "national_dnc",
    "stale_registry",
    "reassigned",
    "no_consent",
    "no_timezone",
    "holiday",
    "outside_calling_hours",
    "retry_later",
)


class ClaimRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    count: Annotated[int, Meta(ge=1, le=100)] = 1
    agent: Annotated[str, Meta(max_length=200)] | None = None
    lease_seconds: Annotated[int, Meta(ge=5, le=86_400)] = 300


class Lease(Struct, kw_only=True):
    lease_id: int
    phone: Phone  # the number to dial
    contact: Contact
    expires_at: dt.datetime


class ClaimResult(Struct, kw_only=True):
    list_id: int
    leases: list[Lease]


class OutcomeRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    outcome: Outcome
    notes: Annotated[str, Meta(max_length=10_000)] | None = None
    retry_at: dt.datetime | None = None


class OutcomeResult(Struct, kw_only=True):
    lease_id: int
    contact_id: int
    outcome: str
    status: str
    attempts: int
    due_at: dt.datetime | None
    version: int  # the contact's version after the outcome (for If-Match)


class Preview(Struct, kw_only=True):
    list_id: int
    at: dt.datetime
    total: int
    callable: int
    excluded: dict[str, int]
    summary: str


class LocalTime(Struct, kw_only=True):
    zone: str
    time: dt.datetime  # with the zone's offset at that instant


class RuleSource(Struct, kw_only=True, omit_defaults=True):
    """Where the rule that stops a contact comes from."""

    kind: Literal[
        "calling_window",
        "state_override",
        "holiday",
        "suppression_list",
        "contact",
        "list",
        "lease",
        "dnc_registry",
    ]
    list_id: int | None = None
    state: str | None = None  # state_override: whose hours
    date: dt.date | None = None  # holiday: the local date
    suppression_list_id: int | None = None
    suppression_id: int | None = None
    lease_id: int | None = None
    registry: str | None = None  # dnc_registry: its name


class NotCallableReason(Struct, kw_only=True):
    reason: Reason  # the preview's codes
    detail: str
    source: RuleSource
    local_times: list[LocalTime]  # the contact's local time in each of its zones


class CallableNow(Struct, kw_only=True):
    """Whether a contact may be called now, on which number, and if not, why not."""

    contact_id: int
    list_id: int
    at: dt.datetime
    callable: bool
    number: str | None  # the number a claim would dial
    local_times: list[LocalTime]
    reasons: list[NotCallableReason]
    next_callable_at: dt.datetime | None  # when every time-bound reason has passed
