"""Wire shapes for webhook endpoints, their deliveries and replays."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from dialbook.events.schemas import EventType
from dialbook.workspaces.schemas import Id

Url = Annotated[
    str, Meta(min_length=1, max_length=2000, examples=["https://crm.example.com/hooks/dialbook"])
]
Description = Annotated[str, Meta(max_length=500)]
Format = Literal["standard", "highlevel"]
EventTypes = Annotated[list[EventType], Meta(max_length=50)]
ListIds = Annotated[list[Id], Meta(max_length=1000)]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class EndpointCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    url: Url
    # Only these event types (all when absent); only events of these lists (all when absent).
    events: EventTypes | None = None
    list_ids: ListIds | None = None
    description: Description | None = None
    # "highlevel": HighLevel's own webhook bodies (ContactCreate, ...), docs/events.md.
    format: Format = "standard"


class EndpointUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    url: Url | UnsetType = UNSET
    events: EventTypes | None | UnsetType = UNSET
    list_ids: ListIds | None | UnsetType = UNSET
    description: Description | None | UnsetType = UNSET
    # Enabling again resumes where the endpoint stopped: nothing in between is skipped.
    enabled: bool | UnsetType = UNSET


class Endpoint(Struct, kw_only=True):
    id: int
    url: str
    description: str | None
    format: Format
    events: list[str] | None
    list_ids: list[int] | None
    enabled: bool
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EndpointCreated(Endpoint, kw_only=True):
    # Shown once: verify each delivery's webhook-signature with it (standardwebhooks).
    secret: str


class EndpointPage(Struct, kw_only=True):
    data: list[Endpoint]


class SecretRotated(Struct, kw_only=True):
    secret: str
    # Until then deliveries carry a signature by the old secret too.
    previous_secret_valid_until: dt.datetime


class Delivery(Struct, kw_only=True):
    id: int
    event_id: int
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None  # null once delivered or given up
    response_status: int | None  # the last attempt's HTTP status (null: no answer)
    duration_ms: int | None  # how long the last attempt took
    error: str | None  # why the last attempt failed
    created_at: dt.datetime
    finished_at: dt.datetime | None


class DeliveryPage(Struct, kw_only=True):
    data: list[Delivery]
    next_cursor: str | None


class DeliveryQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    status: DeliveryStatus | None = None
    cursor: Annotated[str, Meta(max_length=100)] | None = None
    limit: Annotated[int, Meta(ge=1, le=500)] = 100


class ReplayRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    """Send again one event (``event_id``) or every event since a time (``since``)."""

    event_id: Id | None = None
    since: dt.datetime | None = None


class ReplayResult(Struct, kw_only=True):
    queued: int


class Backlog(Struct, kw_only=True):
    """An endpoint's deliveries waiting to be sent, and how long the oldest has waited."""

    endpoint_id: int
    pending: int
    oldest_seconds: float
