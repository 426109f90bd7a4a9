"""Rules of the dial queue.

A contact is handed out when it is queued and due, not flagged do-not-call (flag or active
call DND), its number is not suppressed in the workspace, it has attempts left, its number
is within its frequency caps, and every zone it must be called in is inside the list's
calling window right now (with the built-in rules of the contact's US states on top).
Order: priority (null = hot lead first, then lower numbers), then when it became due, then
age. Each claim leases the contact to one agent until the lease expires or an outcome is
recorded.

The per-contact rules are written once, in ``repository.RULES``; claims, the preview and
``check`` (GET /v1/contacts/{id}/callable) are all built from them, and the calling window
is decided per zone here (``windows.Window``) for all three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from dialbook.contacts import normalize
from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, Dialing
from dialbook.db import Conn, locks
from dialbook.errors import Conflict, NotFound, invalid
from dialbook.events import service as event_service
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead, ZoneTally
from dialbook.normalize import numbers
from dialbook.normalize.timezones import zone as tz
from dialbook.normalize.zone_keys import parse_zone_key
from dialbook.queue import repository, state_rules
from dialbook.queue.schemas import (
    REASONS,
    RETRY_OUTCOMES,
    CallableNow,
    ClaimRequest,
    ClaimResult,
    HourOutlook,
    Lease,
    LocalTime,
    NotCallableReason,
    OutcomeRequest,
    OutcomeResult,
    Outlook,
    Preview,
    QueueActivity,
    Reason,
    RuleSource,
    StateRuleRead,
    UsStateRules,
    ZoneCount,
)
from dialbook.queue.windows import (
    Closed,
    Closure,
    Window,
    window_from,
)
from dialbook.registries import service as registry_service
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import SuppressionCreate
from dialbook.workspaces.schemas import Caller


def open_zone_ids(
    conn: Conn,
    *,
    window: Window,
    now: dt.datetime,
    zones: list[tuple[int, str]] | None = None,
) -> list[int]:
    """Ids of the zone keys whose calling window is open at ``now``."""
    open_ids = []
    for id, key in repository.all_zones(conn) if zones is None else zones:
        names, states = parse_zone_key(key)
        if window.open_for(names, states, now):
            open_ids.append(id)
    return open_ids


def window_of(lst: ListRead) -> Window:
    """The list's calling window, with the built-in US state rules unless turned off."""
    return window_from(_window(lst), us_state_rules=lst.compliance.us_state_rules)


def caps_of(lst: ListRead, zones: list[tuple[int, str]]) -> list[repository.Cap]:
    """The frequency caps in force for the list: its own ``max_calls_per_number`` (every
    zone) and, with the state rules on, per group of zones the cap of their states."""
    caps = []
    own = lst.compliance.max_calls_per_number
    if own is not None:
        caps.append(repository.Cap(own.count, own.hours))
    if lst.compliance.us_state_rules:
        groups: dict[state_rules.Cap, list[int]] = {}
        for id, key in zones:
            found = state_rules.strictest_cap(parse_zone_key(key)[1])
            if found is not None:
                groups.setdefault(found[0], []).append(id)
        for cap, ids in sorted(groups.items(), key=lambda item: (item[0].count, item[0].hours)):
            caps.append(repository.Cap(cap.count, cap.hours, tuple(sorted(ids))))
    return caps


def _caps_on(caps: list[repository.Cap], zone_id: int | None) -> list[repository.Cap]:
    return [c for c in caps if c.zone_ids is None or zone_id in c.zone_ids]


