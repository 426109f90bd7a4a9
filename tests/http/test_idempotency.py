from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx2 as httpx
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.kit import clock


def test_a_retry_replays_the_first_response_and_creates_nothing(api: TestClient) -> None:
    headers = {"Idempotency-Key": "create-ada-1"}
    body = {"full_name": "Ada Lovelace", "phones": ["+14155550100"]}
    first = api.post("/v1/contacts", json=body, headers=headers)
    again = api.post("/v1/contacts", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]
    assert len(api.get("/v1/contacts").json()["data"]) == 1


def test_the_same_key_with_another_body_is_refused(api: TestClient) -> None:
    headers = {"Idempotency-Key": "k"}
    api.post("/v1/contacts", json={"phones": ["+14155550100"]}, headers=headers)
    other = api.post("/v1/contacts", json={"phones": ["+14155550101"]}, headers=headers)
    assert other.status_code == 422
    assert other.json()["fields"][0]["name"] == "Idempotency-Key"
    elsewhere = api.post("/v1/lists", json={"name": "x"}, headers=headers)
    assert elsewhere.status_code == 422


def test_failures_keep_nothing_so_a_fixed_retry_runs(api: TestClient) -> None:
    headers = {"Idempotency-Key": "fix-me"}
    bad = api.post("/v1/contacts", json={"phones": ["12"]}, headers=headers)
    assert bad.status_code == 422
    good = api.post("/v1/contacts", json={"phones": ["12"]}, headers=headers)
    assert good.status_code == 422  # ran again: not a replay
    assert "idempotent-replayed" not in good.headers


def test_keys_expire_after_24_hours(api: TestClient) -> None:
    body = {"phones": ["+14155550100"]}
    headers = {"Idempotency-Key": "old"}
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with clock.frozen(start):
        assert api.post("/v1/contacts", json=body, headers=headers).status_code == 201
    with clock.frozen(start + dt.timedelta(hours=25)):
        again = api.post("/v1/contacts", json=body, headers=headers)
    assert again.status_code == 409  # ran again: the phone is now a duplicate


def test_keys_are_per_workspace(api: TestClient, db: Database) -> None:
    from tests.conftest import make_key

    api.post("/v1/workspaces", json={"name": "other"})
    other = {
        "Authorization": "Bearer " + make_key(db, workspace="other", scopes=["contacts:write"])
    }
    headers = {"Idempotency-Key": "shared"}
    api.post("/v1/contacts", json={"phones": ["+14155550100"]}, headers=headers)
    theirs = api.post(
        "/v1/contacts", json={"phones": ["+14155550100"]}, headers={**headers, **other}
    )
    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers


def test_dialects_accept_it_too(api: TestClient) -> None:
    headers = {"Idempotency-Key": "nedzo-1"}
    body = {"email": "ada@example.com", "phone": "+14155550100"}
    first = api.post("/compat/nedzo/v1/contacts", json=body, headers=headers)
    again = api.post("/compat/nedzo/v1/contacts", json=body, headers=headers)
    assert first.status_code in (200, 201), first.text
    assert again.json() == first.json()
    assert len(api.get("/v1/contacts").json()["data"]) == 1


def test_concurrent_retries_create_one(db: Database, admin_key: str, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path), db=db)

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            headers = {"Authorization": f"Bearer {admin_key}", "Idempotency-Key": "race"}
            body = {"phones": ["+14155550100"]}
            responses = await asyncio.gather(
                *[client.post("/v1/contacts", json=body, headers=headers) for _ in range(16)]
            )
        return [r.status_code for r in responses]

    statuses = asyncio.run(run())
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
    every = "SELECT /* cross-tenant: the test counts every contact */ count(*) FROM contacts"
    count = db.run_read(lambda conn: conn.exec_driver_sql(every).scalar())
    assert count == 1


def test_rate_limits(db: Database, admin_key: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, rate_limit="3/60s")
    with TestClient(create_app(settings, db=db)) as client:
        client.headers["x-api-key"] = admin_key
        statuses = [client.get("/v1/lists").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/v1/lists")
        assert limited.json()["error"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
        dialect = client.get("/compat/nedzo/v1/contacts")
        assert dialect.status_code == 429
        assert "retry-after" in dialect.headers
