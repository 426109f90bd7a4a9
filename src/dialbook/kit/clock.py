"""The current time, from one place (tests and replays can freeze it)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Aware UTC now, truncated to milliseconds (what every backend stores exactly)."""
    if _frozen is not None:
        return _frozen
    current = dt.datetime.now(dt.UTC)
    return current.replace(microsecond=current.microsecond // 1000 * 1000)


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Make ``now()`` answer ``at`` inside the block (for every thread)."""
    global _frozen
    previous, _frozen = _frozen, at.astimezone(dt.UTC)
    try:
        yield
    finally:
        _frozen = previous
