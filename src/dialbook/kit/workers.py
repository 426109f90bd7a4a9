"""The background workers of a server process, started and stopped with the app.

Each domain registers its own worker (imports in child processes, webhook deliveries,
event pruning) when the app is built; a caller gets one by its type
(``services.workers.get(Jobs).start(...)``), so the HTTP plumbing knows none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol, TypeVar

log = logging.getLogger("dialbook.workers")


class Worker(Protocol):
    def start(self) -> None:
        """Begin in the background (called inside the running event loop); return at once."""

    async def stop(self) -> None:
        """End the background work (the app is shutting down)."""


W = TypeVar("W", bound=Worker)


class Periodic:
    """A worker that runs :meth:`step` every ``every`` seconds, the first time when it
    starts. A failed step is tried again at the next turn (the server goes on), and logged
    once until a step succeeds again.
    Subclasses (one per kind of work, since workers are found by their type) define
    ``step``."""

    def __init__(self, *, every: float) -> None:
        self.every = every
        self._task: asyncio.Task[None] | None = None

    async def step(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=type(self).__name__)

    async def _run(self) -> None:
        failing = False  # a database that is down fails every turn: say so once
        while True:
            try:
                await self.step()
            except Exception:  # noqa: BLE001 - try again at the next turn
                if not failing:
                    log.exception(
                        "%s failed; trying again every %s s", type(self).__name__, self.every
                    )
                failing = True
            else:
                if failing:
                    log.info("%s works again", type(self).__name__)
                failing = False
            await asyncio.sleep(self.every)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Workers:
    """One worker of each type; started in the order registered, stopped in reverse."""

    def __init__(self) -> None:
        self._workers: dict[type[Worker], Worker] = {}

    def register(self, worker: W) -> W:
        kind = type(worker)
        if kind in self._workers:
            raise ValueError(f"a {kind.__name__} is registered already")
        self._workers[kind] = worker
        return worker

    def get(self, kind: type[W]) -> W:
        worker = self._workers.get(kind)
        if not isinstance(worker, kind):
            raise LookupError(f"no {kind.__name__} is registered")
        return worker

    def start(self) -> None:
        for worker in self._workers.values():
            worker.start()

    async def stop(self) -> None:
        for worker in reversed(self._workers.values()):
            try:
                await worker.stop()
            except Exception:  # noqa: BLE001 - the others must stop too
                log.exception("stopping %s failed", type(worker).__name__)
