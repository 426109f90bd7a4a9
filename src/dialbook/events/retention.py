"""Pruning events past the retention period, in the background of a server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from dialbook.db import Conn, Database
from dialbook.events import service as event_service

log = logging.getLogger("dialbook.events")

EVERY = 3600.0  # seconds between prunes (the first runs when the server starts)


# Every workspace's id: given by the app (events sit below workspaces, which record events).
WorkspaceIds = Callable[[Conn], list[int]]


def prune(conn: Conn, *, days: int, workspace_ids: WorkspaceIds) -> int:
    """Remove every workspace's events older than ``days``; how many."""
    return event_service.prune(conn, workspace_ids=workspace_ids(conn), days=days)


async def prune_forever(
    db: Database, *, days: int, workspace_ids: WorkspaceIds, every: float = EVERY
) -> None:
    while True:
        try:
            removed = await db.write(prune, days=days, workspace_ids=workspace_ids)
            if removed:
                log.info("pruned %d events older than %d days", removed, days)
        except Exception:  # noqa: BLE001 - try again at the next turn; never stop the server
            log.exception("pruning events failed")
        await asyncio.sleep(every)
