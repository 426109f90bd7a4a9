"""The current time, from one place."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """Aware UTC now, truncated to milliseconds (what every backend stores exactly)."""
    current = dt.datetime.now(dt.UTC)
    return current.replace(microsecond=current.microsecond // 1000 * 1000)
