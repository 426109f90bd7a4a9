"""All SQL for the event log (the rows are written by db/outbox.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec
from sqlalchemy import and_, delete, func, insert, or_, select, update

from dialbook.db import Conn
from dialbook.db.tables import event_horizons, events
from dialbook.events.schemas import Event

_WIRE = [c for c in events.c if c.name not in ("workspace_id", "key_id")]


def page(
    conn: Conn,
    *,
    workspace_id: int,
    after_id: int,
    limit: int,
    types: Sequence[str] = (),
    list_id: int | None = None,
    contact_id: int | None = None,
) -> list[Event]:
    query = select(*_WIRE).where(events.c.workspace_id == workspace_id, events.c.id > after_id)
    if types:
        query = query.where(events.c.type.in_(types))
    if list_id is not None:
        query = query.where(events.c.list_id == list_id)
    if contact_id is not None:
        query = query.where(events.c.contact_id == contact_id)
    rows = conn.execute(query.order_by(events.c.id).limit(limit))
    return [msgspec.convert(row, Event, from_attributes=True) for row in rows]


def last_id(conn: Conn, *, workspace_id: int) -> int:
    found = conn.execute(
        select(func.max(events.c.id)).where(events.c.workspace_id == workspace_id)
    ).scalar()
    return int(found or 0)


def created_by(
    conn: Conn,
    *,
    workspace_id: int,
    actor: str,
    since: dt.datetime,
    until: dt.datetime | None,
    after: tuple[dt.datetime, int] | None,
    limit: int,
) -> list[tuple[dt.datetime, int, int]]:
    """(at, event id, contact id) of the contact.created events ``actor`` recorded between
    ``since`` and ``until``, after ``after`` (an earlier answer's last (at, id)), in (at,
    id) order: each page is a walk of the (workspace_id, at) index from where the last
    one stopped."""
    query = select(events.c.at, events.c.id, events.c.contact_id).where(
        events.c.workspace_id == workspace_id,
        events.c.at >= since,
        events.c.type == "contact.created",
        events.c.actor == actor,
    )
    if until is not None:
        query = query.where(events.c.at <= until)
    if after is not None:
        at, id = after
        query = query.where(or_(events.c.at > at, and_(events.c.at == at, events.c.id > id)))
    rows = conn.execute(query.order_by(events.c.at, events.c.id).limit(limit))
    return [(at, int(id), int(contact_id)) for at, id, contact_id in rows]


def first_kept_at(conn: Conn, *, workspace_id: int, after_id: int) -> dt.datetime | None:
    """When the oldest event after ``after_id`` (retention's horizon) happened."""
    return conn.execute(
        select(events.c.at)
        .where(events.c.workspace_id == workspace_id, events.c.id > after_id)
        .order_by(events.c.id)
        .limit(1)
    ).scalar()


def horizon(conn: Conn, *, workspace_id: int) -> int:
    """The highest event id retention has removed (0: none)."""
    found = conn.execute(
        select(event_horizons.c.pruned_through).where(event_horizons.c.workspace_id == workspace_id)
    ).scalar()
    return int(found or 0)


def prune(conn: Conn, *, workspace_id: int, before: dt.datetime) -> int:
    """Remove the workspace's events older than ``before``, but never its newest one
    (SQLite numbers new rows after the highest id left: an empty table would reuse ids);
    how many."""
    through = conn.execute(
        select(func.max(events.c.id)).where(
            events.c.workspace_id == workspace_id, events.c.at < before
        )
    ).scalar()
    if through is None:
        return 0
    through = min(int(through), last_id(conn, workspace_id=workspace_id) - 1)
    if through <= 0:
        return 0
    removed = conn.execute(
        delete(events).where(events.c.workspace_id == workspace_id, events.c.id <= through)
    ).rowcount
    moved = conn.execute(
        update(event_horizons)
        .where(event_horizons.c.workspace_id == workspace_id)
        .values(pruned_through=func.max(event_horizons.c.pruned_through, through))
        if conn.dialect.name == "sqlite"
        else update(event_horizons)
        .where(event_horizons.c.workspace_id == workspace_id)
        .values(pruned_through=func.greatest(event_horizons.c.pruned_through, through))
    ).rowcount
    if not moved:
        conn.execute(
            insert(event_horizons).values(workspace_id=workspace_id, pruned_through=through)
        )
    return int(removed)
