"""/v1/events (the feed, long-polled with `wait`) and /v1/events/stream (Server-Sent Events)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import msgspec
from starlette.responses import StreamingResponse

from dialbook.errors import invalid
from dialbook.events import service as event_service
from dialbook.events.schemas import EventPage, EventQuery, StreamQuery
from dialbook.http.routing import Context, Router

router = Router(tag="events", prefix="/v1")

POLL = 1.0  # seconds between looks at the database (other processes' events)
HEARTBEAT = 15.0  # seconds between SSE comments that keep proxies from closing the stream


@router.route("GET", "/events", scope="contacts:read", response=EventPage)
async def list_events(ctx: Context, query: EventQuery) -> EventPage:
    """Events after the cursor `after`, oldest first; `wait` seconds for new ones if none."""
    deadline = time.monotonic() + query.wait
    while True:
        found = await ctx.db.read(event_service.page, caller=ctx.caller, query=query)
        left = deadline - time.monotonic()
        if found.data or left <= 0:
            return found
        await ctx.db.events.wait(min(left, POLL))


@router.route("GET", "/events/stream", scope="contacts:read")
async def stream_events(ctx: Context, query: StreamQuery) -> StreamingResponse:
    """The feed as Server-Sent Events (`id` is the event id; resume with Last-Event-ID)."""
    start = ctx.request.headers.get("last-event-id") or query.after
    if start is not None and not (start.isascii() and start.isdigit() and len(start) <= 19):
        raise invalid("Last-Event-ID", "is not an event id")
    if start is None:
        after = await ctx.db.read(event_service.head, caller=ctx.caller)
    else:
        after = int(start)
    page = EventQuery(after=str(after), types=query.types, list_id=query.list_id, limit=500)
    await ctx.db.read(event_service.page, caller=ctx.caller, query=page)  # 410, bad types

    async def events() -> AsyncIterator[bytes]:
        cursor = str(after)
        quiet_since = time.monotonic()
        yield b": stream open\n\n"
        while True:
            found = await ctx.db.read(
                event_service.page,
                caller=ctx.caller,
                query=msgspec.structs.replace(page, after=cursor),
            )
            for event in found.data:
                body = msgspec.json.encode(event).decode()
                yield f"id: {event.id}\nevent: {event.type}\ndata: {body}\n\n".encode()
            cursor = found.next_cursor
            if found.data:
                quiet_since = time.monotonic()
                continue
            if time.monotonic() - quiet_since >= HEARTBEAT:
                yield b": keep-alive\n\n"
                quiet_since = time.monotonic()
            await ctx.db.events.wait(POLL)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
