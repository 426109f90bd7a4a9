"""Fixtures shared by the webhook tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.webhooks.receiver import Receiver, Running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 for the test, stopped after it."""
    got = Receiver()
    running = Running(got)
    yield got
    running.stop()