def _within_caps(
    conn: Conn,
    *,
    workspace_id: int,
    picks: list[tuple[int, str]],
    caps: list[repository.Cap],
    now: dt.datetime,
) -> list[tuple[int, str]]:
    """The picks that stay within every cap, counted again under a lock per number.

    The claim's filter read the counts before this claim's picks and without seeing
    concurrent claims. Here each capped number is locked (PostgreSQL: an advisory lock
    until the commit; SQLite's single writer already serializes claims), its calls are
    counted again (read committed: the claims that held the lock before are visible) with
    this batch's own picks added, and a pick that would pass a cap is dropped. Numbers no
    cap covers are neither locked nor counted."""
    if not caps or not picks:
        return picks
    zone_ids = repository.zones_of(conn, workspace_id=workspace_id, ids=[c for c, _ in picks])
    capped = {c: _caps_on(caps, zone_ids.get(c)) for c, _ in picks}
    numbers = sorted({number for c, number in picks if capped[c]})
    if not numbers:
        return picks
    locks.lock(conn, [f"calls:{workspace_id}:{number}" for number in numbers])
    longest = max(cap.hours for cap in caps)
    calls = repository.calls_since(
        conn, workspace_id=workspace_id, numbers=numbers, since=now - dt.timedelta(hours=longest)
    )
    kept = []
    for contact_id, number in picks:
        times = calls.setdefault(number, [])
        if all(
            sum(t > now - dt.timedelta(hours=cap.hours) for t in times) < cap.count
            for cap in capped[contact_id]
        ):
            kept.append((contact_id, number))
            times.append(now)
    return kept


