"""Webhook endpoints and the rules of delivering to them.

The delivery worker (``webhooks/delivery.py``) runs three transactions per pass, all here:
:func:`take` turns new events into deliveries (once per event and endpoint: the endpoint's
cursor moves in the same transaction) and leases the deliveries that are due, :func:`prepare`
reads and renders what to send (a read, so the writes stay short), and :func:`settle`
stores what the receiver answered and schedules retries.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from dialbook.db import Conn
from dialbook.errors import NotFound, invalid
from dialbook.events import service as event_service
from dialbook.events.schemas import Event
from dialbook.kit import clock, cursors
from dialbook.webhooks import repository, targets
from dialbook.webhooks.schemas import (
    Backlog,
    Delivery,
    DeliveryPage,
    DeliveryQuery,
    DeliveryStatus,
    Endpoint,
    EndpointCreate,
    EndpointCreated,
    EndpointPage,
    EndpointUpdate,
    ReplayRequest,
    ReplayResult,
    SecretRotated,
)
from dialbook.workspaces.schemas import Caller, system_caller

# Seconds to wait before each attempt (Svix's schedule): at once, then 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h, 10 h. After the last one fails the delivery is given up.
SCHEDULE = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
JITTER = 0.2  # each wait is stretched or shrunk by up to this share, so retries spread out
MAX_RETRY_AFTER = 24 * 3600  # a Retry-After longer than this is cut to it
ROTATION_OVERLAP = dt.timedelta(hours=24)
FAN_OUT_BATCH = 5000  # events turned into deliveries per endpoint and pass

# A webhook format: the bodies of a workspace's events for one endpoint (None: the format
# does not send this event). Dialects provide them (dialects/highlevel/webhooks.py).
Render = Callable[[Conn, int, Sequence[Event]], list[bytes | None]]


def standard(conn: Conn, workspace_id: int, found: Sequence[Event]) -> list[bytes | None]:
    """The event as the feed shows it."""
    return [msgspec.json.encode(event) for event in found]


# -- endpoints ----------------------------------------------------------------------------


def _read(row: Mapping[str, Any]) -> Endpoint:
    return Endpoint(
        id=row["id"],
        url=row["url"],
        description=row["description"],
        format=row["format"],
        events=row["event_types"],
        list_ids=row["list_ids"],
        enabled=row["enabled"],
        disabled_reason=row["disabled_reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _found(conn: Conn, caller: Caller, id: int) -> dict[str, Any]:
    row = repository.get_endpoint(conn, workspace_id=caller.workspace_id, id=id)
    if row is None:
        raise NotFound(f"No webhook endpoint with id {id}.")
    return row


def _checked_url(url: str, *, allow_private: bool) -> str:
    problem = targets.url_problem(url, allow_private=allow_private)
    if problem:
        raise invalid("url", problem)
    return url


def create(
    conn: Conn, *, caller: Caller, data: EndpointCreate, allow_private: bool
) -> EndpointCreated:
    """A new endpoint; it receives the events that happen from now on (replay sends older
    ones)."""
    now = clock.now()
    row = repository.insert_endpoint(
        conn,
        values={
            "workspace_id": caller.workspace_id,
            "url": _checked_url(data.url, allow_private=allow_private),
            "description": data.description,
            "format": data.format,
            "event_types": _unique(data.events),
            "list_ids": _unique(data.list_ids),
            "enabled": True,
            "secret": _new_secret(),
            "cursor": event_service.head(conn, caller=caller),
            "created_at": now,
            "updated_at": now,
        },
    )
    return EndpointCreated(**msgspec.structs.asdict(_read(row)), secret=row["secret"])


def _unique(values: list[Any] | None) -> list[Any] | None:
    return None if values is None else list(dict.fromkeys(values))


def get(conn: Conn, *, caller: Caller, id: int) -> Endpoint:
    return _read(_found(conn, caller, id))


def list_all(conn: Conn, *, caller: Caller) -> EndpointPage:
    return EndpointPage(
        data=[_read(r) for r in repository.all_endpoints(conn, workspace_id=caller.workspace_id)]
    )


def update(
    conn: Conn,
    *,
    caller: Caller,
    id: int,
    data: EndpointUpdate,
    allow_private: bool,
    disabled_by: str = "an API call",
) -> Endpoint:
    _found(conn, caller, id)
    values: dict[str, Any] = {"updated_at": clock.now()}
    if data.url is not msgspec.UNSET:
        values["url"] = _checked_url(data.url, allow_private=allow_private)
    if data.events is not msgspec.UNSET:
        values["event_types"] = _unique(data.events)
    if data.list_ids is not msgspec.UNSET:
        values["list_ids"] = _unique(data.list_ids)
    if data.description is not msgspec.UNSET:
        values["description"] = data.description
    if data.enabled is not msgspec.UNSET:
        values["enabled"] = data.enabled
        values["disabled_reason"] = None if data.enabled else f"disabled by {disabled_by}"
        values["failing_since"] = None
    row = repository.update_endpoint(conn, workspace_id=caller.workspace_id, id=id, values=values)
    assert row is not None
    return _read(row)


def remove(conn: Conn, *, caller: Caller, id: int) -> None:
    if not repository.delete_endpoint(conn, workspace_id=caller.workspace_id, id=id):
        raise NotFound(f"No webhook endpoint with id {id}.")


def rotate_secret(conn: Conn, *, caller: Caller, id: int) -> SecretRotated:
    """A new signing secret; for 24 hours deliveries are signed with both."""
    row = _found(conn, caller, id)
    now = clock.now()
    until = now + ROTATION_OVERLAP
    fresh = _new_secret()
    repository.update_endpoint(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        values={
            "secret": fresh,
            "previous_secret": row["secret"],
            "previous_secret_until": until,
            "updated_at": now,
        },
    )
    return SecretRotated(secret=fresh, previous_secret_valid_until=until)


def deliveries(conn: Conn, *, caller: Caller, id: int, query: DeliveryQuery) -> DeliveryPage:
    """The endpoint's deliveries, oldest first."""
    _found(conn, caller, id)
    rows = repository.deliveries_page(
        conn,
        workspace_id=caller.workspace_id,
        endpoint_id=id,
        after_id=cursors.after(query.cursor),
        limit=query.limit + 1,
        status=query.status,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return DeliveryPage(
        data=[_delivery(row) for row in rows],
        next_cursor=cursors.encode(rows[-1]["id"]) if more else None,
    )


def recent_deliveries(
    conn: Conn, *, caller: Caller, id: int, limit: int, status: DeliveryStatus | None = None
) -> list[Delivery]:
    """The endpoint's newest deliveries (of one status), newest first."""
    _found(conn, caller, id)
    rows = repository.recent_deliveries(
        conn, workspace_id=caller.workspace_id, endpoint_id=id, limit=limit, status=status
    )
    return [_delivery(row) for row in rows]


def _delivery(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        id=row["id"],
        event_id=row["event_id"],
        event_type=row["event_type"] or "(removed by retention)",
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
        response_status=row["response_status"],
        duration_ms=row["duration_ms"],
        error=row["error"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


def replay(conn: Conn, *, caller: Caller, id: int, data: ReplayRequest) -> ReplayResult:
    """Queue again one event, or every event since a time that the endpoint's filters
    select. The deliveries keep the event's webhook-id, so receivers can tell."""
    endpoint = _found(conn, caller, id)
    if (data.event_id is None) == (data.since is None):
        raise invalid("event_id", "give either event_id or since")
    workspace_id = caller.workspace_id
    if data.event_id is not None:
        if not repository.event_exists(conn, workspace_id=workspace_id, id=data.event_id):
            raise invalid("event_id", f"no event with id {data.event_id} (or it was pruned)")
        after, through, since = data.event_id - 1, data.event_id, None
    else:
        after, through, since = 0, endpoint["cursor"], data.since
    queued = repository.queue_events(
        conn,
        workspace_id=workspace_id,
        endpoint_id=id,
        after_id=after,
        through_id=through,
        types=None if data.event_id is not None else _types(endpoint),
        list_ids=None if data.event_id is not None else endpoint["list_ids"],
        since=since,
        now=clock.now(),
    )
    return ReplayResult(queued=queued)


HIGHLEVEL_TYPES = ("contact.created", "contact.updated", "contact.deleted", "contact.dnc_changed")


def _types(endpoint: Mapping[str, Any]) -> list[str] | None:
    """The event types an endpoint receives (a HighLevel-format one: contact events only)."""
    chosen: list[str] | None = endpoint["event_types"]
    if endpoint["format"] == "highlevel":
        return [t for t in HIGHLEVEL_TYPES if chosen is None or t in chosen]
    return chosen


def backlog(conn: Conn, *, caller: Caller, now: dt.datetime) -> list[Backlog]:
    """The workspace's endpoints with deliveries still pending (for GET /metrics)."""
    return [
        Backlog(endpoint_id=id, pending=n, oldest_seconds=max(0.0, (now - oldest).total_seconds()))
        for id, n, oldest in repository.backlog(conn, workspace_id=caller.workspace_id)
    ]


# -- the worker's transactions -------------------------------------------------------------


def endpoints_to_serve(conn: Conn) -> list[tuple[int, int]]:
    """(workspace_id, id) of every enabled endpoint."""
    return repository.enabled_endpoints(conn)


@dataclass(frozen=True, slots=True)
class Taken:
    """Deliveries leased by :func:`take`, with the endpoint row as that transaction read
    it (its URL and secrets then)."""

    endpoint: dict[str, Any]
    ids: list[int]


def take(
    conn: Conn,
    *,
    workspace_id: int,
    id: int,
    now: dt.datetime,
    limit: int,
    lease_seconds: float,
) -> Taken | None:
    """One pass of the worker for one endpoint, in one write transaction kept short (on
    SQLite it holds the database's one write lock): queue a delivery of each new event it
    subscribes to, then lease up to ``limit`` due deliveries (no other process sends them
    until the lease ends). The endpoint row is read (and on PostgreSQL locked) here. None
    when there is nothing to send. :func:`prepare` reads what to send, outside it."""
    endpoint = repository.lock_endpoint(conn, workspace_id=workspace_id, id=id)
    if endpoint is None:
        return None
    _fan_out(conn, endpoint=endpoint, now=now)
    ids = repository.lease_due(
        conn,
        workspace_id=workspace_id,
        endpoint_id=id,
        now=now,
        limit=limit,
        until=now + dt.timedelta(seconds=lease_seconds),
    )
    return Taken(endpoint=endpoint, ids=ids) if ids else None


def _fan_out(conn: Conn, *, endpoint: Mapping[str, Any], now: dt.datetime) -> int:
    """Queue a delivery of each new event the endpoint subscribes to; how many."""
    workspace_id, id, cursor = endpoint["workspace_id"], endpoint["id"], endpoint["cursor"]
    through = repository.batch_end(
        conn, workspace_id=workspace_id, after_id=cursor, size=FAN_OUT_BATCH
    )
    if through is None:
        return 0
    queued = repository.queue_events(
        conn,
        workspace_id=workspace_id,
        endpoint_id=id,
        after_id=cursor,
        through_id=through,
        types=_types(endpoint),
        list_ids=endpoint["list_ids"],
        now=now,
    )
    repository.move_cursor(conn, workspace_id=workspace_id, id=id, cursor=through)
    return queued


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One attempt to make: what to send, where, signed with which secrets."""

    delivery_id: int
    workspace_id: int
    endpoint_id: int
    attempt: int
    webhook_id: str  # evt_<event id>: the same on every retry and replay
    url: str
    secrets: tuple[str, ...]
    body: bytes | None  # None: nothing to send (pruned, or not in the endpoint's format)
    event_at: dt.datetime | None = None  # when the event happened (None if pruned)


def prepare(
    conn: Conn, *, taken: Taken, now: dt.datetime, renders: Mapping[str, Render]
) -> list[Outgoing]:
    """The leased deliveries with their events, rendered in the endpoint's format and
    signed with its current secrets (a read: the lease keeps them ours meanwhile)."""
    endpoint = taken.endpoint
    workspace_id, id = endpoint["workspace_id"], endpoint["id"]
    rows = repository.leased(conn, workspace_id=workspace_id, ids=taken.ids)
    kept = [row for row in rows if row["type"] is not None]
    found = [
        msgspec.convert({**row, "id": row["event_id"]}, Event, from_attributes=False)
        for row in kept
    ]
    render = renders.get(endpoint["format"], standard)
    bodies = dict(zip((row["id"] for row in kept), render(conn, workspace_id, found), strict=True))
    signing = [endpoint["secret"]]
    if endpoint["previous_secret"] and (endpoint["previous_secret_until"] or now) > now:
        signing.append(endpoint["previous_secret"])
    return [
        Outgoing(
            delivery_id=row["id"],
            workspace_id=workspace_id,
            endpoint_id=id,
            attempt=row["attempts"],
            webhook_id=f"evt_{row['event_id'] or 0}",
            url=endpoint["url"],
            secrets=tuple(signing),
            body=bodies.get(row["id"]),
            event_at=row["at"],
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Answer:
    """What one attempt got: an HTTP status, or an error before any."""

    outgoing: Outgoing
    status: int | None
    duration_ms: int
    error: str | None = None
    retry_after: float | None = None  # seconds, from a 429 or 503 answer

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Policy:
    """The delivery settings (config.Settings) the rules need."""

    retry_scale: float
    disable_after: dt.timedelta


def next_wait(attempts: int, *, scale: float, retry_after: float | None = None) -> float | None:
    """Seconds until the next attempt after ``attempts`` failed ones (None: give up)."""
    if attempts >= len(SCHEDULE):
        return None
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_RETRY_AFTER)
    return SCHEDULE[attempts] * scale * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311


def settle(conn: Conn, *, answers: Sequence[Answer], now: dt.datetime, policy: Policy) -> None:
    """Store what each attempt got, schedule retries, and disable endpoints that answered
    410 Gone or have failed for ``policy.disable_after``."""
    by_workspace: dict[int, list[dict[str, Any]]] = {}
    for answer in answers:
        by_workspace.setdefault(answer.outgoing.workspace_id, []).append(
            _outcome(answer, now, policy)
        )
    for workspace_id, outcomes in by_workspace.items():
        repository.finish(conn, workspace_id=workspace_id, outcomes=outcomes)
    endpoints: dict[tuple[int, int], list[Answer]] = {}
    for answer in answers:
        key = (answer.outgoing.workspace_id, answer.outgoing.endpoint_id)
        endpoints.setdefault(key, []).append(answer)
    for (workspace_id, id), got in endpoints.items():
        _judge_endpoint(conn, workspace_id, id, got, now, policy)


def _outcome(answer: Answer, now: dt.datetime, policy: Policy) -> dict[str, Any]:
    outgoing = answer.outgoing
    common = {
        "id": outgoing.delivery_id,
        "response_status": answer.status,
        "duration_ms": answer.duration_ms,
        "leased_until": None,
    }
    if answer.ok or outgoing.body is None:
        return {
            **common,
            "status": "delivered" if answer.ok else "failed",
            "error": None if answer.ok else answer.error,
            "next_attempt_at": now,
            "finished_at": now,
        }
    wait = next_wait(outgoing.attempt, scale=policy.retry_scale, retry_after=answer.retry_after)
    error = answer.error or f"answered {answer.status}"
    if wait is None or answer.status == 410:
        return {**common, "status": "failed", "error": error, "next_attempt_at": now,
                "finished_at": now}  # fmt: skip
    return {
        **common,
        "status": "pending",
        "error": error,
        "next_attempt_at": now + dt.timedelta(seconds=wait),
        "finished_at": None,
    }


def _judge_endpoint(
    conn: Conn, workspace_id: int, id: int, got: Sequence[Answer], now: dt.datetime, policy: Policy
) -> None:
    if any(answer.ok for answer in got):
        repository.clear_failing(conn, workspace_id=workspace_id, id=id)
        return
    row = repository.get_endpoint(conn, workspace_id=workspace_id, id=id)
    if row is None or not row["enabled"]:
        return
    reason = None
    if any(answer.status == 410 for answer in got):
        reason = "the receiver answered 410 Gone"
    elif row["failing_since"] is None:
        repository.update_endpoint(
            conn, workspace_id=workspace_id, id=id, values={"failing_since": now}
        )
    elif now - row["failing_since"] >= policy.disable_after:
        reason = f"every delivery failed since {row['failing_since']:%Y-%m-%dT%H:%M:%SZ}"
    if reason is not None:
        disabled = repository.update_endpoint(
            conn,
            workspace_id=workspace_id,
            id=id,
            values={"enabled": False, "disabled_reason": reason, "updated_at": now},
        )
        assert disabled is not None
        event_service.record(
            conn, system_caller(workspace_id), "webhook_endpoint.disabled", data=_read(disabled)
        )
