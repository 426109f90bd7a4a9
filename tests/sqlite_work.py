"""Counting what SQLite does, so a test of a query plan does not depend on the machine's
speed: a plan that walks a list costs tens of thousands of instructions, a lookup hundreds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def steps(conn: Any, fn: Callable[[], object]) -> int:
    """SQLite virtual machine instructions (in hundreds) that ``fn`` runs on ``conn``."""
    raw = conn.connection.dbapi_connection
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0

    raw.set_progress_handler(tick, 100)
    try:
        fn()
    finally:
        raw.set_progress_handler(None, 100)
    return counted[0]
