"""Fresh planner statistics for growing contact tables, in the background of a server
(PostgreSQL; see ``service.refresh_statistics`` for why autovacuum alone is not enough)."""

from __future__ import annotations

import logging

from dialbook.contacts import service
from dialbook.db import Database
from dialbook.kit.workers import Periodic

log = logging.getLogger("dialbook.contacts")

EVERY = 1.0  # seconds between two looks at the tables' sizes (one short catalog query)


class StatisticsKeeper(Periodic):
    """Analyzes the contact tables that outgrew their statistics (a registered worker)."""

    def __init__(self, db: Database, *, every: float = EVERY) -> None:
        super().__init__(every=every)
        self._db = db

    def start(self) -> None:
        if not self._db.is_sqlite:  # SQLite's statistics are taken by the imports
            super().start()

    async def step(self) -> None:
        analyzed = await self._db.write_long(service.refresh_statistics)
        if analyzed:
            log.info("analyzed %s: they had outgrown their statistics", ", ".join(analyzed))
