"""API keys on the wire: `Authorization: Bearer <key>` or `x-api-key: <key>`.

Lookups are cached for a few seconds per process (a revoked key stops working in every
process within ``Settings.key_cache_seconds``); last-used times are written at most once a
minute per key.
"""

from __future__ import annotations

import time

from starlette.requests import Request

from dialbook.db import Database
from dialbook.errors import Unauthorized
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

TOUCH_EVERY = 60.0


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


class KeyAuthenticator:
    def __init__(self, db: Database, *, cache_seconds: float) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[Caller, float]] = {}
        self._touched: dict[int, float] = {}

    def forget(self) -> None:
        """Drop cached lookups (after a key is revoked in this process)."""
        self._cache.clear()

    async def authenticate(self, request: Request) -> Caller:
        secret = presented_key(request)
        if secret is None:
            raise Unauthorized()
        now = time.monotonic()
        cached = self._cache.get(secret)
        if cached is not None and cached[1] > now:
            caller = cached[0]
        else:
            caller = await self._db.read(workspace_service.authenticate, secret=secret)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[secret] = (caller, now + self._cache_seconds)
        if now - self._touched.get(caller.key_id, -TOUCH_EVERY) >= TOUCH_EVERY:
            self._touched[caller.key_id] = now
            await self._db.write(workspace_service.touch_key, key_id=caller.key_id)
        return caller
