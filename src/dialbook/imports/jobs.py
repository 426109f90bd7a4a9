"""Running imports in the background of a server process, one thread per job."""

from __future__ import annotations

import logging
import threading

from dialbook.db import Database
from dialbook.errors import Conflict
from dialbook.imports import service as import_service

log = logging.getLogger("dialbook.imports")


class Jobs:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._running: dict[int, threading.Thread] = {}

    def start(self, workspace_id: int, id: int) -> None:
        with self._lock:
            if id in self._running and self._running[id].is_alive():
                return
            thread = threading.Thread(
                target=self._run, args=(workspace_id, id), name=f"import-{id}", daemon=True
            )
            self._running[id] = thread
            thread.start()

    def _run(self, workspace_id: int, id: int) -> None:
        try:
            import_service.run(self._db, workspace_id=workspace_id, id=id)
        except Conflict:
            log.info("import %s is running in another process", id)
        except Exception:  # noqa: BLE001 - recorded on the job by run(); keep the server up
            log.exception("import %s failed", id)

    def resume_unfinished(self) -> list[int]:
        """Start the jobs a stopped process left behind (they resume after last_line)."""
        jobs = self._db.run_read(import_service.unfinished)
        for workspace_id, id in jobs:
            self.start(workspace_id, id)
        return [id for _workspace_id, id in jobs]

    def wait(self, timeout: float | None = None) -> None:
        for thread in list(self._running.values()):
            thread.join(timeout)
