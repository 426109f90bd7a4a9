"""The registry of background workers: one of each type, got by its type, started in the
order registered and stopped in the reverse, even when one fails to stop; and the periodic
workers, which outlive failed steps."""

from __future__ import annotations

import asyncio
import logging

import pytest

from dialbook.kit.workers import Periodic, Workers


class _Recorder:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def start(self) -> None:
        self.log.append(f"start {type(self).__name__}")

    async def stop(self) -> None:
        self.log.append(f"stop {type(self).__name__}")


class First(_Recorder):
    pass


class Second(_Recorder):
    async def stop(self) -> None:
        await super().stop()
        raise RuntimeError("stuck")


def test_workers_start_in_order_and_stop_in_reverse() -> None:
    log: list[str] = []
    workers = Workers()
    first = workers.register(First(log))
    workers.register(Second(log))
    assert workers.get(First) is first
    workers.start()
    asyncio.run(workers.stop())  # Second's failure does not keep First running
    assert log == ["start First", "start Second", "stop Second", "stop First"]


def test_one_worker_of_each_type() -> None:
    workers = Workers()
    workers.register(First([]))
    with pytest.raises(ValueError, match="registered already"):
        workers.register(First([]))
    with pytest.raises(LookupError, match="no Second"):
        workers.get(Second)


class Flaky(Periodic):
    """Fails its steps 2 to 4 (a database that went away and came back), then stops."""

    def __init__(self) -> None:
        super().__init__(every=0.001)
        self.steps = 0
        self.done = asyncio.Event()

    async def step(self) -> None:
        self.steps += 1
        if self.steps == 6:
            self.done.set()
        if 2 <= self.steps <= 4:
            raise ConnectionError("the database is down")


def test_a_periodic_worker_goes_on_after_failures_and_logs_them_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def run() -> int:
        worker = Flaky()
        worker.start()
        try:
            await asyncio.wait_for(worker.done.wait(), 10)
        finally:
            await worker.stop()
        return worker.steps

    with caplog.at_level(logging.INFO, logger="dialbook.workers"):
        assert asyncio.run(run()) >= 6
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "Flaky failed; trying again every 0.001 s",
        "Flaky works again",
    ]
