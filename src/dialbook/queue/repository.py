"""All SQL for the dial queue: zones, callable contacts, leases, outcomes, preview counts.

Concurrency: on SQLite every claim runs in the single writer, one at a time. On PostgreSQL
the candidate rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent claimers skip
each other's rows instead of waiting or double-leasing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    case,
    func,
    select,
    update,
)

from dialbook.db import Conn, bulk
from dialbook.db.tables import call_zones, contacts, dial_attempts
from dialbook.kit.rows import as_dict


@dataclass(frozen=True, slots=True)
class Compliance:
    """Which of the optional rules apply to a list now (queue.service.compliance)."""

    registries: bool = False  # the workspace holds a registry copy: NATIONAL_DNC
    stale_registry: bool = False  # STALE_REGISTRY
    block_reassigned: bool = False  # REASSIGNED
    consent_for_mobile: bool = False  # NO_CONSENT
    ebr_since: dt.datetime | None = None  # NATIONAL_DNC's exemption window


NO_COMPLIANCE = Compliance()


def all_zones(conn: Conn) -> list[tuple[int, str]]:
    return [(int(i), str(k)) for i, k in conn.execute(select(call_zones.c.id, call_zones.c.key))]


def release_expired(
    conn: Conn, *, workspace_id: int, list_id: int, now: dt.datetime
) -> list[tuple[int, int]]:
    """Contacts whose lease ran out go back to the queue: (contact id, lease id) of each."""
    expired = [
        (int(contact_id), int(lease_id))
        for contact_id, lease_id in conn.execute(
            select(contacts.c.id, contacts.c.lease_id).where(
                contacts.c.workspace_id == workspace_id,
                contacts.c.list_id == list_id,
                contacts.c.status == "leased",
                contacts.c.lease_expires_at <= now,
            )
        )
    ]
    if expired:
        conn.execute(
            update(contacts)
            .where(
                contacts.c.workspace_id == workspace_id,
                contacts.c.id.in_([contact_id for contact_id, _ in expired]),
            )
            .values(status="queued", lease_id=None, lease_expires_at=None)
        )
    return expired


def callable_now(
    conn: Conn,
    *,
    workspace_id: int,
    list_id: int,
    zone_ids: Sequence[int],
    now: dt.datetime,
    max_attempts: int | None,
    limit: int,
    dial_invalid_numbers: bool = False,
    caps: Sequence[Cap] = (),
    compliance: Compliance = NO_COMPLIANCE,
) -> list[tuple[int, str]]:
    """(contact id, number) of the next callable contacts, in dialing order, locked."""
    if not zone_ids:
        return []
    rules = _rules(max_attempts, dial_invalid_numbers, caps, compliance)
    if conn.dialect.name == "sqlite":
        return _callable_per_zone(
            conn, workspace_id, list_id, zone_ids, now, max_attempts, rules, limit, caps,
            compliance,
        )  # fmt: skip
    values = _named_values(conn, workspace_id, now, max_attempts, compliance)
    values |= _cap_values(conn, caps, now)
    rows = bulk.query(
        conn,
        _PER_ZONE_LOCKED.format(rules=_claim_filter(rules)),
        [
            list(zone_ids),
            workspace_id,
            list_id,
            *_values([r for r in rules if r is not LEASED], values),
            limit,
            limit,
        ],
    )
    return [(int(row[0]), str(row[1])) for row in rows]


# The callable condition, written once. A queued contact of a zone inside its calling
# window is callable when none of these rules holds; the preview counts each other contact
# under the first rule that holds, and ``/callable`` reports every one that does. Each rule
# is SQL over the contacts row ``c`` whose ``?`` take the named values, in order. From this
# one definition the builders below emit the claim's filter (raw SQL on the driver, the hot
# path), the preview's per-zone counts and the one-contact check: the forms differ because
# the claim must stay an index walk and the preview an index-only scan, not the rules.
@dataclass(frozen=True, slots=True)
class Rule:
    reason: str  # the preview's reason code
    sql: str  # true when the rule stops the contact
    params: tuple[str, ...] = ()


LEASED = Rule("leased", "(c.status = 'leased' AND c.lease_expires_at > ?)", ("now",))
DO_NOT_CALL = Rule("do_not_call", "(c.dnc OR c.dnd_call)")
# Suppressions match the number that would be dialed, wherever it is among the phones,
# with an entry in force.
_DIALED = "c.dial_number"
_IN_FORCE = "(s.expires_at IS NULL OR s.expires_at > ?)"
SUPPRESSED = Rule(
    "suppressed",
    f"EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ?"
    f" AND s.number = {_DIALED} AND {_IN_FORCE})",
    ("workspace_id", "now"),
)
MAX_ATTEMPTS = Rule("max_attempts", "c.attempts >= ?", ("max_attempts",))
NO_PHONE = Rule("no_phone", "c.dial_number IS NULL")
# The number to dial is one libphonenumber does not know as valid (no valid one is left);
# not applied on lists with dial_invalid_numbers.
INVALID_NUMBER = Rule("invalid_number", "NOT c.dial_number_valid")
# Consent and registries read the dialed phone's columns (contacts.normalize.dial_compliance).
# On a do-not-call registry: the number, or its whole area code ("+1NPA"), unless the phone
# has express written consent, or an established business relationship obtained after
# ``ebr_since`` (three months back: the TSR's shorter window, for inquiries).
_NOT_EXEMPT = (
    "(c.dial_consent IS NULL OR c.dial_consent = 'prior_express'"
    " OR (c.dial_consent = 'established_business_relationship'"
    " AND (c.dial_consent_at IS NULL OR c.dial_consent_at <= ?)))"
)
NATIONAL_DNC = Rule(
    "national_dnc",
    f"({_NOT_EXEMPT} AND EXISTS (SELECT 1 FROM dnc_registry_numbers r WHERE r.workspace_id = ?"
    f" AND r.number IN ({_DIALED}, substr({_DIALED}, 1, 5))))",
    ("ebr_since", "workspace_id"),
)
# The list asks for a registry copy no older than its registry_max_age_days, and the
# workspace's us-national copy is older (or missing): no +1 number is dialed.
STALE_REGISTRY = Rule("stale_registry", f"{_DIALED} LIKE '+1%'")
REASSIGNED = Rule("reassigned", "(c.dial_reassigned IS NOT NULL AND c.dial_reassigned = 'yes')")
# A mobile needs prior express (written) consent: an established business relationship
# is no consent to autodialed calls to a mobile under the TCPA.
NO_CONSENT = Rule(
    "no_consent",
    "(c.dial_mobile AND (c.dial_consent IS NULL"
    " OR c.dial_consent NOT IN ('express_written', 'prior_express')))",
)
RETRY_LATER = Rule("retry_later", "c.due_at > ?", ("now",))
# A frequency cap: the number dialed was called ``cap_count`` times or more since
# ``cap_since`` (now minus the cap's window), in any list of the workspace. One rule per cap
# in force (``cap_rules``): the list's, and per group of zones the states' cap.
FREQUENCY_CAP = Rule(
    "frequency_cap",
    "(SELECT count(*) FROM dial_attempts a WHERE a.workspace_id = ?"
    f" AND a.number = {_DIALED} AND a.claimed_at > ?) >= ?",
    ("workspace_id", "cap_since", "cap_count"),
)
# In the order the preview applies them (the calling window comes between no_consent and
# retry_later there: it is per zone, not per row). The caps come last.
RULES = (
    LEASED,
    DO_NOT_CALL,
    SUPPRESSED,
    MAX_ATTEMPTS,
    NO_PHONE,
    INVALID_NUMBER,
    NATIONAL_DNC,
    STALE_REGISTRY,
    REASSIGNED,
    NO_CONSENT,
    RETRY_LATER,
    FREQUENCY_CAP,
)


@dataclass(frozen=True, slots=True)
class Cap:
    """A frequency cap in force: at most ``count`` calls to a number in ``hours`` hours,
    for the contacts of ``zone_ids`` (None: every zone; a state's cap covers the zones
    keyed with that state)."""

    count: int
    hours: int
    zone_ids: tuple[int, ...] | None = None


@functools.lru_cache(maxsize=256)
def _cap_rule(i: int, zone_ids: tuple[int, ...] | None) -> Rule:
    """FREQUENCY_CAP for the ``i``-th cap, limited to its zones (ids are our integers)."""
    params = ("workspace_id", f"cap{i}_since", f"cap{i}_count")
    if zone_ids is None:
        return Rule(FREQUENCY_CAP.reason, FREQUENCY_CAP.sql, params)
    zones = ", ".join(str(int(z)) for z in zone_ids)
    return Rule(FREQUENCY_CAP.reason, f"(c.zone_id IN ({zones}) AND {FREQUENCY_CAP.sql})", params)


def _rules(
    max_attempts: int | None,
    dial_invalid_numbers: bool = False,
    caps: Sequence[Cap] = (),
    compliance: Compliance = NO_COMPLIANCE,
) -> tuple[Rule, ...]:
    """The rules a list applies: no attempt limit without max_attempts, invalid numbers
    allowed with dial_invalid_numbers, the consent and registry rules it asks for, and one
    frequency-cap rule per cap in force."""
    skipped = {
        MAX_ATTEMPTS: max_attempts is None,
        INVALID_NUMBER: dial_invalid_numbers,
        NATIONAL_DNC: not compliance.registries,
        STALE_REGISTRY: not compliance.stale_registry,
        REASSIGNED: not compliance.block_reassigned,
        NO_CONSENT: not compliance.consent_for_mobile,
        FREQUENCY_CAP: True,
    }
    base = tuple(r for r in RULES if not skipped.get(r, False))
    return base + tuple(
        _cap_rule(i, cap.zone_ids) for i, cap in enumerate(caps) if cap.zone_ids != ()
    )


def _cap_values(conn: Conn, caps: Sequence[Cap], now: dt.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for i, cap in enumerate(caps):
        since = now - dt.timedelta(hours=cap.hours)
        values[f"cap{i}_since"] = bulk.insert_value(conn, dial_attempts.c.claimed_at, since)
        values[f"cap{i}_count"] = cap.count
    return values


def _named_values(
    conn: Conn, workspace_id: int, now: Any, max_attempts: int | None, compliance: Compliance
) -> dict[str, Any]:
    """The values the rules' ``?`` take, by name (times as the driver takes them)."""
    since = compliance.ebr_since
    return {
        "workspace_id": workspace_id,
        "now": now,
        "max_attempts": max_attempts,
        "ebr_since": None if since is None else bulk.insert_value(conn, contacts.c.due_at, since),
    }


