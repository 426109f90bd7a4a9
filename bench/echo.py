"""The HTTP baseline: a raw ASGI app that answers every request with its own body.

Served by uvicorn with the settings of ``dialbook serve`` (uvloop, httptools, one worker,
no access log), it is the ceiling for this machine, this server stack and this load
generator: everything dialbook does on top of reading a body and writing one costs
throughput against it.
"""

from __future__ import annotations

from typing import Any

_HEADERS = [(b"content-type", b"application/json")]


async def lifespan(receive: Any, send: Any) -> None:
    """Answer uvicorn's lifespan messages (the bench's raw ASGI apps have nothing to start)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    await send({"type": "http.response.start", "status": 201, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": body})
