"""Fixtures for the Salesfinity dialect: a client that authenticates as Salesfinity's do."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

BASE = "/compat/salesfinity/v1"

# The Add Contact page's example request (seeds/salesfinity-add-contact.txt), but for its
# phone: the page's +1234567890 has nine digits after +1, a length no NANP number has, and
# dialbook refuses it (test_the_documented_phone_is_refused); +15551234567 is dialable
# though libphonenumber does not know it as assigned.
SEED_CONTACT: dict[str, Any] = {
    "first_name": "John",
    "last_name": "Doe",
    "email": "[email protected]",
    "company": "Acme Corp",
    "title": "VP of Sales",
    "phone_numbers": [{"type": "direct", "number": "+15551234567"}],
    "custom_fields": [
        {"type": "string", "label": "Industry", "value": "SaaS"},
        {"type": "number", "label": "Employee Count", "value": 250},
        {"type": "boolean", "label": "Decision Maker", "value": True},
    ],
}


@pytest.fixture
def sf(client: TestClient, admin_key: str) -> TestClient:
    """A client sending the admin key in Salesfinity's header, x-api-key."""
    client.headers["x-api-key"] = admin_key
    return client


def new_list(sf: TestClient, name: str = "Leads", **body: Any) -> dict[str, Any]:
    body.setdefault("user_id", "680edc0d1504192884a148e0")
    response = sf.post(f"{BASE}/contact-lists", json={"name": name, **body})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def add(sf: TestClient, list_id: str, **contact: Any) -> dict[str, Any]:
    contact.setdefault("first_name", "Ann")
    contact.setdefault("phone_numbers", [])
    response = sf.post(f"{BASE}/contact-lists/{list_id}", json=contact)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def phone(number: str, type: str = "mobile", **more: Any) -> dict[str, Any]:
    return {"type": type, "number": number, **more}


def native_id(wire_id: str) -> int:
    return int(wire_id, 16)


def assert_error(response: Any, status: int, *fragments: str) -> dict[str, Any]:
    """The dialect's error body, with each fragment somewhere in its message."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"statusCode", "message", "error"}, body
    assert body["statusCode"] == status
    assert isinstance(body["error"], str)
    assert body["error"]
    text = " ".join(body["message"]) if isinstance(body["message"], list) else body["message"]
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return body
