"""Slowing down password guessing: failed sign-ins counted per email and client address.

After ``free`` failures in a row, each further attempt for that email from that address is
refused until a wait has passed, doubling with every failure up to ``longest`` ("try again
in N s"): the answer never sleeps, so nothing waits in the request path. A success forgets
the count. Counts live in the process's memory (each server process keeps its own).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from dialbook.kit import clock


@dataclass(slots=True)
class _Failures:
    count: int
    last: dt.datetime


@dataclass
class SignInThrottle:
    free: int = 5
    first_wait: dt.timedelta = dt.timedelta(seconds=30)
    longest: dt.timedelta = dt.timedelta(minutes=15)
    _failures: dict[tuple[str, str], _Failures] = field(default_factory=dict)

    def wait(self, email: str, address: str) -> int:
        """Seconds before this email may be tried again from this address (0: now)."""
        found = self._failures.get((email.strip().lower(), address))
        if found is None or found.count < self.free:
            return 0
        doubled = self.first_wait * 2 ** min(found.count - self.free, 16)
        until = found.last + min(doubled, self.longest)
        return max(0, int(math.ceil((until - clock.now()).total_seconds())))

    def failed(self, email: str, address: str) -> None:
        key = (email.strip().lower(), address)
        now = clock.now()
        found = self._failures.get(key)
        if found is not None and now - found.last > self.longest:
            found = None  # long enough ago: start counting again
        self._failures[key] = _Failures((found.count if found else 0) + 1, now)
        if len(self._failures) > 100_000:  # bounded memory under a spray of addresses
            oldest = sorted(self._failures, key=lambda k: self._failures[k].last)
            for stale in oldest[: len(oldest) // 2]:
                del self._failures[stale]

    def succeeded(self, email: str, address: str) -> None:
        self._failures.pop((email.strip().lower(), address), None)