def closed_zones(
    conn: Conn,
    *,
    window: Window,
    now: dt.datetime,
    zones: list[tuple[int, str]] | None = None,
) -> dict[int, Closed | None]:
    """Zone id -> why its calling window is closed at ``now`` (None: open)."""
    return {
        id: window.closed_because(*parse_zone_key(key), now)
        for id, key in (repository.all_zones(conn) if zones is None else zones)
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
    zones = repository.all_zones(conn)
    open_ids = open_zone_ids(conn, window=window_of(lst), now=now, zones=zones)
    # Only the caps of zones open now (the zones listed stay all of the cap's, so that the
    # claim's statement changes only when a new zone key appears).
    caps = [
        cap
        for cap in caps_of(lst, zones)
        if cap.zone_ids is None or not set(cap.zone_ids).isdisjoint(open_ids)
    ]
    picks = repository.callable_now(
        conn,
        workspace_id=caller.workspace_id,
        list_id=list_id,
        zone_ids=open_ids,
        now=now,
        max_attempts=lst.max_attempts,
        limit=request.count,
        dial_invalid_numbers=lst.dial_invalid_numbers,
        caps=caps,
        compliance=compliance(conn, workspace_id=caller.workspace_id, lst=lst, now=now),
    )
    picks = _within_caps(conn, workspace_id=caller.workspace_id, picks=picks, caps=caps, now=now)
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
    found = contact_service.get_many(
        conn, caller=caller, ids=[contact_id for contact_id, _ in picks]
    )
    result = []
    for contact_id, number in picks:
        contact = found[contact_id]
        phones = msgspec.to_builtins(contact.phones)
        result.append(
            Lease(
                lease_id=leases[contact_id],
                phone=next((p for p in contact.phones if p.number == number), contact.phones[0]),
                number_reason=numbers.reason(phones, lst.phone_order, number),
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
    contact = contact_service.get(conn, caller=caller, id=attempt.contact_id)
    # The outcome is the dialed number's too; the next number follows from them all.
    phones = numbers.after_outcome(
        msgspec.to_builtins(contact.phones),
        number=attempt.number,
        outcome=request.outcome,
        at=attempt.claimed_at,
    )
    dial = normalize.dial_columns(phones, lst.phone_order)
    left = dial["dial_number"] is not None and (
        dial["dial_number_valid"] or lst.dial_invalid_numbers
    )
    status, due_at = _next_state(request, lst, attempts, now, numbers_left=left)
    values: dict[str, Any] = {
        "status": status,
        "attempts": attempts,
        "last_dial_at": attempt.claimed_at,
        "last_outcome": request.outcome,
        "due_at": due_at,
        "lease_id": None,
        "lease_expires_at": None,
        "updated_at": now,
        "phones": phones,
        **dial,
    }
    dialed = next((p for p in phones if p["number"] == attempt.number), None)
    number_dialing = msgspec.convert(
        numbers.dialing(dialed) if dialed else numbers.fresh(), Dialing
    )
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
            "number": attempt.number,
            "number_dialing": number_dialing,
            "next_number": dial["dial_number"],
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
        number=attempt.number,
        number_dialing=number_dialing,
        next_number=dial["dial_number"],
    )


def _next_state(
    request: OutcomeRequest,
    lst: ListRead,
    attempts: int,
    now: dt.datetime,
    *,
    numbers_left: bool,
) -> tuple[str, dt.datetime | None]:
    """The contact's status and due time after an outcome. A number marked bad moves on
    to the next at once; with no number left that the list dials, the contact is
    exhausted."""
    if request.outcome == "dnc_request":
        return "dnc", None
    moves_on = request.outcome in numbers.NUMBER_DONE
    if not moves_on and request.outcome not in RETRY_OUTCOMES:
        return "completed", None
    if not numbers_left:
        return "exhausted", None
    if lst.max_attempts is not None and attempts >= lst.max_attempts:
        return "exhausted", None
    if moves_on:
        return "queued", request.retry_at or now
    due = request.retry_at or now + dt.timedelta(minutes=lst.retry_minutes)
    return "queued", due


def preview(conn: Conn, *, caller: Caller, list_id: int, now: dt.datetime | None = None) -> Preview:
    """How many contacts are callable now, and how many are excluded for each reason."""
    return _counted(conn, caller, list_id, now or clock.now()).preview


@dataclass(frozen=True, slots=True)
class _Counted:
    preview: Preview
    window: Window
    zones: list[tuple[int, str]]
    waiting: dict[int, int]  # zone id -> contacts only its calling window (or time) stops


def _counted(conn: Conn, caller: Caller, list_id: int, now: dt.datetime) -> _Counted:
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    all_zones = repository.all_zones(conn)
    window = window_of(lst)
    closed = closed_zones(conn, window=window, now=now, zones=all_zones)
    counts: dict[str, int] = dict.fromkeys(REASONS, 0)
    statuses, zones, suppressed = repository.preview_counts(
        conn,
        workspace_id=caller.workspace_id,
        list_id=list_id,
        now=now,
        max_attempts=lst.max_attempts,
        dial_invalid_numbers=lst.dial_invalid_numbers,
        caps=caps_of(lst, all_zones),
        compliance=compliance(conn, workspace_id=caller.workspace_id, lst=lst, now=now),
    )
    total = sum(statuses.values())
    counts["held"] = statuses.get("held", 0)
    counts["finished"] = statuses.get("completed", 0) + statuses.get("exhausted", 0)
    counts["do_not_call"] = statuses.get("dnc", 0)
    callable_count = 0
    waiting: dict[int, int] = {}
    for group in zones:
        callable_count += _spread(group, counts, closed, +1)
        _wait(waiting, group, +1)
    for group in suppressed:  # counted above as if not suppressed: move them
        moved = group["total"] - group["leased"] - group["do_not_call"]
        callable_count -= _spread(group, counts, closed, -1, after_blocked=True)
        counts["suppressed"] += moved
        _wait(waiting, group, -1)
    excluded = {reason: n for reason, n in counts.items() if n}
    found = Preview(
        list_id=list_id,
        at=now,
        total=total,
        callable=callable_count,
        excluded=excluded,
        summary=_summary(callable_count, total, excluded),
    )
    return _Counted(found, window, all_zones, waiting)


def _wait(waiting: dict[int, int], group: dict[str, Any], sign: int) -> None:
    if group["zone_id"] is not None:
        zone = int(group["zone_id"])
        waiting[zone] = waiting.get(zone, 0) + sign * _unblocked(group)


def outlook(conn: Conn, *, caller: Caller, list_id: int, now: dt.datetime | None = None) -> Outlook:
    """The preview, and for each of the next 24 hours how many of the contacts waiting
    only for their calling window (or a retry time, or a cap) are inside it then: the
    calling windows of every zone, evaluated at each hour's start, from one preview's
    counts (so a contact due in three hours counts from now on)."""
    now = now or clock.now()
    counted = _counted(conn, caller, list_id, now)
    keys = dict(counted.zones)
    hour = now.replace(minute=0, second=0, microsecond=0)
    starts = [hour + dt.timedelta(hours=k) for k in range(-1, 24)]
    parsed = {zone: parse_zone_key(keys[zone]) for zone in counted.waiting}
    open_at = [
        {zone for zone, key in parsed.items() if counted.window.open_for(*key, at)} for at in starts
    ]
    hours = [
        HourOutlook(
            at=starts[k],
            callable=sum(counted.waiting[zone] for zone in open_at[k]),
            opening=sum(counted.waiting[zone] for zone in open_at[k] - open_at[k - 1]),
        )
        for k in range(1, len(starts))
    ]
    return Outlook(preview=counted.preview, hours=hours)


# A lease ending within this is "expiring soon" on the queue monitor.
EXPIRING_SECONDS = 120


def activity(
    conn: Conn, *, caller: Caller, list_id: int, now: dt.datetime | None = None
) -> QueueActivity:
    """The list's leases, retries waiting, and the claims and outcomes of its day so far
    (the day of the list's default time zone, or UTC's)."""
    now = now or clock.now()
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    zone_name = lst.default_timezone or "UTC"
    local = now.astimezone(tz(zone_name))
    since = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)
    counts = repository.activity_counts(
        conn,
        workspace_id=caller.workspace_id,
        list_id=list_id,
        now=now,
        soon=now + dt.timedelta(seconds=EXPIRING_SECONDS),
        hour_later=now + dt.timedelta(hours=1),
        since=since,
    )
    return QueueActivity(
        list_id=list_id,
        at=now,
        since=since,
        since_zone=zone_name,
        claimed=sum(counts["outcomes"].values()),
        **counts,
    )


def named_zones(conn: Conn, *, list_id: int, tallies: list[ZoneTally]) -> list[ZoneCount]:
    """A list's contacts per calling zone (``list_service.counts``) with the zones' time
    zones and states (contacts without one: no zones), the largest first."""
    keys = repository.zone_keys(
        conn, ids=sorted({t.zone_id for t in tallies if t.zone_id is not None})
    )
    found = []
    for tally in tallies:
        zone = tally.zone_id
        names, states = parse_zone_key(keys[zone]) if zone is not None else ((), ())
        found.append(
            ZoneCount(
                list_id=list_id, zones=list(names), states=list(states), contacts=tally.contacts
            )
        )
    return sorted(found, key=lambda z: (-z.contacts, z.zones, z.states))


# The rules after leases, do-not-call and suppressions that stop a row whatever its zone.
_PER_ROW = (
    "max_attempts",
    "no_phone",
    "invalid_number",
    "national_dnc",
    "stale_registry",
    "reassigned",
    "no_consent",
)


def _unblocked(group: dict[str, Any]) -> int:
    """A zone group's contacts that no rule of the row stops (only time stops them: the
    calling window, a retry time, a frequency cap)."""
    stopped = ("leased", "do_not_call", *_PER_ROW)
    return int(group["total"] - sum(group.get(k, 0) for k in stopped))


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
    (suppressed), out of attempts, no phone, an invalid number, the registries, reassigned,
    no consent; then no time zone, a holiday or outside calling hours (per zone); then
    waiting for a retry, then a frequency cap.
    """
    if not after_blocked:
        counts["leased"] += sign * group["leased"]
        counts["do_not_call"] += sign * group["do_not_call"]
    for reason in _PER_ROW:
        counts[reason] += sign * group.get(reason, 0)
    rest = _unblocked(group)
    zone_id = group["zone_id"]
    why = "no_timezone" if zone_id is None else closed.get(zone_id, "outside_calling_hours")
    if why is not None:
        counts[why] += sign * rest
        return 0
    counts["retry_later"] += sign * group["retry_later"]
    counts["frequency_cap"] += sign * group.get("frequency_cap", 0)
    return int(rest - group["retry_later"] - group.get("frequency_cap", 0))


_LABELS = {
    "held": "held until the list is published",
    "leased": "leased to an agent",
    "finished": "finished",
    "do_not_call": "do-not-call",
    "suppressed": "on the suppression list",
    "max_attempts": "out of attempts",
    "no_phone": "without a phone",
    "invalid_number": "with only invalid numbers left",
    "national_dnc": "on a do-not-call registry",
    "stale_registry": "not checked against a fresh do-not-call registry",
    "reassigned": "reassigned numbers",
    "no_consent": "mobiles without consent",
    "no_timezone": "without a time zone",
    "holiday": "on a holiday",
    "outside_calling_hours": "outside calling hours",
    "retry_later": "waiting to be retried",
    "frequency_cap": "called as often as a frequency cap allows",
}


def _summary(callable_count: int, total: int, excluded: dict[str, int]) -> str:
    parts = [f"{callable_count:,} of {total:,} callable now"]
    for reason, n in sorted(excluded.items(), key=lambda item: -item[1]):
        parts.append(f"{n:,} {_LABELS[reason]}")
    return "; ".join(parts)


# Reasons no time will lift: a contact stopped by one has no next_callable_at.
_LASTING = frozenset(
    {"held", "finished", "do_not_call", "max_attempts", "no_phone", "invalid_number", "no_timezone"}
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
    zone = repository.zone_of_contact(conn, workspace_id=caller.workspace_id, id=id)
    caps = caps_of(lst, [zone] if zone else [])
    rules = compliance(conn, workspace_id=caller.workspace_id, lst=lst, now=now)
    row = repository.check_contact(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        now=now,
        max_attempts=lst.max_attempts,
        dial_invalid_numbers=lst.dial_invalid_numbers,
        caps=caps,
        compliance=rules,
    )
    if row is None:  # deleted since
        raise NotFound(f"No contact with id {id}.")
    window = window_of(lst)
    zones, state = parse_zone_key(row["zone_key"]) if row["zone_key"] else ((), ())
    times = [LocalTime(zone=name, time=now.astimezone(tz(name))) for name in zones]
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
        add("no_phone", "no number left to dial", on_contact)
    if row.get("invalid_number"):
        add(
            "invalid_number",
            f"{row['dial_number']} is not a number libphonenumber knows as valid, and the"
            " list does not dial such numbers (dial_invalid_numbers)",
            on_list,
        )
    _compliance_reasons(conn, caller, lst, row, contact, add)
    if not zones:
        add("no_timezone", "no time zone, and the list has no default_timezone", on_contact)
    else:
        # The first rule that closes the window (the preview's reason), with its source.
        closures = window.closures(zones, state, now)
        if closures:
            add(closures[0].reason, *_closed_detail(closures[0], zones, now, lst.id))
    if row["retry_later"]:
        add("retry_later", f"due again at {row['due_at'].isoformat()}", on_contact)
    cap_free_at: list[dt.datetime] = []
    if row.get("frequency_cap"):
        for detail, source, free_at in _capped(
            conn, caller, lst, row["dial_number"], _caps_on(caps, row["zone_id"]), zone, now
        ):
            add("frequency_cap", detail, source)
            cap_free_at.append(free_at)
    return CallableNow(
        contact_id=id,
        list_id=lst.id,
        at=now,
        callable=not reasons,
        number=row["dial_number"],
        local_times=times,
        reasons=reasons,
        next_callable_at=_next_callable(
            window, zones, state, now, row, reasons, [*expiries, *cap_free_at]
        ),
    )


def _state_source(rule: state_rules.StateRule) -> RuleSource:
    return RuleSource(
        kind="state_rule",
        state=rule.state,
        law=rule.law,
        url=rule.url,
        effective=rule.effective,
        rules_version=state_rules.book().version,
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
    closure: Closure, zones: tuple[str, ...], now: dt.datetime, list_id: int
) -> tuple[str, RuleSource]:
    local_times = ", ".join(f"{now.astimezone(tz(n)):%a %H:%M} in {n}" for n in zones)
    day = closure.local.date()
    if closure.rule is not None:
        rule = closure.rule
        if closure.reason == "holiday":
            detail = f"{day.isoformat()} is {closure.holiday}, a restricted day in {rule.name}"
        else:
            found = rule.hours_on(day)
            span = f"{found.start:%H:%M}-{found.end:%H:%M}" if found else "no calls that day"
            detail = f"outside {rule.name}'s calling hours on {day:%A}s ({span}): {local_times}"
        return f"{detail}; {rule.citation}", _state_source(rule)
    if closure.kind == "holiday":
        detail = f"{day.isoformat()} is a holiday of the list in {closure.zone}"
        return detail, RuleSource(kind="holiday", list_id=list_id, date=day)
    assert closure.hours is not None
    span = f"{closure.hours.start:%H:%M}-{closure.hours.end:%H:%M}"
    if closure.kind == "state_override":
        detail = f"outside {closure.state}'s calling hours ({span}): {local_times}"
        return detail, RuleSource(kind="state_override", list_id=list_id, state=closure.state)
    detail = f"outside the list's calling hours ({span}): {local_times}"
    return detail, RuleSource(kind="calling_window", list_id=list_id)


def _capped(
    conn: Conn,
    caller: Caller,
    lst: ListRead,
    number: str,
    caps: list[repository.Cap],
    zone: tuple[int, str] | None,
    now: dt.datetime,
) -> list[tuple[str, RuleSource, dt.datetime]]:
    """Each cap ``number`` has reached: why, its source, and when the oldest call counted
    leaves the window (the cap is no longer reached)."""
    longest = max((cap.hours for cap in caps), default=0)
    calls = repository.calls_since(
        conn,
        workspace_id=caller.workspace_id,
        numbers=[number],
        since=now - dt.timedelta(hours=longest),
    ).get(number, [])
    found = []
    for cap in caps:
        within = [t for t in calls if t > now - dt.timedelta(hours=cap.hours)]
        if len(within) < cap.count:
            continue
        free_at = within[len(within) - cap.count] + dt.timedelta(hours=cap.hours)
        detail = f"{number} was called {len(within)} times in the last {cap.hours} hours"
        if cap.zone_ids is None:
            source = RuleSource(kind="list", list_id=lst.id)
            detail += f" (the list's max_calls_per_number allows {cap.count})"
        else:
            states = parse_zone_key(zone[1])[1] if zone else ()
            capped = state_rules.strictest_cap(states)
            assert capped is not None
            rule = capped[1]
            source = _state_source(rule)
            detail += f" ({rule.name} allows {cap.count}); {rule.citation}"
        found.append((detail, source, free_at))
    return found


def _next_callable(
    window: Window,
    zones: tuple[str, ...],
    state: tuple[str, ...],
    now: dt.datetime,
    row: dict[str, Any],
    reasons: list[NotCallableReason],
    expiries: list[dt.datetime | None],
) -> dt.datetime | None:
    """The first instant every time-bound reason has passed: the later of the due time,
    the lease's expiry, the suppressions' expiries and the frequency caps' releases, then
    the next window opening."""
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


def us_state_rules() -> UsStateRules:
    """The built-in rules file, as the API shows it."""
    found = state_rules.book()
    states = {
        code: msgspec.convert(
            {"state": code, "observed": "none", "holidays": [], "cap": None, **data},
            StateRuleRead,
        )
        for code, data in found.raw["states"].items()
    }
    return UsStateRules(version=found.version, states=states, unverified=dict(found.unverified))
