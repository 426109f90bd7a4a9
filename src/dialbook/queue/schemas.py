"""Wire shapes for the dial queue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from dialbook.contacts.schemas import Contact, Dialing, Phone

Outcome = Literal[
    "answered",
    "no_answer",
    "busy",
    "voicemail",
    "failed",
    "wrong_number",
    "disconnected",
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
    "disconnected",
    "dnc_request",
    "completed",
    "callback",
)
# Outcomes after which the contact is called again (at retry_at, or after the list's
# delay), on the same number or the next (normalize/numbers.py).
RETRY_OUTCOMES = frozenset({"no_answer", "busy", "voicemail", "callback"})

Reason = Literal[
    "held",
    "leased",
    "finished",
    "do_not_call",
    "suppressed",
    "max_attempts",
    "no_phone",
    "invalid_number",
    "national_dnc",
    "stale_registry",
    "reassigned",
    "no_consent",
    "no_timezone",
    "holiday",
    "outside_calling_hours",
    "retry_later",
    "frequency_cap",
]
REASONS: tuple[Reason, ...] = (
    "held",
    "leased",
    "finished",
    "do_not_call",
    "suppressed",
    "max_attempts",
    "no_phone",
    "invalid_number",
    "national_dnc",
    "stale_registry",
    "reassigned",
    "no_consent",
    "no_timezone",
    "holiday",
    "outside_calling_hours",
    "retry_later",
    "frequency_cap",
)


class ClaimRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    count: Annotated[int, Meta(ge=1, le=100)] = 1
    agent: Annotated[str, Meta(max_length=200)] | None = None
    lease_seconds: Annotated[int, Meta(ge=5, le=86_400)] = 300


class Lease(Struct, kw_only=True):
    lease_id: int
    phone: Phone  # the number to dial
    # Why this number (normalize/numbers.py): first, mobile_first, same_number,
    # next_after_<outcome>, invalid_allowed.
    number_reason: str
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
    number: str  # the number the outcome was recorded on
    number_dialing: Dialing  # that number's dialing state after it
    next_number: str | None  # the number the next claim dials (null: none left)


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
        "state_rule",
        "dnc_registry",
    ]
    list_id: int | None = None
    state: str | None = None  # state_override, state_rule: whose rule
    # state_rule: the built-in rule's statute or regulation, where to read it, since when it
    # is in force, and the version of the rules file (GET /v1/compliance/us-state-rules).
    law: str | None = None
    url: str | None = None
    effective: dt.date | None = None
    rules_version: str | None = None
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


class StateHours(Struct, kw_only=True):
    days: list[str]
    start: str
    end: str


class StateCap(Struct, kw_only=True):
    count: int
    hours: int
    scope: str


class StateHoliday(Struct, kw_only=True):
    name: str
    date: str  # "MM-DD" or "nth:<weekday>:<n>:<month>" (n = -1: the last)


class StateRuleRead(Struct, kw_only=True):
    state: str
    name: str
    law: str
    url: str
    effective: dt.date
    hours: list[StateHours]
    holidays: list[StateHoliday]
    observed: str
    cap: StateCap | None
    note: str


class UsStateRules(Struct, kw_only=True):
    """The built-in US state rules a list applies with ``compliance.us_state_rules``."""

    version: str
    states: dict[str, StateRuleRead]
    unverified: dict[str, str]  # VICIdial seed rows not applied (their text is unchecked)


class HourOutlook(Struct, kw_only=True):
    """One hour of the day ahead: how many contacts may be called then."""

    at: dt.datetime  # the hour's start (UTC)
    callable: int  # waiting contacts whose zones are all inside the window at ``at``
    opening: int  # of those, the ones whose window was closed the hour before


class Outlook(Struct, kw_only=True):
    """The preview now, and the next 24 hours of calling windows across the time zones."""

    preview: Preview
    hours: list[HourOutlook]


class QueueActivity(Struct, kw_only=True):
    """A list's queue at work: leases now, retries waiting, claims and outcomes since
    ``since`` (the start of the day in the list's default time zone, or UTC)."""

    list_id: int
    at: dt.datetime
    since: dt.datetime
    since_zone: str
    leased: int
    expiring_soon: int  # leases ending within ``EXPIRING_SECONDS``
    expired: int  # leases past their end, not yet released (the next claim releases them)
    retries_due: int  # queued, called before, due now
    retries_next_hour: int  # queued, called before, due within the next hour
    claimed: int  # attempts claimed since ``since``
    outcomes: dict[str, int]  # of those attempts; "open": no outcome yet


class ZoneCount(Struct, kw_only=True):
    """A list's contacts in one set of time zones (and US states, for their hours)."""

    list_id: int
    zones: list[str]
    states: list[str]
    contacts: int
