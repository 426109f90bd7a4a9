"""HighLevel's official Python SDK (PyPI gohighlevel-api-client 3.0.0) against a live server,
changing nothing but its base URL. The SDK sends ``Version: v3`` and the private integration
token as a bearer token; here the token is a dialbook API key."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database, migrate
from dialbook.onboarding import service as onboarding
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller, WorkspaceUpdate
from tests.dialects.highlevel.conftest import LOCATION
from tests.servers import listening_socket

highlevel = pytest.importorskip(
    "highlevel", reason="the official SDK (pip install gohighlevel-api-client==3.0.0) is absent"
)
sdk_error = pytest.importorskip("highlevel.error")


def _prepare(data_dir: Path) -> str:
    """A migrated database with the default workspace aliased to LOCATION; an admin key."""
    url = Settings(data_dir=data_dir).url
    migrate.upgrade(url)
    db = Database(url)
    try:
        created = db.run_write(onboarding.bootstrap, default_region="US", with_key=True)
        assert created is not None
        admin = Caller(
            workspace_id=created.workspace_id,
            key_id=0,
            scopes=frozenset({"admin"}),
            default_region="US",
        )
        db.run_write(
            workspace_service.update_workspace,
            caller=admin,
            id=created.workspace_id,
            data=WorkspaceUpdate(aliases={"highlevel": LOCATION}),
        )
        return created.key
    finally:
        db.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL of the HighLevel dialect, API key) of a server on a thread of this process,
    stopped at the end (and, being a daemon thread, never outliving the test run)."""
    data_dir = tmp_path_factory.mktemp("highlevel-sdk")
    key = _prepare(data_dir)
    # The socket is bound here and handed to the server: no port is picked and released.
    sock = listening_socket()
    port = sock.getsockname()[1]
    app = create_app(Settings(data_dir=data_dir, key_cache_seconds=0.0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="highlevel-sdk-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/compat/highlevel", key
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        assert not thread.is_alive(), "the server did not stop"


def _client(base_url: str, key: str) -> Any:
    local = type("Local", (highlevel.HighLevel,), {"BASE_URL": base_url})
    return local(private_integration_token=key)


async def _scenario(base_url: str, key: str) -> dict[str, Any]:
    client = _client(base_url, key)
    try:
        seen: dict[str, Any] = {}
        seen["create"] = await client.contacts.create_contact(
            {
                "firstName": "Jane",
                "lastName": "Smith",
                "email": "jane.sdk@example.com",
                "phone": "+15125550150",
                "locationId": LOCATION,
                "tags": ["new-lead"],
                "dndSettings": {"call": {"status": "active"}},
            }
        )
        contact_id = seen["create"]["contact"]["id"]
        seen["get"] = await client.contacts.get_contact(contact_id)
        seen["update"] = await client.contacts.update_contact(
            contact_id, {"lastName": "Doe", "tags": ["customer"]}
        )
        seen["upsert"] = await client.contacts.upsert_contact(
            {"locationId": LOCATION, "email": "JANE.SDK@example.com", "city": "Austin"}
        )
        seen["upsert_new"] = await client.contacts.upsert_contact(
            {"locationId": LOCATION, "email": "other.sdk@example.com"}
        )
        seen["delete"] = await client.contacts.delete_contact(contact_id)
        try:
            await client.contacts.get_contact(contact_id)
        except sdk_error.GHLError as error:
            seen["gone"] = error.status_code
        return seen
    finally:
        await client.http_client.aclose()


def test_the_official_sdk_creates_gets_updates_upserts_and_deletes(
    live: tuple[str, str],
) -> None:
    base_url, key = live

    seen = asyncio.run(_scenario(base_url, key))

    created = seen["create"]["contact"]
    assert created["locationId"] == LOCATION
    assert (created["firstName"], created["phone"], created["tags"]) == (
        "Jane",
        "+15125550150",
        ["new-lead"],
    )
    assert created["dndSettings"] == {"call": {"status": "active"}}  # Version: v3 keys
    assert seen["get"]["contact"]["id"] == created["id"]
    assert seen["update"]["succeeded"] is True
    assert seen["update"]["contact"]["lastName"] == "Doe"
    assert seen["update"]["contact"]["tags"] == ["customer"]
    assert seen["upsert"]["new"] is False
    assert seen["upsert"]["contact"]["id"] == created["id"]
    assert seen["upsert"]["contact"]["city"] == "Austin"
    assert seen["upsert_new"]["new"] is True
    assert seen["delete"] == {"succeded": True, "succeeded": True}
    assert seen["gone"] == 404


def test_the_sdk_sends_what_the_dialect_expects(live: tuple[str, str]) -> None:
    base_url, key = live
    client = _client(base_url, key)

    headers = client.get_headers()
    asyncio.run(client.http_client.aclose())

    assert headers["Version"] == "v3"
    assert headers["Authorization"] == f"Bearer {key}"
    response = httpx.get(f"{base_url}/contacts/1", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "message": "version header was not found."}
