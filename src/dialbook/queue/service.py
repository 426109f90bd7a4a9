"""Rules of the dial queue.

A contact is handed out when it is queued and due, not flagged do-not-call (flag or active
call DND), its number is not suppressed in the workspace, it has attempts left, and every
zone it must be called in is inside the list's calling window right now. Order: priority
(null = hot lead first, then lower numbers), then when it became due, then age. Each claim
leases the contact to one agent until the lease expires or an outcome is recorded.

The per-contact rules are written once, in ``repository.RULES``; claims, the preview and
``check`` (GET /v1/contacts/{id}/callable) are all built from them, and the calling window
is decided per zone here (``windows.Window``) for all three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec

from dialbook.contacts import repository as contact_repository
from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact
from dialbook.db import Conn
from dialbook.errors import Conflict, NotFound, invalid
from dialbook.events import service as event_service
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.timezones import zone
from dialbook.queue import repository
from dialbook.queue.schemas import (
    REASONS,
    RETRY_OUTCOMES,
    CallableNow,
    ClaimRequest,
    ClaimResult,
    Lease,
    LocalTime,
    NotCallableReason,
    OutcomeRequest,
    OutcomeResult,
    Preview,
    Reason,
    RuleSource,
)
from dialbook.queue.windows import Closed, Window, parse_zone_key, window_from, zone_key
from dialbook.registries import service as registry_service
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import SuppressionCreate
from dialbook.workspaces.schemas import Caller


def zone_id_for(conn: Conn, *, zones: list[str] | tuple[str, ...], state: str | None) -> int | None:
    key = zone_key(zones, state)
    return None if key is None else repository.zone_id(conn, key=key)


def open_zone_ids(conn: Conn, *, window: Window, now: dt.datetime) -> list[int]:
    """Ids of the zone keys whose calling window is open at ``now``."""
    open_ids = []
    for id, key in repository.all_zones(conn):
        zones, state = parse_zone_key(key)
        if window.open_for(zones, state, now):
            open_ids.append(id)
    return open_ids


def closed_zones(conn: Conn, *, window: Window, now: dt.datetime) -> dict[int, Closed | None]:
    """Zone id -> why its calling window is closed at ``now`` (None: open)."""
    return {
        id: window.closed_because(*parse_zone_key(key), now)
        for id, key in repository.all_zones(conn)
    }


def compliance(
    conn: Conn, *, workspace_id: int, lst: ListRead, now: dt.datetime
) -> repository.Compliance:
    """Which consent and registry rules apply to ``lst``'s contacts at ``now``."""
    as_of = registry_service.as_of_dates(conn, workspace_id=workspace_id)
    max_age = lst.registry_max_age_days
    return repository.Compliance(
        registries=bool(as_of),
        stale_registry=max_age is not None
        and registry_service.is_stale(
            as_of.get(registry_service.US_NATIONAL), max_age_days=max_age, now=now
        ),
        block_reassigned=lst.block_reassigned,
        consent_for_mobile=lst.require_consent_for_mobile,
        ebr_since=_months_before(now, EBR_MONTHS),
    )


# An established business relationship exempts a number from the do-not-call registries
# for three months after ``consent.obtained_at``: the TSR's window for an inquiry (a
# purchase gives 18 months, but dialbook cannot tell them apart, so the shorter applies).
EBR_MONTHS = 3


def _months_before(at: dt.datetime, months: int) -> dt.datetime:
    month = at.month - months
    year = at.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(at.day, _days_in(year, month))
    return at.replace(year=year, month=month, day=day)


def _days_in(year: int, month: int) -> int:
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    return (after - dt.timedelta(days=1)).day