def _values(rules: Sequence[Rule], values: dict[str, Any]) -> list[Any]:
    return [values[name] for rule in rules for name in rule.params]


@functools.cache
def _claim_filter(rules: tuple[Rule, ...]) -> str:
    """The claim's WHERE terms: none of the rules holds (leases: the claim reads only
    ``queued`` rows, after releasing the expired ones)."""
    return "".join(f" AND NOT ({rule.sql})" for rule in rules if rule is not LEASED)


# The best ``limit`` callable contacts of one zone: a short walk of the per-zone index.
_IN_ZONE = (
    "SELECT c.id, c.dial_number, c.queue_rank, c.due_at FROM contacts c"
    " WHERE c.workspace_id = ? AND c.list_id = ? AND c.status = 'queued'"
    " AND c.zone_id = {zone}{rules}"
    " ORDER BY c.queue_rank, c.due_at, c.id LIMIT ?"
)

# PostgreSQL: each open zone walked with LATERAL, locked with SKIP LOCKED so concurrent
# claimers pass over each other's picks.
_PER_ZONE_LOCKED = (
    "SELECT x.id, x.dial_number FROM unnest(?::int[]) AS z(zone) CROSS JOIN LATERAL ("
    + _IN_ZONE.replace("{zone}", "z.zone")
    + " FOR UPDATE OF c SKIP LOCKED) AS x ORDER BY x.queue_rank, x.due_at, x.id LIMIT ?"
)

