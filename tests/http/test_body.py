"""Reading request bodies through the app itself (ASGI), where the client misbehaves."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from typing import Any

import pytest

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database


def test_a_client_gone_before_its_body_arrived_is_answered_without_an_error_logged(
    db: Database, settings: Settings, admin_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, db=db)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/contacts",
        "raw_path": b"/v1/contacts",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"authorization", f"Bearer {admin_key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"120"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    with caplog.at_level(logging.WARNING):
        asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert b"The connection closed before the whole body arrived." in sent[1]["body"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
