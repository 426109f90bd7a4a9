from __future__ import annotations

import hashlib

from sqlalchemy import select
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.db.tables import api_keys
from tests.conftest import make_key


def test_keys_are_shown_once_and_stored_as_hashes(api: TestClient, db: Database) -> None:
    created = api.post("/v1/keys", json={"name": "dialer", "scopes": ["queue:dial"]})
    assert created.status_code == 201
    secret = created.json()["key"]
    listed = api.get("/v1/keys").json()["data"]
    assert all("key" not in k for k in listed)
    stored = db.run_read(lambda conn: list(conn.execute(select(api_keys.c.key_hash)).scalars()))
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    assert secret not in stored


def test_both_auth_headers_and_revocation(client: TestClient, db: Database) -> None:
    key = make_key(db, scopes=["admin"])
    assert client.get("/v1/lists", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get("/v1/lists", headers={"x-api-key": key}).status_code == 200
    key_id = client.get("/v1/keys", headers={"x-api-key": key}).json()["data"][-1]["id"]
    revoked = client.delete(f"/v1/keys/{key_id}", headers={"x-api-key": key})
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/v1/lists", headers={"x-api-key": key}).status_code == 401


def test_last_used_is_recorded(api: TestClient) -> None:
    api.get("/v1/lists")
    assert all(k["last_used_at"] for k in api.get("/v1/keys").json()["data"])


def test_scopes_are_enforced(client: TestClient, db: Database) -> None:
    reader = {"x-api-key": make_key(db, scopes=["contacts:read"])}
    assert client.get("/v1/contacts", headers=reader).status_code == 200
    for method, url in [
        ("POST", "/v1/contacts"),
        ("POST", "/v1/lists"),
        ("POST", "/v1/custom-fields"),
        ("GET", "/v1/keys"),
        ("POST", "/v1/workspaces"),
    ]:
        response = client.request(method, url, headers=reader, json={})
        assert response.status_code == 403, url
        assert response.json()["error"] == "forbidden"


def test_workspaces(api: TestClient, db: Database) -> None:
    created = api.post("/v1/workspaces", json={"name": "acme", "default_region": "GB"})
    assert created.status_code == 201
    assert api.post("/v1/workspaces", json={"name": "acme"}).status_code == 409
    names = [w["name"] for w in api.get("/v1/workspaces").json()["data"]]
    assert names == ["default", "acme"]
    # A non-admin key sees only its own workspace.
    own = {"Authorization": "Bearer " + make_key(db, workspace="acme", scopes=["contacts:read"])}
    assert [w["name"] for w in api.get("/v1/workspaces", headers=own).json()["data"]] == ["acme"]
    ws_id = created.json()["id"]
    patched = api.patch(f"/v1/workspaces/{ws_id}", json={"aliases": {"highlevel": "loc123"}})
    assert patched.json()["aliases"] == {"highlevel": "loc123"}
    # Its default list reads national numbers as British.
    contact = api.post("/v1/contacts", json={"phones": ["020 7946 0958"]}, headers=own)
    assert contact.status_code == 403  # read-only key
    writer = {
        "Authorization": "Bearer " + make_key(db, workspace="acme", scopes=["contacts:write"])
    }
    contact = api.post("/v1/contacts", json={"phones": ["020 7946 0958"]}, headers=writer)
    assert contact.json()["phones"][0]["number"] == "+442079460958"
