"""Pruning events past the retention period, in the background of a server."""

from __future__ import annotations

import logging
from collections.abc import Callable

from dialbook.db import Conn, Database
from dialbook.events import service as event_service
from dialbook.kit.workers import Periodic

log = logging.getLogger("dialbook.events")

EVERY = 3600.0  # seconds between prunes (the first runs when the server starts)


# Every workspace's id: given by the app (events sit below workspaces, which record events).
WorkspaceIds = Callable[[Conn], list[int]]


def prune(conn: Conn, *, days: int, workspace_ids: WorkspaceIds) -> int:
    """Remove every workspace's events older than ``days``; how many."""
    return event_service.prune(conn, workspace_ids=workspace_ids(conn), days=days)


class Pruner(Periodic):
    """Prunes events past the retention period in the background (a registered worker)."""

    def __init__(
        self, db: Database, *, days: int, workspace_ids: WorkspaceIds, every: float = EVERY
    ) -> None:
        super().__init__(every=every)
        self._db, self._days, self._workspace_ids = db, days, workspace_ids

    async def step(self) -> None:
        removed = await self._db.write_long(
            prune, days=self._days, workspace_ids=self._workspace_ids
        )
        if removed:
            log.info("pruned %d events older than %d days", removed, self._days)