# SQLite: one zone's part of a UNION ALL.
_PER_ZONE = "SELECT * FROM (" + _IN_ZONE.replace("{zone}", "?") + ")"


def _callable_per_zone(
    conn: Conn,
    workspace_id: int,
    list_id: int,
    zone_ids: Sequence[int],
    now: dt.datetime,
    max_attempts: int | None,
    rules: tuple[Rule, ...],
    limit: int,
    caps: Sequence[Cap],
    compliance: Compliance,
) -> list[tuple[int, str]]:
    """SQLite: the best ``limit`` contacts of each open zone, each a short walk of the
    (list, status, zone, rank, due, id) index, then the best of those. Contacts of closed
    zones are never read, however many wait at the head of the queue."""
    at = bulk.insert_value(conn, contacts.c.due_at, now)
    part = _PER_ZONE.format(rules=_claim_filter(rules))
    values = _named_values(conn, workspace_id, at, max_attempts, compliance)
    values |= _cap_values(conn, caps, now)
    filter_values = _values([r for r in rules if r is not LEASED], values)
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(zone_ids), 100):  # SQLite allows 500 terms in a compound select
        zones = zone_ids[start : start + 100]
        params: list[Any] = []
        for zone in zones:
            params += [workspace_id, list_id, zone, *filter_values, limit]
        rows += bulk.query(conn, " UNION ALL ".join([part] * len(zones)), params)
    rows.sort(key=lambda row: (row[2], row[3], row[0]))
    return [(int(row[0]), str(row[1])) for row in rows[:limit]]


