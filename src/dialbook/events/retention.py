"""Pruning events past the retention period, in the background of a server."""

from __future__ import annotations

import asyncio
import logging

from dialbook.db import Database
from dialbook.events import service as event_service

log = logging.getLogger("dialbook.events")

EVERY = 3600.0  # seconds between prunes (the first runs when the server starts)


async def prune_forever(db: Database, *, days: int, every: float = EVERY) -> None:
    while True:
        try:
            removed = await db.write(event_service.prune, days=days)
            if removed:
                log.info("pruned %d events older than %d days", removed, days)
        except Exception:  # noqa: BLE001 - try again at the next turn; never stop the server
            log.exception("pruning events failed")
        await asyncio.sleep(every)
