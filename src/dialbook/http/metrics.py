"""Counting every request for ``GET /metrics``: by route template, never by raw path (ids
would make a series each, and so would a scanner's made-up paths)."""

from __future__ import annotations

import time
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialbook.http.routing import INNER_ROUTE
from dialbook.kit.metrics import HTTP_DURATION, HTTP_REQUESTS

UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's path (``/v1/contacts/{id:int}``), or ``unmatched``."""
    route: BaseRoute | None = scope.get(INNER_ROUTE) or scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestMetrics:
    """ASGI middleware: each request's count and duration by method, route and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Each series' child, found once: .labels() costs more than the count itself.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app raises before answering

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            key = (scope["method"], route_template(scope), status)
            series = self._series.get(key)
            if series is None:
                method, route, _ = key
                series = self._series[key] = (
                    HTTP_REQUESTS.labels(method, route, str(status)),
                    HTTP_DURATION.labels(method, route),
                )
            series[0].inc()
            series[1].observe(time.perf_counter() - started)
