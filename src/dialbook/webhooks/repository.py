"""All SQL for webhook endpoints and their deliveries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, literal, select, update
from sqlalchemy.orm import aliased

from dialbook.db import Conn, bulk
from dialbook.db.tables import events, webhook_deliveries, webhook_endpoints
from dialbook.kit.rows import as_dict

E = webhook_endpoints
D = webhook_deliveries
# Each delivery with its event (NULL columns once retention pruned the event).
_WITH_EVENT = D.outerjoin(
    events, and_(events.c.workspace_id == D.c.workspace_id, events.c.id == D.c.event_id)
)


def _endpoint(workspace_id: int, id: int) -> Any:
    return and_(E.c.workspace_id == workspace_id, E.c.id == id)


def insert_endpoint(conn: Conn, *, values: dict[str, Any]) -> dict[str, Any]:
    return as_dict(conn.execute(insert(E).values(**values).returning(*E.c)).one())


def get_endpoint(conn: Conn, *, workspace_id: int, id: int) -> dict[str, Any] | None:
    row = conn.execute(select(E).where(_endpoint(workspace_id, id))).one_or_none()
    return None if row is None else as_dict(row)


def all_endpoints(conn: Conn, *, workspace_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(E).where(E.c.workspace_id == workspace_id).order_by(E.c.id))
    return [as_dict(row) for row in rows]


def update_endpoint(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any]
) -> dict[str, Any] | None:
    row = conn.execute(
        update(E).where(_endpoint(workspace_id, id)).values(**values).returning(*E.c)
    ).one_or_none()
    return None if row is None else as_dict(row)


def move_cursor(conn: Conn, *, workspace_id: int, id: int, cursor: int) -> None:
    """The last event the endpoint's deliveries were queued for."""
    conn.execute(update(E).where(_endpoint(workspace_id, id)).values(cursor=cursor))


def clear_failing(conn: Conn, *, workspace_id: int, id: int) -> None:
    """Forget that the endpoint was failing (writes nothing when it was not: the worker
    calls it after every pass that delivered something)."""
    conn.execute(
        update(E)
        .where(_endpoint(workspace_id, id), E.c.failing_since.is_not(None))
        .values(failing_since=None)
    )


def delete_endpoint(conn: Conn, *, workspace_id: int, id: int) -> bool:
    conn.execute(
        delete(D).where(D.c.workspace_id == workspace_id, D.c.endpoint_id == id)
    )  # SQLite may run without foreign keys enforced; PostgreSQL cascades anyway
    return bool(conn.execute(delete(E).where(_endpoint(workspace_id, id))).rowcount)


def enabled_endpoints(conn: Conn) -> list[tuple[int, int]]:
    """(workspace_id, id) of every workspace's enabled endpoints: what the delivery worker
    serves."""
    rows = conn.execute(
        select(E.c.workspace_id, E.c.id)
        .where(E.c.enabled)
        .order_by(E.c.workspace_id, E.c.id)
        .prefix_with("/* cross-tenant: the webhook worker's scan for enabled endpoints */")
    )
    return [(int(workspace_id), int(id)) for workspace_id, id in rows]


def lock_endpoint(conn: Conn, *, workspace_id: int, id: int) -> dict[str, Any] | None:
    """The enabled endpoint, locked for this transaction (None: another process holds it,
    or it is gone or disabled). SQLite's single writer needs no lock."""
    query = select(E).where(_endpoint(workspace_id, id), E.c.enabled)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    found = conn.execute(query).one_or_none()
    return None if found is None else as_dict(found)