def claim(
    conn: Conn,
    *,
    caller: Caller,
    list_id: int,
    request: ClaimRequest,
    now: dt.datetime | None = None,
) -> ClaimResult:
    now = now or clock.now()
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    expired = repository.release_expired(
        conn, workspace_id=caller.workspace_id, list_id=list_id, now=now
    )
    event_service.record_many(
        conn,
        (
            event_service.row(
                caller,
                "queue.lease_expired",
                at=now,
                list_id=list_id,
                contact_id=contact_id,
                data={"lease_id": lease_id, "contact_id": contact_id},
            )
            for contact_id, lease_id in expired
        ),
    )
    picks = repository.callable_now(
        conn,
        workspace_id=caller.workspace_id,
        list_id=list_id,
        zone_ids=open_zone_ids(conn, window=window_from(_window(lst)), now=now),
        now=now,
        max_attempts=lst.max_attempts,
        limit=request.count,
        compliance=compliance(conn, workspace_id=caller.workspace_id, lst=lst, now=now),
    )
    expires_at = now + dt.timedelta(seconds=request.lease_seconds)
    leases = repository.lease(
        conn,
        workspace_id=caller.workspace_id,
        list_id=list_id,
        picks=picks,
        agent=request.agent,
        now=now,
        expires_at=expires_at,
    )
    found = contact_repository.get_many(
        conn, workspace_id=caller.workspace_id, ids=[contact_id for contact_id, _ in picks]
    )
    result = []
    for contact_id, number in picks:
        contact = found[contact_id]
        result.append(
            Lease(
                lease_id=leases[contact_id],
                phone=next((p for p in contact.phones if p.number == number), contact.phones[0]),
                contact=contact,
                expires_at=expires_at,
            )
        )
    event_service.record_many(
        conn,
        (
            event_service.row(
                caller,
                "queue.claimed",
                at=now,
                list_id=list_id,
                contact_id=lease.contact.id,
                version=lease.contact.version,
                data={"agent": request.agent, **msgspec.to_builtins(lease)},
            )
            for lease in result
        ),
    )
    return ClaimResult(list_id=list_id, leases=result)


def _window(lst: ListRead) -> dict[str, Any] | None:
    return None if lst.calling_window is None else msgspec.to_builtins(lst.calling_window)


def record_outcome(
    conn: Conn,
    *,
    caller: Caller,
    lease_id: int,
    request: OutcomeRequest,
    now: dt.datetime | None = None,
) -> OutcomeResult:
    now = now or clock.now()
    attempt = repository.get_attempt(conn, workspace_id=caller.workspace_id, id=lease_id)
    if attempt is None:
        raise NotFound(f"No lease with id {lease_id}.")
    if attempt.outcome is not None:
        raise Conflict(f"Lease {lease_id} already has the outcome {attempt.outcome!r}.")
    if attempt.contact_lease_id not in (None, lease_id):
        raise Conflict(f"Lease {lease_id} expired and its contact was handed out again.")
    if request.outcome == "callback" and request.retry_at is None:
        raise invalid("retry_at", "is required for a callback")
    if request.retry_at is not None:
        if request.retry_at.tzinfo is None:
            raise invalid("retry_at", "needs a time zone offset, e.g. 2026-12-01T15:00:00Z")
        # Every time dialbook answers with is UTC ("Z"), whatever offset it was sent in.
        request = msgspec.structs.replace(request, retry_at=request.retry_at.astimezone(dt.UTC))
    lst = list_service.get(
        conn, workspace_id=caller.workspace_id, id=attempt.list_id, with_count=False
    )
    attempts = attempt.attempts + 1
    status, due_at = _next_state(request, lst, attempts, now)
    values: dict[str, Any] = {
        "status": status,
        "attempts": attempts,
        "last_dial_at": attempt.claimed_at,
        "last_outcome": request.outcome,
        "due_at": due_at,
        "lease_id": None,
        "lease_expires_at": None,
        "updated_at": now,
    }
    if request.outcome == "dnc_request":
        values["dnc"] = True
        suppression_service.add(
            conn,
            caller=caller,
            data=SuppressionCreate(number=attempt.number, reason="asked not to be called"),
            source="dnc_request",
        )
    repository.finish_attempt(
        conn,
        workspace_id=caller.workspace_id,
        attempt=attempt,
        outcome=request.outcome,
        notes=request.notes,
        retry_at=request.retry_at,
        now=now,
    )
    contact = contact_service.set_queue_state(
        conn,
        caller=caller,
        id=attempt.contact_id,
        values=values,
        type="queue.outcome_recorded",
        detail={
            "lease_id": lease_id,
            "outcome": request.outcome,
            "notes": request.notes,
            "retry_at": request.retry_at,
        },
    )
    return OutcomeResult(
        lease_id=lease_id,
        contact_id=attempt.contact_id,
        outcome=request.outcome,
        status=status,
        attempts=attempts,
        due_at=due_at,
        version=contact.version,
    )


