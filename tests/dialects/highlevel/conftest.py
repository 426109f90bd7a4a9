"""Fixtures for the HighLevel dialect: a client that calls as HighLevel's clients do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

BASE = "/compat/highlevel"
# The location id of HighLevel's documented examples; the test workspace carries it as
# its highlevel alias, so the examples run verbatim.
LOCATION = "ve9EPM428h8vShlRW1KT"
GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text())


@pytest.fixture
def workspace_id(api: TestClient) -> int:
    found: int = api.get("/v1/workspaces").json()["data"][0]["id"]
    return found


@pytest.fixture
def hl(api: TestClient, workspace_id: int) -> TestClient:
    """The admin client, with the workspace aliased to LOCATION and HighLevel's Version."""
    response = api.patch(
        f"/v1/workspaces/{workspace_id}", json={"aliases": {"highlevel": LOCATION}}
    )
    assert response.status_code == 200, response.text
    api.headers["Version"] = "2021-07-28"
    return api


def create(hl: TestClient, **fields: Any) -> dict[str, Any]:
    fields.setdefault("locationId", LOCATION)
    response = hl.post(f"{BASE}/contacts/", json=fields)
    assert response.status_code == 201, response.text
    contact: dict[str, Any] = response.json()["contact"]
    return contact


def define_field(hl: TestClient, name: str, data_type: str, **more: Any) -> dict[str, Any]:
    response = hl.post(
        f"{BASE}/locations/{LOCATION}/customFields",
        json={"name": name, "dataType": data_type, **more},
    )
    assert response.status_code == 201, response.text
    field: dict[str, Any] = response.json()["customField"]
    return field


def set_duplicates(api: TestClient, key: str, scope: str = "list") -> None:
    """Set the default list's duplicate policy (the location's "Allow Duplicate Contact")."""
    lists = api.get("/v1/lists").json()["data"]
    default = next(item for item in lists if item["is_default"])
    response = api.patch(
        f"/v1/lists/{default['id']}", json={"duplicate_policy": {"key": key, "scope": scope}}
    )
    assert response.status_code == 200, response.text


def error(response: Any, status: int) -> dict[str, Any]:
    """The body of a HighLevel error, checked for HighLevel's shape."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["statusCode"] == status
    if status == 422:
        assert isinstance(body["message"], list)
        assert body["error"] == "Unprocessable Entity"
    else:
        assert isinstance(body["message"], str)
    return body
