"""A webhook receiver of our own: a real HTTP server on 127.0.0.1 (port chosen by the
system on a socket bound before the server starts), recording what it is sent."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    """``answer`` decides each response: (status, headers) from what was received."""

    answer: Callable[[Received], tuple[int, dict[str, str]]] = lambda _: (200, {})
    delay: float = 0.0  # seconds before answering
    hold: threading.Event | None = None  # when given, answers wait until it is set
    received: list[Received] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # webhook-ids, once answered
    url: str = ""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        got = Received({k.decode(): v.decode() for k, v in scope["headers"]}, body)
        self.received.append(got)
        if self.delay:
            await asyncio.sleep(self.delay)
        while self.hold is not None and not self.hold.is_set():
            await asyncio.sleep(0.01)
        status, headers = self.answer(got)
        raw = [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b"ok"})
        self.answered.append(got.headers.get("webhook-id", ""))

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Until ``count`` requests arrived (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} arrived"
            time.sleep(0.02)
        return list(self.received)


class Running:
    """The receiver served by uvicorn in a thread until :meth:`stop`."""

    def __init__(self, receiver: Receiver) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        receiver.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        config = uvicorn.Config(receiver, lifespan="off", log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
