"""A webhook receiver for the benchmarks: answers 204 at once and counts what it got.

``GET /count`` answers the number of deliveries received so far (per path and in all).
``GET /lag?path=/x&since=T`` answers the delivery lag of the events of that path that
happened at or after T (seconds since the epoch): from the event's ``at`` to its arrival
here, as percentiles in milliseconds (same machine, same clock as the server's).
Served by uvicorn (uvloop, httptools) in a process of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from collections import Counter, defaultdict
from typing import Any

from bench.common import percentile
from bench.echo import lifespan

_COUNTS: Counter[str] = Counter()
_LAGS: defaultdict[str, list[tuple[float, float]]] = defaultdict(list)  # (event at, lag s)


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
    arrived = time.time()
    if scope["method"] == "GET" and scope["path"] == "/count":
        await _json(send, {"total": sum(_COUNTS.values()), **_COUNTS})
        return
    if scope["method"] == "GET" and scope["path"] == "/lag":
        query = urllib.parse.parse_qs(scope["query_string"].decode())
        since = float(query.get("since", ["0"])[0])
        lags = [lag for at, lag in _LAGS[query["path"][0]] if at >= since]
        await _json(send, _summary(lags))
        return
    _COUNTS[scope["path"]] += 1
    _record(scope["path"], b"".join(chunks), arrived)
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def _record(path: str, body: bytes, arrived: float) -> None:
    try:
        at = dt.datetime.fromisoformat(json.loads(body)["at"]).timestamp()
    except (ValueError, KeyError, TypeError):
        return  # not a standard event body: counted, no lag
    _LAGS[path].append((at, arrived - at))


def _summary(lags: list[float]) -> dict[str, Any]:
    if not lags:
        return {"count": 0}
    ms = [lag * 1000 for lag in lags]
    return {
        "count": len(ms),
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms),
    }


async def _json(send: Any, value: Any) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": json.dumps(value).encode()})
