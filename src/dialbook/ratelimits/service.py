"""The generic cell rate algorithm: one timestamp per key (when its next request is
"due"), advanced by ``period / capacity`` per request; a request is let through while
that time is less than ``period`` ahead, so a burst of ``capacity`` requests goes at once
and the rate after it is ``capacity`` per ``period`` — the same budget as the token bucket
a single process keeps in memory (http/limits.py)."""

from __future__ import annotations

import datetime as dt
import math

from dialbook.db import Conn
from dialbook.kit import clock
from dialbook.ratelimits import repository
from dialbook.workspaces.schemas import Caller


def take(conn: Conn, *, caller: Caller, capacity: int, period: float) -> int | None:
    """Count one request of the caller's key: None when it may go, else the seconds to
    wait (for Retry-After)."""
    now = clock.now()
    interval = dt.timedelta(seconds=period / capacity)
    latest = now + dt.timedelta(seconds=period) - interval
    ids = {"workspace_id": caller.workspace_id, "key_id": caller.key_id}
    if repository.take(conn, **ids, now=now, interval=interval, latest=latest):
        return None
    due = repository.arrival(conn, **ids) or latest
    return max(1, math.ceil((due - latest).total_seconds()))
