"""Per-key rate limits.

Off unless configured (``DIALBOOK_RATE_LIMIT=100/10s``: 100 requests per 10 seconds per
key, bursts up to 100). Over the limit a request answers 429 with Retry-After. On SQLite
(one server process) a token bucket per key in memory; on PostgreSQL one row per key in
the database (ratelimits/), so every process and machine shares the key's budget.
"""

from __future__ import annotations

import math
import re
import time

from dialbook.db import Database
from dialbook.errors import TooManyRequests
from dialbook.ratelimits import service as ratelimit_service
from dialbook.workspaces.schemas import Caller

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|m|h)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, None: 1}


def parse(spec: str) -> tuple[int, float]:
    """ "100/10s" -> (100 requests, per 10.0 seconds)."""
    match = _SPEC.match(spec)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"rate limit {spec!r}: write it as REQUESTS/SECONDS, e.g. 100/10s")
    seconds = float(match.group(2) or 1) * _UNITS[match.group(3)]
    return int(match.group(1)), seconds


class RateLimiter:
    def __init__(self, spec: str | None, db: Database) -> None:
        self.enabled = bool(spec)
        self.capacity, self.period = parse(spec) if spec else (0, 1.0)
        self._db = db
        self._buckets: dict[int, tuple[float, float]] = {}  # key id -> (tokens, at)

    async def check(self, caller: Caller) -> None:
        if not self.enabled:
            return
        if self._db.is_sqlite:
            self._take(caller.key_id)
            return
        wait = await self._db.write(
            ratelimit_service.take, caller=caller, capacity=self.capacity, period=self.period
        )
        if wait is not None:
            raise TooManyRequests(retry_after=wait)

    def _take(self, key_id: int) -> None:
        now = time.monotonic()
        tokens, at = self._buckets.get(key_id, (float(self.capacity), now))
        tokens = min(self.capacity, tokens + (now - at) * self.capacity / self.period)
        if tokens < 1:
            wait = (1 - tokens) * self.period / self.capacity
            self._buckets[key_id] = (tokens, now)
            raise TooManyRequests(retry_after=max(1, math.ceil(wait)))
        self._buckets[key_id] = (tokens - 1, now)
