"""Pruning events past the retention period, in the background of a server."""

from __future__ import annotations

import asyncio
import contextlib
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
            removed = await db.write_long(prune, days=days, workspace_ids=workspace_ids)
            if removed:
                log.info("pruned %d events older than %d days", removed, days)
        except Exception:  # noqa: BLE001 - try again at the next turn; never stop the server
            log.exception("pruning events failed")
        await asyncio.sleep(every)


class Pruner:
    """Prunes events past the retention period in the background (a registered worker)."""

    def __init__(
        self, db: Database, *, days: int, workspace_ids: WorkspaceIds, every: float = EVERY
    ) -> None:
        self._db, self._days, self._workspace_ids, self._every = db, days, workspace_ids, every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            prune_forever(
                self._db, days=self._days, workspace_ids=self._workspace_ids, every=self._every
            )
        )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
