"""Webhooks and the event stream against real `dialbook serve` processes: the stream over
a live connection, and a server killed with SIGKILL while deliveries are in flight."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from standardwebhooks import Webhook

from tests.test_reliability import Server, home  # noqa: F401 - home is a fixture
from tests.webhooks.receiver import Receiver, Running


def read_events(response: Any, count: int) -> list[dict[str, Any]]:
    """The first ``count`` events of an open Server-Sent Events response."""
    found: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    for line in response.iter_lines():
        if line.startswith(("id:", "event:", "data:")):
            name, _, value = line.partition(":")
            current[name] = value.strip()
        elif not line and "data" in current:
            found.append(
                {"id": current["id"], "event": current["event"], **json.loads(current["data"])}
            )
            current = {}
            if len(found) == count:
                return found
    raise AssertionError(f"the stream ended after {len(found)} events")


def test_the_stream_resumes_after_last_event_id(
    home: tuple[dict[str, str], str],  # noqa: F811
    tmp_path: Path,
) -> None:
    env, key = home
    server = Server(env, tmp_path)
    try:
        with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
            made = [
                client.post("/v1/contacts", json={"phones": [f"+1212555010{i}"]}).json()
                for i in range(2)
            ]
            start = {"Last-Event-ID": "0"}
            query = {"types": "contact.created"}
            with client.stream("GET", "/v1/events/stream", params=query, headers=start) as got:
                assert got.headers["content-type"].startswith("text/event-stream")
                first = read_events(got, 2)
            assert [e["contact_id"] for e in first] == [c["id"] for c in made]
            assert [e["event"] for e in first] == ["contact.created"] * 2
            resume = {"Last-Event-ID": str(first[0]["id"])}
            with client.stream("GET", "/v1/events/stream", params=query, headers=resume) as got:
                assert [e["id"] for e in read_events(got, 1)] == [first[1]["id"]]
            # Without a cursor it starts at now: what happens next arrives as it commits.
            with client.stream("GET", "/v1/events/stream", params=query) as got:
                late = client.post("/v1/contacts", json={"phones": ["+12125550109"]}).json()
                assert read_events(got, 1)[0]["contact_id"] == late["id"]
            bad = client.get("/v1/events/stream", headers={"Last-Event-ID": "x"})
            assert bad.status_code == 422
            assert bad.json()["fields"][0]["name"] == "Last-Event-ID"
    finally:
        server.stop()


@pytest.mark.slow
def test_kill_9_with_deliveries_in_flight_loses_no_event(
    home: tuple[dict[str, str], str],  # noqa: F811
    tmp_path: Path,
) -> None:
    """Every event reaches the receiver at least once after a restart, with the webhook-id
    it had before the kill."""
    env, key = home
    env = {**env, "DIALBOOK_WEBHOOKS_ALLOW_PRIVATE": "1", "DIALBOOK_WEBHOOK_TIMEOUT": "5"}
    receiver = Receiver(delay=1.5)  # answers come after the kill: every request is in flight
    running = Running(receiver)
    server = Server(env, tmp_path)
    try:
        with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
            hook = client.post("/v1/webhook-endpoints", json={"url": receiver.url}).json()
            for i in range(40):
                response = client.post("/v1/contacts", json={"phones": [f"+121255501{i:02d}"]})
                assert response.status_code == 201
            wanted = {
                f"evt_{e['id']}"
                for e in client.get(
                    "/v1/events", params={"types": "contact.created", "limit": 100}
                ).json()["data"]
            }
        receiver.wait_for(3)
        server.kill()
        killed_at = len(receiver.received)
        unanswered = {got.id for got in receiver.received} - set(receiver.answered)
        assert unanswered  # requests were in flight when the server died
        server = Server(env, tmp_path)
        # What was not answered before the kill comes again (once the dead process's leases
        # run out) with the webhook-id it had; the rest comes too.
        deadline = time.monotonic() + 60
        while True:
            again = {got.id for got in receiver.received[killed_at:]}
            missing = (wanted - {got.id for got in receiver.received}) | (unanswered - again)
            if not missing:
                break
            assert time.monotonic() < deadline, missing
            time.sleep(0.05)
        signer = Webhook(hook["secret"])
        for got in receiver.received:
            body = signer.verify(got.body, got.headers)
            assert got.id == f"evt_{body['id']}"
    finally:
        server.stop()
        running.stop()
