"""All SQL for the dial queue: zones, callable contacts, leases, outcomes, preview counts.

Concurrency: on SQLite every claim runs in the single writer, one at a time. On PostgreSQL
the candidate rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent claimers skip
each other's rows instead of waiting or double-leasing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    case,
    func,
    insert,
    literal,
    select,
    update,
)

from dialbook.db import Conn, bulk
from dialbook.db.tables import call_zones, contact_phones, contacts, dial_attempts, suppressions
from dialbook.kit.rows import as_dict


def zone_id(conn: Conn, *, key: str) -> int:
    """The id of a zone key, added on first use."""
    found = bulk.query(conn, "SELECT id FROM call_zones WHERE key = ?", [key])
    if found:
        return int(found[0][0])
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(call_zones).values(key=key).on_conflict_do_nothing())
    else:
        conn.execute(insert(call_zones).values(key=key))
    return int(conn.execute(select(call_zones.c.id).where(call_zones.c.key == key)).scalar_one())


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
) -> list[tuple[int, str]]:
    """(contact id, number) of the next callable contacts, in dialing order, locked."""
    if not zone_ids:
        return []
    if conn.dialect.name == "sqlite":
        return _callable_per_zone(conn, workspace_id, list_id, zone_ids, now, max_attempts, limit)
    attempts = " AND c.attempts < ?" if max_attempts is not None else ""
    rows = bulk.query(
        conn,
        _PER_ZONE_LOCKED.format(attempts=attempts),
        [
            list(zone_ids),
            workspace_id,
            list_id,
            now,
            *([max_attempts] if attempts else []),
            workspace_id,
            now,
            limit,
            limit,
        ],
    )
    return [(int(row[0]), str(row[1])) for row in rows]


# The best ``limit`` callable contacts of one zone: a short walk of the per-zone index.
_IN_ZONE = (
    "SELECT c.id, c.dial_number, c.queue_rank, c.due_at FROM contacts c"
    " WHERE c.workspace_id = ? AND c.list_id = ? AND c.status = 'queued'"
    " AND c.zone_id = {zone} AND c.due_at <= ?"
    " AND NOT c.dnc AND NOT c.dnd_call AND c.dial_number IS NOT NULL{attempts}"
    " AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ?"
    " AND s.number = c.dial_number AND (s.expires_at IS NULL OR s.expires_at > ?))"
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
    limit: int,
) -> list[tuple[int, str]]:
    """SQLite: the best ``limit`` contacts of each open zone, each a short walk of the
    (list, status, zone, rank, due, id) index, then the best of those. Contacts of closed
    zones are never read, however many wait at the head of the queue."""
    at = bulk.insert_value(conn, contacts.c.due_at, now)
    part = _PER_ZONE.format(attempts=" AND c.attempts < ?" if max_attempts is not None else "")
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(zone_ids), 100):  # SQLite allows 500 terms in a compound select
        zones = zone_ids[start : start + 100]
        params: list[Any] = []
        for zone in zones:
            params += [
                workspace_id,
                list_id,
                zone,
                at,
                *([max_attempts] if max_attempts is not None else []),
                workspace_id,
                at,
                limit,
            ]
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


# Per zone, how many queued contacts stop at each exclusion, in the order they are applied.
_PIVOT_COLUMNS = ("total", "leased", "blocked", "exhausted", "no_phone", "later")


def _pivot(now: dt.datetime, max_attempts: int | None, leased: bool = True) -> list[Any]:
    """The per-zone counts; without ``leased`` (the queued pass) only indexed columns are
    read, so the covering index answers it without touching the table."""
    live = (
        (contacts.c.status == "leased") & (contacts.c.lease_expires_at > now)
        if leased
        else literal(False)
    )
    blocked = ~live & (contacts.c.dnc | contacts.c.dnd_call)
    exhausted = (
        (contacts.c.attempts >= max_attempts) if max_attempts is not None else literal(False)
    )
    exhausted = ~live & ~blocked & exhausted
    no_phone = ~live & ~blocked & ~exhausted & contacts.c.dial_number.is_(None)
    later = ~live & ~blocked & ~exhausted & ~no_phone & (contacts.c.due_at > now)

    def total(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    return [
        contacts.c.zone_id.label("zone_id"),
        func.count().label("total"),
        total(live).label("leased"),
        total(blocked).label("blocked"),
        total(exhausted).label("exhausted"),
        total(no_phone).label("no_phone"),
        total(later).label("later"),
    ]


def preview_counts(
    conn: Conn, *, workspace_id: int, list_id: int, now: dt.datetime, max_attempts: int | None
) -> tuple[dict[str, int], list[dict[str, Any]], list[dict[str, Any]]]:
    """What a preview needs, in three passes that each walk an index in order:

    - contacts per status (index only);
    - per zone, of the queued and leased contacts: how many stop at each exclusion;
    - the same for the suppressed ones, driven from the (usually far smaller) suppression
      list side.
    """
    in_list = (contacts.c.workspace_id == workspace_id) & (contacts.c.list_id == list_id)
    statuses = {
        str(status): int(n)
        for status, n in conn.execute(
            select(contacts.c.status, func.count()).where(in_list).group_by(contacts.c.status)
        )
    }
    in_queue = contacts.c.status.in_(("queued", "leased"))
    # One status at a time: the index is in zone order within a status.
    zones: list[dict[str, Any]] = []
    if conn.dialect.name == "sqlite":
        zones += _queued_pivot_sqlite(conn, workspace_id, list_id, now, max_attempts)
    else:
        zones += [
            as_dict(row)
            for row in conn.execute(
                select(*_pivot(now, max_attempts, leased=False))
                .where(in_list, contacts.c.status == "queued")
                .group_by(contacts.c.zone_id)
            )
        ]
    zones += [
        as_dict(row)
        for row in conn.execute(
            select(*_pivot(now, max_attempts))
            .where(in_list, contacts.c.status == "leased")
            .group_by(contacts.c.zone_id)
        )
    ]
    in_force = (suppressions.c.workspace_id == workspace_id) & (
        (suppressions.c.expires_at.is_(None)) | (suppressions.c.expires_at > now)
    )
    if conn.execute(select(suppressions.c.id).where(in_force).limit(1)).first() is None:
        return statuses, zones, []  # nothing suppressed: no second pass
    numbers = select(suppressions.c.number).where(in_force).distinct().subquery()
    suppressed = conn.execute(
        select(*_pivot(now, max_attempts))
        .select_from(numbers)
        .join(
            contact_phones,
            and_(
                contact_phones.c.workspace_id == workspace_id,
                contact_phones.c.number == numbers.c.number,
                contact_phones.c.position == 0,
            ),
        )
        .join(
            contacts,
            and_(
                contacts.c.workspace_id == contact_phones.c.workspace_id,
                contacts.c.id == contact_phones.c.contact_id,
            ),
        )
        # "+ 0": no index on list_id here, so the planner walks from the suppressed numbers
        # to their contacts instead of through every contact of the list.
        .where((contacts.c.list_id + 0) == list_id, in_queue)
        .group_by(contacts.c.zone_id)
    )
    return statuses, zones, [as_dict(row) for row in suppressed]


# The queued pass on SQLite, where it is the bulk of a preview: 0/1 arithmetic instead of
# CASE (SQLite evaluates it faster), every column from the covering index.
_QUEUED_PIVOT = (
    "SELECT zone_id, count(*), sum(dnc | dnd_call),"
    " sum((1 - (dnc | dnd_call)) * (attempts >= ?)),"
    " sum((1 - (dnc | dnd_call)) * (attempts < ?) * (dial_number IS NULL)),"
    " sum((1 - (dnc | dnd_call)) * (attempts < ?) * (dial_number IS NOT NULL) * (due_at > ?))"
    " FROM contacts WHERE workspace_id = ? AND list_id = ? AND status = 'queued'"
    " GROUP BY zone_id"
)


def _queued_pivot_sqlite(
    conn: Conn, workspace_id: int, list_id: int, now: dt.datetime, max_attempts: int | None
) -> list[dict[str, Any]]:
    limit = max_attempts if max_attempts is not None else 2**62  # no limit: never exhausted
    at = bulk.insert_value(conn, contacts.c.due_at, now)
    rows = bulk.query(conn, _QUEUED_PIVOT, [limit, limit, limit, at, workspace_id, list_id])
    return [
        {
            "zone_id": zone,
            "total": total,
            "leased": 0,
            "blocked": blocked or 0,
            "exhausted": exhausted or 0,
            "no_phone": no_phone or 0,
            "later": later or 0,
        }
        for zone, total, blocked, exhausted, no_phone, later in rows
    ]