def _next_state(
    request: OutcomeRequest, lst: ListRead, attempts: int, now: dt.datetime
) -> tuple[str, dt.datetime | None]:
    if request.outcome == "dnc_request":
        return "dnc", None
    if request.outcome not in RETRY_OUTCOMES:
        return "completed", None
    if lst.max_attempts is not None and attempts >= lst.max_attempts:
        return "exhausted", None
    due = request.retry_at or now + dt.timedelta(minutes=lst.retry_minutes)
    return "queued", due


def preview(conn: Conn, *, caller: Caller, list_id: int, now: dt.datetime | None = None) -> Preview:
    """How many contacts are callable now, and how many are excluded for each reason."""
    now = now or clock.now()
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    closed = closed_zones(conn, window=window_from(_window(lst)), now=now)
    counts: dict[str, int] = dict.fromkeys(REASONS, 0)
    statuses, zones, suppressed = repository.preview_counts(
        conn,
        workspace_id=caller.workspace_id,
        list_id=list_id,
        now=now,
        max_attempts=lst.max_attempts,
        compliance=compliance(conn, workspace_id=caller.workspace_id, lst=lst, now=now),
    )
    total = sum(statuses.values())
    counts["held"] = statuses.get("held", 0)
    counts["finished"] = statuses.get("completed", 0) + statuses.get("exhausted", 0)
    counts["do_not_call"] = statuses.get("dnc", 0)
    callable_count = 0
    for group in zones:
        callable_count += _spread(group, counts, closed, +1)
    for group in suppressed:  # counted above as if not suppressed: move them
        moved = group["total"] - group["leased"] - group["do_not_call"]
        callable_count -= _spread(group, counts, closed, -1, after_blocked=True)
        counts["suppressed"] += moved
    excluded = {reason: n for reason, n in counts.items() if n}
    return Preview(
        list_id=list_id,
        at=now,
        total=total,
        callable=callable_count,
        excluded=excluded,
        summary=_summary(callable_count, total, excluded),
    )


# The rules after leases, do-not-call and suppressions that stop a row whatever its zone.
_PER_ROW = (
    "max_attempts",
    "no_phone",
    "national_dnc",
    "stale_registry",
    "reassigned",
    "no_consent",
)


def _spread(
    group: dict[str, Any],
    counts: dict[str, int],
    closed: dict[int, Closed | None],
    sign: int,
    *,
    after_blocked: bool = False,
) -> int:
    """Add (or take away) a zone group's contacts to their reasons; how many are callable.

    The reasons apply in the order of ``repository.RULES``: leased, do-not-call,
    (suppressed), out of attempts, no phone, the registries, reassigned, no consent; then
    no time zone, a holiday or outside calling hours (per zone); then waiting for a retry.
    """
    if not after_blocked:
        counts["leased"] += sign * group["leased"]
        counts["do_not_call"] += sign * group["do_not_call"]
    for reason in _PER_ROW:
        counts[reason] += sign * group.get(reason, 0)
    stopped = ("leased", "do_not_call", *_PER_ROW)
    rest = group["total"] - sum(group.get(k, 0) for k in stopped)
    zone_id = group["zone_id"]
    why = "no_timezone" if zone_id is None else closed.get(zone_id, "outside_calling_hours")
    if why is not None:
        counts[why] += sign * rest
        return 0
    counts["retry_later"] += sign * group["retry_later"]
    return int(rest - group["retry_later"])


_LABELS = {
    "held": "held until the list is published",
    "leased": "leased to an agent",
    "finished": "finished",
    "do_not_call": "do-not-call",
    "suppressed": "on the suppression list",
    "max_attempts": "out of attempts",
    "no_phone": "without a phone",
    "national_dnc": "on a do-not-call registry",
    "stale_registry": "not checked against a fresh do-not-call registry",
    "reassigned": "reassigned numbers",
    "no_consent": "mobiles without consent",
    "no_timezone": "without a time zone",
    "holiday": "on a holiday",
    "outside_calling_hours": "outside calling hours",
    "retry_later": "waiting to be retried",
}


