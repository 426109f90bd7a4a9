"""HighLevel's documented examples, sent as documented, answered as recorded.

Set DIALBOOK_UPDATE_GOLDEN=1 to rewrite the recorded answers (then review the diff).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from starlette.testclient import TestClient

from tests.dialects.highlevel.conftest import BASE, GOLDEN, LOCATION, define_field, error, golden

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def normalized(value: Any) -> Any:
    """``value`` with what changes from run to run replaced by placeholders."""
    if isinstance(value, list):
        return [normalized(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "id":
            assert isinstance(item, str), item
            assert item.isdigit(), item
            out[key] = "<id>"
        elif key in ("dateAdded", "dateUpdated"):
            assert TIMESTAMP.match(item), item
            out[key] = "<timestamp>"
        elif key == "traceId":
            assert UUID.match(item), item
            out[key] = "<uuid>"
        else:
            out[key] = normalized(item)
    return out


def assert_golden(name: str, body: Any) -> None:
    path = GOLDEN / name
    if os.environ.get("DIALBOOK_UPDATE_GOLDEN"):
        path.write_text(json.dumps(normalized(body), indent=2) + "\n")
    assert normalized(body) == golden(name)


def test_the_create_contact_example_succeeds_as_documented(hl: TestClient) -> None:
    response = hl.post(f"{BASE}/contacts/", json=golden("create-contact.request.json"))

    assert response.status_code == 201, response.text
    contact = response.json()["contact"]
    documented = golden("create-contact.documented-response.json")["contact"]
    for key, value in documented.items():
        if key not in ("id", "dateAdded", "dateUpdated"):
            assert contact[key] == value, key
    assert_golden("create-contact.response.json", response.json())


def test_the_example_is_created_without_the_trailing_slash_too(hl: TestClient) -> None:
    response = hl.post(f"{BASE}/contacts", json=golden("create-contact.request.json"))

    assert response.status_code == 201, response.text


def test_the_seed_pages_obfuscated_email_is_not_an_address(hl: TestClient) -> None:
    request = {**golden("create-contact.request.json"), "email": "[email protected]"}

    body = error(hl.post(f"{BASE}/contacts/", json=request), 422)

    assert body["message"] == ["email is not an email address"]


def test_the_upsert_and_update_examples(hl: TestClient) -> None:
    define_field(hl, "My Custom Field", "TEXT")

    upserted = hl.post(f"{BASE}/contacts/upsert", json=golden("upsert-contact.request.json"))
    assert upserted.status_code == 200, upserted.text
    assert upserted.json()["new"] is True
    assert_golden("upsert-contact.response.json", upserted.json())

    contact_id = upserted.json()["contact"]["id"]
    updated = hl.put(f"{BASE}/contacts/{contact_id}", json=golden("update-contact.request.json"))
    assert updated.status_code == 200, updated.text
    assert_golden("update-contact.response.json", updated.json())

    again = hl.post(f"{BASE}/contacts/upsert", json=golden("upsert-contact.request.json"))
    assert again.json()["new"] is False
    assert again.json()["contact"]["id"] == contact_id


def test_the_documented_location_id_is_the_workspace(hl: TestClient, workspace_id: int) -> None:
    by_alias = hl.post(f"{BASE}/contacts/", json=golden("create-contact.request.json"))
    assert by_alias.json()["contact"]["locationId"] == LOCATION
    request = {**golden("create-contact.request.json"), "email": "b@example.com"}
    request["phone"] = "+15125550111"
    for location in (str(workspace_id), "default"):
        response = hl.post(f"{BASE}/contacts/", json={**request, "locationId": location})
        assert response.status_code == 201, response.text
        request["email"] = "c@example.com"
        request["phone"] = "+15125550112"
