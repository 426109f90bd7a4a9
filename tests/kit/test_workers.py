"""The registry of background workers: one of each type, got by its type, started in the
order registered and stopped in the reverse, even when one fails to stop."""

from __future__ import annotations

import asyncio

import pytest

from dialbook.kit.workers import Workers


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