_LEASE = (
    "UPDATE contacts SET status = 'leased', lease_id = ?, lease_expires_at = ?"
    " WHERE workspace_id = ? AND id = ?"
)


def lease(
    conn: Conn,
    *,
    workspace_id: int,
    list_id: int,
    picks: Sequence[tuple[int, str]],
    agent: str | None,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> dict[int, int]:
    """Record one attempt per picked contact and lease it; contact id -> lease id.
    (A claim's hot path: the driver runs these statements.)"""
    leases: dict[int, int] = {}
    for contact_id, number in picks:
        row = {
            "workspace_id": workspace_id,
            "list_id": list_id,
            "contact_id": contact_id,
            "number": number,
            "agent": agent,
            "claimed_at": now,
            "lease_expires_at": expires_at,
        }
        leases[contact_id] = int(bulk.insert_one(conn, dial_attempts, row, returning="id"))
    if leases:
        expires = bulk.insert_value(conn, contacts.c.lease_expires_at, expires_at)
        bulk.cursor(conn).executemany(
            bulk.sql(conn, _LEASE),
            [(lid, expires, workspace_id, cid) for cid, lid in leases.items()],
        )
    return leases


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    list_id: int
    contact_id: int
    number: str
    claimed_at: dt.datetime
    outcome: str | None
    contact_lease_id: int | None
    attempts: int


def get_attempt(conn: Conn, *, workspace_id: int, id: int) -> Attempt | None:
    row = conn.execute(
        select(
            dial_attempts.c.id,
            dial_attempts.c.list_id,
            dial_attempts.c.contact_id,
            dial_attempts.c.number,
            dial_attempts.c.claimed_at,
            dial_attempts.c.outcome,
            contacts.c.lease_id.label("contact_lease_id"),
            contacts.c.attempts,
        )
        .join(
            contacts,
            and_(
                contacts.c.workspace_id == dial_attempts.c.workspace_id,
                contacts.c.id == dial_attempts.c.contact_id,
            ),
        )
        .where(dial_attempts.c.workspace_id == workspace_id, dial_attempts.c.id == id)
    ).one_or_none()
    return None if row is None else Attempt(**as_dict(row))


def finish_attempt(
    conn: Conn,
    *,
    workspace_id: int,
    attempt: Attempt,
    outcome: str,
    notes: str | None,
    retry_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    conn.execute(
        update(dial_attempts)
        .where(dial_attempts.c.workspace_id == workspace_id, dial_attempts.c.id == attempt.id)
        .values(outcome=outcome, notes=notes, retry_at=retry_at, completed_at=now)
    )


def _pivot_sql(rules: Sequence[Rule], sqlite: bool) -> str:
    """Per rule, a count of the rows it is the first to stop (its parameters repeat: rule
    ``i`` is in the columns of rules ``i`` and after)."""
    columns = []
    for i, rule in enumerate(rules):
        condition = " AND ".join([f"NOT ({r.sql})" for r in rules[:i]] + [f"({rule.sql})"])
        # SQLite sums its 0/1 booleans faster than it evaluates CASE or FILTER.
        columns.append(f"sum({condition})" if sqlite else f"count(*) FILTER (WHERE {condition})")
    return ", ".join(columns)


def _pivot_values(rules: Sequence[Rule], values: dict[str, Any]) -> list[Any]:
    return [v for i in range(len(rules)) for v in _values(rules[: i + 1], values)]


# The preview's per-zone counts of one status: the index is in zone order within a status,
# and every column the rules of queued rows read is in it (no table reads).
_PIVOT = (
    "SELECT c.zone_id, count(*), {pivot} FROM contacts c"
    " WHERE c.workspace_id = ? AND c.list_id = ? AND c.status = ? GROUP BY c.zone_id"
)
# The suppressed: the contacts of the suppressed numbers, materialized first so that both
# planners walk from the (usually far smaller) suppression side, then kept when the number
# is the one dialed: SUPPRESSED, from the other side.
_SUPPRESSED_PIVOT = (
    "WITH found AS MATERIALIZED (SELECT DISTINCT p.contact_id, p.number FROM suppressions s"
    " JOIN contact_phones p ON p.workspace_id = s.workspace_id AND p.number = s.number"
    f" WHERE s.workspace_id = ? AND {_IN_FORCE})"
    " SELECT c.zone_id, count(*), {pivot} FROM found f"
    " JOIN contacts c ON c.workspace_id = ? AND c.id = f.contact_id"
    # "+ 0": no index on list_id here, so the planner walks from the suppressed numbers to
    # their contacts instead of through every contact of the list.
    f" WHERE c.list_id + 0 = ? AND c.status IN ('queued', 'leased') AND {_DIALED} = f.number"
    " GROUP BY c.zone_id"
)


_ANY_SUPPRESSED = f"SELECT 1 FROM suppressions s WHERE s.workspace_id = ? AND {_IN_FORCE} LIMIT 1"


def _pivot_rows(rows: Sequence[tuple[Any, ...]], rules: Sequence[Rule]) -> list[dict[str, Any]]:
    found = []
    for zone, total, *counts in rows:
        group = {"zone_id": zone, "total": int(total), "leased": 0}
        for rule, n in zip(rules, counts, strict=True):  # several caps share one reason
            group[rule.reason] = group.get(rule.reason, 0) + int(n or 0)
        found.append(group)
    return found


def preview_counts(
    conn: Conn,
    *,
    workspace_id: int,
    list_id: int,
    now: dt.datetime,
    max_attempts: int | None,
    dial_invalid_numbers: bool = False,
    caps: Sequence[Cap] = (),
    compliance: Compliance = NO_COMPLIANCE,
) -> tuple[dict[str, int], list[dict[str, Any]], list[dict[str, Any]]]:
    """What a preview needs, in passes that each walk an index in order:

    - contacts per status (index only);
    - per zone, of the queued and of the leased contacts: how many stop at each rule
      (``zone_id``, ``total`` and one count per rule's reason);
    - the same for the suppressed ones.
    """
    in_list = (contacts.c.workspace_id == workspace_id) & (contacts.c.list_id == list_id)
    statuses = {
        str(status): int(n)
        for status, n in conn.execute(
            select(contacts.c.status, func.count()).where(in_list).group_by(contacts.c.status)
        )
    }
    sqlite = conn.dialect.name == "sqlite"
    at = bulk.insert_value(conn, contacts.c.due_at, now)
    values = _named_values(conn, workspace_id, at, max_attempts, compliance)
    values |= _cap_values(conn, caps, now)
    rules = [
        r
        for r in _rules(max_attempts, dial_invalid_numbers, caps, compliance)
        if r is not SUPPRESSED
    ]
    queued = rules[1:]  # no leases among queued rows: the index alone answers
    zones: list[dict[str, Any]] = []
    for status, pivot in (("queued", queued), ("leased", rules)):
        rows = bulk.query(
            conn,
            _PIVOT.format(pivot=_pivot_sql(pivot, sqlite)),
            [*_pivot_values(pivot, values), workspace_id, list_id, status],
        )
        zones += _pivot_rows(rows, pivot)
    if not bulk.query(conn, _ANY_SUPPRESSED, [workspace_id, at]):
        return statuses, zones, []  # nothing suppressed: no second pass
    rows = bulk.query(
        conn,
        _SUPPRESSED_PIVOT.replace("{pivot}", _pivot_sql(rules, sqlite)),
        [workspace_id, at, *_pivot_values(rules, values), workspace_id, list_id],
    )
    return statuses, zones, _pivot_rows(rows, rules)


def check_contact(
    conn: Conn,
    *,
    workspace_id: int,
    id: int,
    now: dt.datetime,
    max_attempts: int | None,
    dial_invalid_numbers: bool = False,
    caps: Sequence[Cap] = (),
    compliance: Compliance = NO_COMPLIANCE,
) -> dict[str, Any] | None:
    """One contact's queue state and, per rule's reason, whether it stops the contact."""
    row = conn.execute(
        select(
            contacts.c.list_id,
            contacts.c.status,
            contacts.c.zone_id,
            contacts.c.dial_number,
            contacts.c.due_at,
            contacts.c.lease_expires_at,
            contacts.c.attempts,
            contacts.c.lease_id,
            call_zones.c.key.label("zone_key"),
        )
        .select_from(contacts)
        .outerjoin(call_zones, call_zones.c.id == contacts.c.zone_id)
        .where(contacts.c.workspace_id == workspace_id, contacts.c.id == id)
    ).one_or_none()
    if row is None:
        return None
    rules = _rules(max_attempts, dial_invalid_numbers, caps, compliance)
    at = bulk.insert_value(conn, contacts.c.due_at, now)
    values = _named_values(conn, workspace_id, at, max_attempts, compliance)
    values |= _cap_values(conn, caps, now)
    flags = bulk.query(
        conn,
        "SELECT " + ", ".join(f"({r.sql})" for r in rules) + " FROM contacts c"
        " WHERE c.workspace_id = ? AND c.id = ?",
        [*_values(rules, values), workspace_id, id],
    )[0]
    found = as_dict(row)
    for rule, flag in zip(rules, flags, strict=True):  # several caps share one reason
        found[rule.reason] = found.get(rule.reason, False) or bool(flag)
    return found


def zone_of_contact(conn: Conn, *, workspace_id: int, id: int) -> tuple[int, str] | None:
    """The contact's zone: (id, key), or None."""
    rows = bulk.query(
        conn,
        "SELECT z.id, z.key FROM contacts c JOIN call_zones z ON z.id = c.zone_id"
        " WHERE c.workspace_id = ? AND c.id = ?",
        [workspace_id, id],
    )
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


def zones_of(conn: Conn, *, workspace_id: int, ids: Sequence[int]) -> dict[int, int | None]:
    """Contact id -> its zone id (which state caps apply to a pick)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    # On SQLite, ``+workspace_id`` keeps the ids' primary key driving the query: otherwise
    # it prefers ix_contacts_counts, which covers both columns, and scans the workspace's
    # part of it (~80-200 ms a claim on 1M contacts).
    workspace = "+workspace_id" if conn.dialect.name == "sqlite" else "workspace_id"
    rows = bulk.query(
        conn,
        f"SELECT id, zone_id FROM contacts WHERE {workspace} = ? AND id IN ({marks})",
        [workspace_id, *ids],
    )
    return {int(i): None if z is None else int(z) for i, z in rows}


def calls_since(
    conn: Conn, *, workspace_id: int, numbers: Sequence[str], since: dt.datetime
) -> dict[str, list[dt.datetime]]:
    """Number -> when it was claimed after ``since``, in any list of the workspace, oldest
    first (a short range of the (workspace, number, claimed_at) index per number)."""
    if not numbers:
        return {}
    rows = conn.execute(
        select(dial_attempts.c.number, dial_attempts.c.claimed_at)
        .where(
            dial_attempts.c.workspace_id == workspace_id,
            dial_attempts.c.number.in_(sorted(set(numbers))),
            dial_attempts.c.claimed_at > since,
        )
        .order_by(dial_attempts.c.number, dial_attempts.c.claimed_at)
    )
    found: dict[str, list[dt.datetime]] = {}
    for number, claimed_at in rows:
        found.setdefault(str(number), []).append(claimed_at)
    return found


def activity_counts(
    conn: Conn,
    *,
    workspace_id: int,
    list_id: int,
    now: dt.datetime,
    soon: dt.datetime,
    hour_later: dt.datetime,
    since: dt.datetime,
) -> dict[str, Any]:
    """The queue monitor's counts, each from one index range: the leases (the partial
    index of leased contacts), the retries waiting (the queue index, queued rows only) and
    the attempts claimed since ``since`` per outcome (attempts by list and time)."""
    in_list = (contacts.c.workspace_id == workspace_id) & (contacts.c.list_id == list_id)
    expires = contacts.c.lease_expires_at
    leased, expiring, expired = conn.execute(
        select(
            func.count(),
            func.count(case(((expires > now) & (expires <= soon), 1))),
            func.count(case((expires <= now, 1))),
        ).where(in_list, contacts.c.status == "leased")
    ).one()
    due, next_hour = conn.execute(
        select(
            func.count(case((contacts.c.due_at <= now, 1))),
            func.count(case((contacts.c.due_at > now, 1))),
        ).where(
            in_list,
            contacts.c.status == "queued",
            contacts.c.attempts > 0,
            contacts.c.due_at <= hour_later,
        )
    ).one()
    outcomes = {
        "open" if outcome is None else str(outcome): int(n)
        for outcome, n in conn.execute(
            select(dial_attempts.c.outcome, func.count())
            .where(
                dial_attempts.c.workspace_id == workspace_id,
                dial_attempts.c.list_id == list_id,
                dial_attempts.c.claimed_at >= since,
            )
            .group_by(dial_attempts.c.outcome)
        )
    }
    return {
        "leased": int(leased),
        "expiring_soon": int(expiring),
        "expired": int(expired),
        "retries_due": int(due),
        "retries_next_hour": int(next_hour),
        "outcomes": outcomes,
    }


def zone_keys(conn: Conn, *, ids: Sequence[int]) -> dict[int, str]:
    """Zone id -> its key ("America/Chicago|America/New_York@IN")."""
    if not ids:
        return {}
    rows = conn.execute(select(call_zones.c.id, call_zones.c.key).where(call_zones.c.id.in_(ids)))
    return {int(i): str(k) for i, k in rows}
