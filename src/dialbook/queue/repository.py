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
    Select,
    and_,
    exists,
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


def _suppressed(now: dt.datetime) -> Any:
    return exists().where(
        suppressions.c.workspace_id == contacts.c.workspace_id,
        suppressions.c.number == contacts.c.dial_number,
        (suppressions.c.expires_at.is_(None)) | (suppressions.c.expires_at > now),
    )


def release_expired(conn: Conn, *, list_id: int, now: dt.datetime) -> int:
    """Contacts whose lease ran out go back to the queue."""
    result = conn.execute(
        update(contacts)
        .where(
            contacts.c.list_id == list_id,
            contacts.c.status == "leased",
            contacts.c.lease_expires_at <= now,
        )
        .values(status="queued", lease_id=None, lease_expires_at=None)
    )
    return int(result.rowcount)


def callable_now(
    conn: Conn,
    *,
    list_id: int,
    zone_ids: Sequence[int],
    now: dt.datetime,
    max_attempts: int | None,
    limit: int,
) -> list[tuple[int, str]]:
    """(contact id, number) of the next callable contacts, in dialing order, locked."""
    if not zone_ids:
        return []
    query: Select[Any] = (
        select(contacts.c.id, contacts.c.dial_number)
        .where(
            contacts.c.list_id == list_id,
            contacts.c.status == "queued",
            contacts.c.due_at <= now,
            contacts.c.dnc.is_(False),
            contacts.c.dnd_call.is_(False),
            contacts.c.dial_number.is_not(None),
            contacts.c.zone_id.in_(zone_ids),
            ~_suppressed(now),
        )
        .order_by(contacts.c.queue_rank, contacts.c.due_at, contacts.c.id)
        .limit(limit)
    )
    if max_attempts is not None:
        query = query.where(contacts.c.attempts < max_attempts)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=contacts)
    return [(int(i), str(n)) for i, n in conn.execute(query)]


_LEASE = "UPDATE contacts SET status = 'leased', lease_id = ?, lease_expires_at = ? WHERE id = ?"


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
            [(lid, expires, cid) for cid, lid in leases.items()],
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
        .join(contacts, contacts.c.id == dial_attempts.c.contact_id)
        .where(dial_attempts.c.workspace_id == workspace_id, dial_attempts.c.id == id)
    ).one_or_none()
    return None if row is None else Attempt(**as_dict(row))


def finish_attempt(
    conn: Conn,
    *,
    attempt: Attempt,
    outcome: str,
    notes: str | None,
    retry_at: dt.datetime | None,
    now: dt.datetime,
    contact_values: dict[str, Any],
) -> None:
    conn.execute(
        update(dial_attempts)
        .where(dial_attempts.c.id == attempt.id)
        .values(outcome=outcome, notes=notes, retry_at=retry_at, completed_at=now)
    )
    conn.execute(
        update(contacts).where(contacts.c.id == attempt.contact_id).values(**contact_values)
    )


def preview_groups(
    conn: Conn, *, list_id: int, now: dt.datetime, max_attempts: int | None
) -> list[dict[str, Any]]:
    """Contact counts grouped by everything that decides whether each may be called now.

    Suppression is counted by a second query driven from the (usually far smaller)
    suppression list; its groups come back with ``suppressed`` true, the main groups with
    it false and the suppressed contacts still inside them (the service moves them).
    """
    exhausted = contacts.c.attempts >= max_attempts if max_attempts is not None else literal(False)
    columns = [
        contacts.c.status.label("status"),
        (contacts.c.lease_expires_at <= now).label("lease_over"),
        (contacts.c.dnc | contacts.c.dnd_call).label("blocked"),
        exhausted.label("exhausted"),
        contacts.c.dial_number.is_(None).label("no_phone"),
        contacts.c.zone_id.label("zone_id"),
        (contacts.c.due_at > now).label("later"),
    ]
    everyone = conn.execute(
        select(*columns, func.count().label("n"))
        .where(contacts.c.list_id == list_id)
        .group_by(*columns)
    )
    in_force = (suppressions.c.expires_at.is_(None)) | (suppressions.c.expires_at > now)
    numbers = (
        select(suppressions.c.workspace_id, suppressions.c.number)
        .where(in_force)
        .distinct()
        .subquery()
    )
    suppressed = conn.execute(
        select(*columns, func.count().label("n"))
        .select_from(numbers)
        .join(
            contact_phones,
            and_(
                contact_phones.c.workspace_id == numbers.c.workspace_id,
                contact_phones.c.number == numbers.c.number,
                contact_phones.c.position == 0,
            ),
        )
        .join(contacts, contacts.c.id == contact_phones.c.contact_id)
        .where(contacts.c.list_id == list_id)
        .group_by(*columns)
    )
    return [{**as_dict(row), "suppressed": False} for row in everyone] + [
        {**as_dict(row), "suppressed": True} for row in suppressed
    ]
