"""A webhook receiver for the benchmarks: answers 204 at once and counts what it got.

``GET /count`` answers the number of deliveries received so far (per path and in all).
Served by uvicorn (uvloop, httptools) in a process of its own.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bench.echo import lifespan

_COUNTS: Counter[str] = Counter()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    if scope["method"] == "GET" and scope["path"] == "/count":
        body = json.dumps({"total": sum(_COUNTS.values()), **_COUNTS}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})
        return
    _COUNTS[scope["path"]] += 1
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
