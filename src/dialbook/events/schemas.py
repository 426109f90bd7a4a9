"""Wire shapes for the event log: the feed, the stream and webhook bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from dialbook.workspaces.schemas import Id

EventType = Literal[
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "contact.dnc_changed",
    "suppression.added",
    "suppression.removed",
    "dnc_registry.imported",
    "list.created",
    "list.updated",
    "list.deleted",
    "list.published",
    "import.completed",
    "import.failed",
    "import.undone",
    "queue.claimed",
    "queue.outcome_recorded",
    "queue.lease_expired",
    "webhook_endpoint.disabled",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]


class Event(Struct, kw_only=True):
    """One change, as the feed, the stream and webhooks show it."""

    id: int  # only grows; use it as the feed's `after` cursor
    type: EventType
    at: dt.datetime
    list_id: int | None
    contact_id: int | None
    version: int | None  # the contact's version after the change
    actor: str  # key:<id> | cli | import:<id> | system | user:<id>
    changes: dict[str, list[Any]] | None  # {field: [before, after]}; its keys name what changed
    data: dict[str, Any] | None  # the resource as the native API returns it after the change


class EventPage(Struct, kw_only=True):
    data: list[Event]
    # Pass as `after` to read on; when nothing is newer it is the cursor that was given.
    next_cursor: str


class EventQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    after: Annotated[str, Meta(max_length=20, pattern=r"^\d+$")] | None = None
    types: (
        Annotated[str, Meta(max_length=1000, examples=["contact.created,contact.updated"])] | None
    ) = None
    list_id: Id | None = None
    limit: Annotated[int, Meta(ge=1, le=1000)] = 100
    wait: Annotated[float, Meta(ge=0, le=30, description="seconds to wait for new events")] = 0


class StreamQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    # Where to start; the Last-Event-ID header (a reconnecting EventSource) wins over it.
    # Without either, the stream starts with the events that happen from now on.
    after: Annotated[str, Meta(max_length=20, pattern=r"^\d+$")] | None = None
    types: Annotated[str, Meta(max_length=1000)] | None = None
    list_id: Id | None = None