def _summary(callable_count: int, total: int, excluded: dict[str, int]) -> str:
    parts = [f"{callable_count:,} of {total:,} callable now"]
    for reason, n in sorted(excluded.items(), key=lambda item: -item[1]):
        parts.append(f"{n:,} {_LABELS[reason]}")
    return "; ".join(parts)


# Reasons no time will lift: a contact stopped by one has no next_callable_at.
_LASTING = frozenset(
    {"held", "finished", "do_not_call", "max_attempts", "no_phone", "no_timezone"}
    | {"national_dnc", "stale_registry", "reassigned", "no_consent"}
)


def check(conn: Conn, *, caller: Caller, id: int, now: dt.datetime | None = None) -> CallableNow:
    """May this contact be called now, on which number, and if not, every reason why not
    (the same rules and codes as claims and the preview), with when it next may be."""
    now = now or clock.now()
    contact = contact_service.get(conn, caller=caller, id=id)
    lst = list_service.get(
        conn, workspace_id=caller.workspace_id, id=contact.list_id, with_count=False
    )
    rules = compliance(conn, workspace_id=caller.workspace_id, lst=lst, now=now)
    row = repository.check_contact(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        now=now,
        max_attempts=lst.max_attempts,
        compliance=rules,
    )
    if row is None:  # deleted since
        raise NotFound(f"No contact with id {id}.")
    window = window_from(_window(lst))
    zones, state = parse_zone_key(row["zone_key"]) if row["zone_key"] else ((), None)
    times = [LocalTime(zone=name, time=now.astimezone(zone(name))) for name in zones]
    reasons: list[NotCallableReason] = []

    def add(reason: Reason, detail: str, source: RuleSource) -> None:
        reasons.append(
            NotCallableReason(reason=reason, detail=detail, source=source, local_times=times)
        )

    on_contact = RuleSource(kind="contact")
    on_list = RuleSource(kind="list", list_id=lst.id)
    status = row["status"]
    if status == "held":
        add("held", f"held until list {lst.id} is published", on_list)
    elif status in ("completed", "exhausted"):
        add("finished", f"finished ({status}, last outcome {contact.last_outcome})", on_contact)
    elif status == "dnc":
        add("do_not_call", "marked do-not-call by a dnc_request outcome", on_contact)
    if row["leased"]:
        add(
            "leased",
            f"leased to an agent until {row['lease_expires_at'].isoformat()}",
            RuleSource(kind="lease", lease_id=row["lease_id"]),
        )
    if row["do_not_call"]:
        flag = "its dnc flag is set" if contact.dnc else f"call DND is {contact.dnd.get('call')}"
        add("do_not_call", f"do-not-call: {flag}", on_contact)
    expiries: list[dt.datetime | None] = []
    if row["suppressed"]:
        found = suppression_service.check(conn, caller=caller, number=row["dial_number"], now=now)
        for entry in found.entries:
            until = f" until {entry.expires_at.isoformat()}" if entry.expires_at else ""
            add(
                "suppressed",
                f"{entry.number} is on suppression list {entry.suppression_list_id}{until}",
                RuleSource(
                    kind="suppression_list",
                    suppression_list_id=entry.suppression_list_id,
                    suppression_id=entry.id,
                ),
            )
            expiries.append(entry.expires_at)
        if not found.entries:  # removed since the rule was read
            add("suppressed", f"{row['dial_number']} is suppressed", on_contact)
            expiries.append(None)
    if row.get("max_attempts"):
        add(
            "max_attempts",
            f"{row['attempts']} attempts of the list's {lst.max_attempts}",
            RuleSource(kind="list", list_id=lst.id),
        )
    if row["no_phone"]:
        add("no_phone", "no phone libphonenumber knows as a valid number", on_contact)
    _compliance_reasons(conn, caller, lst, row, contact, add)
    closed = window.closed_because(zones, state, now)
    if closed == "no_timezone":
        add("no_timezone", "no time zone, and the list has no default_timezone", on_contact)
    elif closed is not None:
        add(closed, *_closed_detail(window, zones, state, now, lst.id))
    if row["retry_later"]:
        add("retry_later", f"due again at {row['due_at'].isoformat()}", on_contact)
    return CallableNow(
        contact_id=id,
        list_id=lst.id,
        at=now,
        callable=not reasons,
        number=row["dial_number"],
        local_times=times,
        reasons=reasons,
        next_callable_at=_next_callable(window, zones, state, now, row, reasons, expiries),
    )