def queue_events(
    conn: Conn,
    *,
    workspace_id: int,
    endpoint_id: int,
    after_id: int,
    through_id: int | None,
    types: Sequence[str] | None,
    list_ids: Sequence[int] | None,
    since: dt.datetime | None = None,
    now: dt.datetime,
) -> int:
    """Queue a delivery of each matching event after ``after_id`` (through ``through_id``;
    from ``since`` on); how many."""
    match = [events.c.workspace_id == workspace_id, events.c.id > after_id]
    if through_id is not None:
        match.append(events.c.id <= through_id)
    if types is not None:
        match.append(events.c.type.in_(types))
    if list_ids is not None:
        match.append(events.c.list_id.in_(list_ids))
    if since is not None:
        match.append(events.c.at >= since)
    chosen = select(
        events.c.workspace_id,
        literal(endpoint_id, D.c.endpoint_id.type),
        events.c.id,
        events.c.contact_id,
        literal("pending", D.c.status.type),
        literal(0, D.c.attempts.type),
        literal(now, D.c.next_attempt_at.type),
        literal(now, D.c.created_at.type),
    ).where(*match)
    columns = [
        "workspace_id",
        "endpoint_id",
        "event_id",
        "contact_id",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    statement = insert(D).from_select(columns, chosen.order_by(events.c.id)).returning(D.c.id)
    return len(conn.execute(statement).all())


def batch_end(conn: Conn, *, workspace_id: int, after_id: int, size: int) -> int | None:
    """The id of the ``size``-th event after ``after_id`` (or the last one): where one
    fan-out pass stops."""
    first = (
        select(events.c.id)
        .where(events.c.workspace_id == workspace_id, events.c.id > after_id)
        .order_by(events.c.id)
        .limit(size)
        .subquery()
    )
    found = conn.execute(select(func.max(first.c.id))).scalar()
    return None if found is None else int(found)


def event_exists(conn: Conn, *, workspace_id: int, id: int) -> bool:
    found = conn.execute(
        select(events.c.id).where(events.c.workspace_id == workspace_id, events.c.id == id)
    ).first()
    return found is not None


_EARLIER = aliased(D)  # built once: aliasing a table is not free


def lease_due(
    conn: Conn,
    *,
    workspace_id: int,
    endpoint_id: int,
    now: dt.datetime,
    limit: int,
    until: dt.datetime,
) -> list[int]:
    """Lease up to ``limit`` deliveries ready to send until ``until`` (a process that dies
    lets them go at that time) and count the attempt; their ids, in order. At most one per
    contact: a contact's later events wait until its earlier ones are delivered or given
    up (they reach the endpoint in order). One statement."""
    earlier = _EARLIER
    blocked = exists().where(
        earlier.c.workspace_id == D.c.workspace_id,
        earlier.c.endpoint_id == D.c.endpoint_id,
        earlier.c.contact_id == D.c.contact_id,
        earlier.c.status == "pending",
        earlier.c.id < D.c.id,
    )
    due = (
        select(D.c.id)
        .where(
            D.c.workspace_id == workspace_id,
            D.c.endpoint_id == endpoint_id,
            D.c.status == "pending",
            D.c.next_attempt_at <= now,
            (D.c.leased_until.is_(None)) | (D.c.leased_until < now),
            ~blocked,
        )
        .order_by(D.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(of=D, skip_locked=True)
    leased = conn.execute(
        update(D)
        .where(D.c.workspace_id == workspace_id, D.c.id.in_(due))
        .values(leased_until=until, attempts=D.c.attempts + 1)
        .returning(D.c.id)
    )
    return sorted(int(id) for id in leased.scalars())


def leased(conn: Conn, *, workspace_id: int, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The deliveries, each with its event (None columns if pruned), in id order."""
    rows = conn.execute(
        select(
            D.c.id,
            D.c.endpoint_id,
            D.c.attempts,
            events.c.id.label("event_id"),
            events.c.type,
            events.c.at,
            events.c.list_id,
            events.c.contact_id,
            events.c.version,
            events.c.actor,
            events.c.changes,
            events.c.data,
        )
        .select_from(_WITH_EVENT)
        .where(D.c.workspace_id == workspace_id, D.c.id.in_(ids))
        .order_by(D.c.id)
    )
    return [as_dict(row) for row in rows]


def finish(conn: Conn, *, workspace_id: int, outcomes: Sequence[dict[str, Any]]) -> None:
    """Store each attempt's outcome (every dict has the same keys, ``id`` among them): one
    executemany on the driver (SQLAlchemy's parameter handling cost five times SQLite's
    work, inside the write lock)."""
    rows = [{**outcome, "workspace_id": workspace_id} for outcome in outcomes]
    bulk.update_rows(conn, D, rows, keys=("workspace_id", "id"))


def deliveries_page(
    conn: Conn,
    *,
    workspace_id: int,
    endpoint_id: int,
    after_id: int,
    limit: int,
    status: str | None,
) -> list[dict[str, Any]]:
    query = (
        select(D, events.c.type.label("event_type"))
        .select_from(_WITH_EVENT)
        .where(D.c.workspace_id == workspace_id, D.c.endpoint_id == endpoint_id, D.c.id > after_id)
    )
    if status is not None:
        query = query.where(D.c.status == status)
    return [as_dict(row) for row in conn.execute(query.order_by(D.c.id).limit(limit))]


def backlog(conn: Conn, *, workspace_id: int) -> list[tuple[int, int, dt.datetime]]:
    """(endpoint id, pending deliveries, the oldest one's creation) per endpoint with any."""
    rows = conn.execute(
        select(D.c.endpoint_id, func.count(), func.min(D.c.created_at))
        .where(D.c.workspace_id == workspace_id, D.c.status == "pending")
        .group_by(D.c.endpoint_id)
        .order_by(D.c.endpoint_id)
    )
    return [(int(id), int(n), oldest) for id, n, oldest in rows]


def recent_deliveries(
    conn: Conn, *, workspace_id: int, endpoint_id: int, limit: int, status: str | None
) -> list[dict[str, Any]]:
    """The endpoint's newest deliveries first (the (endpoint, id) index, walked backwards)."""
    query = (
        select(D, events.c.type.label("event_type"))
        .select_from(_WITH_EVENT)
        .where(D.c.workspace_id == workspace_id, D.c.endpoint_id == endpoint_id)
    )
    if status is not None:
        query = query.where(D.c.status == status)
    return [as_dict(row) for row in conn.execute(query.order_by(D.c.id.desc()).limit(limit))]
