"""Recording events (into the transaction's outbox) and reading the feed.

Every service that changes something records its event here, in the transaction of the
change: ``db/outbox.py`` writes them just before the commit. Contacts record theirs
through ``contacts.service``, the only code that writes contact rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from dialbook.db import Conn, outbox
from dialbook.errors import Conflict, Gone, invalid
from dialbook.events import repository
from dialbook.events.schemas import EVENT_TYPES, EventPage, EventQuery
from dialbook.kit import clock
from dialbook.kit.driver_values import escape, sqlite_time
from dialbook.workspaces.schemas import Caller


def row(
    caller: Caller,
    type: str,
    *,
    at: dt.datetime | None = None,
    list_id: int | None = None,
    contact_id: int | None = None,
    version: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    data: Any = None,
) -> dict[str, Any]:
    """One event row; ``data`` may be a Struct, or hold Structs (stored as the native API
    would show them)."""
    assert type in EVENT_TYPES, type
    return {
        "workspace_id": caller.workspace_id,
        "type": type,
        "at": at or clock.now(),
        "list_id": list_id,
        "contact_id": contact_id,
        "version": version,
        "key_id": caller.key_id or None,
        "actor": caller.actor,
        "changes": changes,
        # A Struct stays one: the insert encodes it to JSON in one pass (db/bulk.py).
        "data": data,
    }


def record(conn: Conn, caller: Caller, type: str, **fields: Any) -> None:
    """Record one event in the current transaction (see :func:`row` for the fields)."""
    outbox.add(conn, [row(caller, type, **fields)])


def record_many(conn: Conn, rows: Iterable[dict[str, Any]]) -> None:
    outbox.add(conn, rows)


def record_prepared(
    conn: Conn,
    caller: Caller,
    type: str,
    *,
    at: dt.datetime,
    list_id: int,
    version: int,
    payloads: Sequence[tuple[int, str]],
    copy: bool,
) -> None:
    """Record one event per (contact id, JSON payload) of a batch, the rows made here for
    the driver (the importer's contact.created: its payloads come encoded from its
    workers). ``copy``: PostgreSQL COPY text lines (the payloads already escaped for it),
    else SQLite's values."""
    assert type in EVENT_TYPES, type
    key_id = caller.key_id or None
    if copy:
        head = "\t".join(
            [
                str(caller.workspace_id),
                escape(type),
                at.isoformat(),
                str(list_id),
            ]
        )
        tail = "\t".join(
            [str(version), "\\N" if key_id is None else str(key_id), escape(caller.actor), "\\N"]
        )
        rows: list[Any] = [f"{head}\t{id}\t{tail}\t{data}\n" for id, data in payloads]
    else:
        when = sqlite_time(at)
        ws, actor = caller.workspace_id, caller.actor
        rows = [
            (ws, type, when, list_id, id, version, key_id, actor, None, data)
            for id, data in payloads
        ]
    outbox.add_prepared(conn, caller.workspace_id, rows)


def parse_types(value: str | None, *, name: str = "types") -> list[str]:
    """A comma-separated list of event types; an unknown one is an error naming it."""
    if not value:
        return []
    types = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise invalid(
            name, f"unknown event type {unknown[0]!r}; known types: {', '.join(EVENT_TYPES)}"
        )
    return types


def page(conn: Conn, *, caller: Caller, query: EventQuery) -> EventPage:
    """Events after the cursor, oldest first. A cursor older than what retention kept
    raises Gone: the reader missed events and must resynchronize."""
    after = int(query.after) if query.after else 0
    gone_through = repository.horizon(conn, workspace_id=caller.workspace_id)
    if after < gone_through:
        raise Gone(
            f"Events up to id {gone_through} have been removed by retention; the cursor"
            f" {after} is older. Resynchronize (GET /v1/contacts?updated_since=...) and read"
            f" on from after={gone_through}."
        )
    found = repository.page(
        conn,
        workspace_id=caller.workspace_id,
        after_id=after,
        limit=query.limit,
        types=parse_types(query.types),
        list_id=query.list_id,
    )
    return EventPage(data=found, next_cursor=str(found[-1].id if found else after))


def head(conn: Conn, *, caller: Caller) -> int:
    """The id of the workspace's newest event (0: none): where a new reader starts."""
    return repository.last_id(conn, workspace_id=caller.workspace_id)


def created_by(
    conn: Conn,
    *,
    caller: Caller,
    actor: str,
    since: dt.datetime,
    until: dt.datetime | None,
    chunk: int,
) -> Iterator[list[int]]:
    """The ids of the contacts ``actor`` created between ``since`` and ``until`` (None: up
    to now), ``chunk`` at a time. Raises Conflict when retention may have removed some of
    their events."""
    horizon = repository.horizon(conn, workspace_id=caller.workspace_id)
    if horizon:
        kept = repository.first_kept_at(conn, workspace_id=caller.workspace_id, after_id=horizon)
        if kept is None or kept > since:
            raise Conflict(
                "The events of that time have been removed (DIALBOOK_EVENTS_RETENTION_DAYS): "
                "which contacts were created can no longer be told."
            )
    after = None
    while found := repository.created_by(
        conn, workspace_id=caller.workspace_id, actor=actor, since=since, until=until,
        after=after, limit=chunk,
    ):  # fmt: skip
        yield [contact_id for _, _, contact_id in found]
        after = found[-1][0], found[-1][1]


def prune(
    conn: Conn, *, workspace_ids: Iterable[int], days: int, now: dt.datetime | None = None
) -> int:
    """Remove the events of ``workspace_ids`` older than ``days``; how many."""
    before = (now or clock.now()) - dt.timedelta(days=days)
    return sum(
        repository.prune(conn, workspace_id=workspace_id, before=before)
        for workspace_id in workspace_ids
    )


def history(
    conn: Conn, *, caller: Caller, contact_id: int, after_id: int, limit: int
) -> Sequence[Any]:
    return repository.page(
        conn,
        workspace_id=caller.workspace_id,
        after_id=after_id,
        limit=limit,
        contact_id=contact_id,
    )