def _compliance_reasons(
    conn: Conn,
    caller: Caller,
    lst: ListRead,
    row: dict[str, Any],
    contact: Contact,
    add: Callable[[Reason, str, RuleSource], None],
) -> None:
    """``check``'s reasons from the consent and registry rules."""
    number = row["dial_number"]
    on_list = RuleSource(kind="list", list_id=lst.id)
    if row.get("national_dnc"):
        found = registry_service.entries_for(conn, workspace_id=caller.workspace_id, number=number)
        for name, key in found or [("", number)]:  # ("": removed since the rule was read)
            entry = f"its area code {key[2:]}" if len(key) == 5 else number
            add(
                "national_dnc",
                f"{number}: {entry} is on the {name or 'a'} do-not-call registry, and the phone"
                " has no express written consent or recent established business relationship",
                RuleSource(kind="dnc_registry", registry=name or None),
            )
    if row.get("stale_registry"):
        as_of = registry_service.as_of_dates(conn, workspace_id=caller.workspace_id).get(
            registry_service.US_NATIONAL
        )
        copy = f"is as of {as_of.isoformat()}" if as_of else "was never imported"
        add(
            "stale_registry",
            f"the workspace's us-national registry copy {copy}; list {lst.id} dials only on a"
            f" copy at most {lst.registry_max_age_days} days old (16 CFR 310.4(b)(3)(iv))",
            RuleSource(kind="dnc_registry", list_id=lst.id, registry=registry_service.US_NATIONAL),
        )
    phone = next((p for p in contact.phones if p.number == number), None)
    if row.get("reassigned") and phone is not None and phone.reassigned:
        checked = phone.reassigned.checked_at
        when = f" (checked {checked.isoformat()})" if checked else ""
        add("reassigned", f"{number} was reassigned{when}; the list blocks reassigned numbers",
            on_list)  # fmt: skip
    if row.get("no_consent"):
        consent = phone.consent if phone is not None else None
        kind = f" ({consent.type} is not enough)" if consent else ""
        add("no_consent", f"{number} is a mobile without prior express consent{kind}; the list"
            " requires consent for mobiles", on_list)  # fmt: skip


def _closed_detail(
    window: Window, zones: tuple[str, ...], state: str | None, now: dt.datetime, list_id: int
) -> tuple[str, RuleSource]:
    for name in zones:
        local = now.astimezone(zone(name))
        if local.date() in window.holidays:
            detail = f"{local.date().isoformat()} is a holiday of the list in {name}"
            return detail, RuleSource(kind="holiday", list_id=list_id, date=local.date())
    hours = window.hours_for(state)
    span = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    local_times = ", ".join(f"{now.astimezone(zone(n)):%a %H:%M} in {n}" for n in zones)
    if state in window.states:
        detail = f"outside {state}'s calling hours ({span}): {local_times}"
        return detail, RuleSource(kind="state_override", list_id=list_id, state=state)
    detail = f"outside the list's calling hours ({span}): {local_times}"
    return detail, RuleSource(kind="calling_window", list_id=list_id)


def _next_callable(
    window: Window,
    zones: tuple[str, ...],
    state: str | None,
    now: dt.datetime,
    row: dict[str, Any],
    reasons: list[NotCallableReason],
    expiries: list[dt.datetime | None],
) -> dt.datetime | None:
    """The first instant every time-bound reason has passed: the later of the due time,
    the lease's expiry and the suppressions' expiries, then the next window opening."""
    if not reasons:
        return now
    if any(r.reason in _LASTING for r in reasons) or None in expiries:
        return None
    after = max(
        [now]
        + [e for e in expiries if e is not None]
        + ([row["due_at"]] if row["retry_later"] else [])
        + ([row["lease_expires_at"]] if row["leased"] else [])
    )
    return window.next_open(zones, state, after)
