"""Every failure under /compat/salesfinity answers {"statusCode", "message", "error"}."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from tests.conftest import make_key
from tests.dialects.salesfinity.conftest import BASE, SEED_CONTACT, assert_error, new_list

ROUTES = [
    ("POST", "/contact-lists"),
    ("GET", "/contact-lists"),
    ("GET", "/contact-lists/csv"),
    ("GET", f"/contact-lists/csv/{1:024x}"),
    ("DELETE", f"/contact-lists/csv/{1:024x}"),
    ("POST", f"/contact-lists/csv/{1:024x}/reimport"),
    ("POST", f"/contact-lists/{1:024x}"),
    ("POST", f"/contact-lists/{1:024x}/merge"),
    ("DELETE", f"/contact-lists/{1:024x}/contacts/{1:024x}"),
    ("GET", "/custom-fields"),
    ("GET", "/team"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_wants_a_key(client: TestClient, method: str, path: str) -> None:
    assert_error(client.request(method, BASE + path, json={}), 401, "API key")
    wrong = client.request(method, BASE + path, json={}, headers={"x-api-key": "nope"})
    assert_error(wrong, 401)


def test_both_key_headers_work(client: TestClient, admin_key: str) -> None:
    for headers in ({"x-api-key": admin_key}, {"Authorization": f"Bearer {admin_key}"}):
        assert client.get(f"{BASE}/team", headers=headers).status_code == 200


def test_scopes(client: TestClient, db: Database) -> None:
    reader = {"x-api-key": make_key(db, scopes=["contacts:read"])}
    assert client.get(f"{BASE}/contact-lists", headers=reader).status_code == 200
    response = client.post(f"{BASE}/contact-lists", json={"name": "L"}, headers=reader)
    assert_error(response, 403, "lists:manage")
    writer = {"x-api-key": make_key(db, scopes=["contacts:write"])}
    response = client.post(f"{BASE}/contact-lists/{1:024x}", json=SEED_CONTACT, headers=writer)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/nope", "Cannot GET /v1/nope"),
        ("PUT", "/contact-lists", "Cannot PUT /v1/contact-lists"),
        ("PATCH", "/team", "Cannot PATCH /v1/team"),
        ("GET", f"/contact-lists/{1:024x}", f"Cannot GET /v1/contact-lists/{1:024x}"),
        ("GET", "", "Cannot GET /"),
        ("GET", "/../v2/anything", "Cannot GET"),
    ],
)
def test_unknown_routes(sf: TestClient, method: str, path: str, message: str) -> None:
    url = "/compat/salesfinity" + ("/v1" + path if path else "")
    assert_error(sf.request(method, url), 404, message)


@pytest.mark.parametrize(
    "ref",
    [
        "f" * 24,
        "0" * 24,
        "9" * 24,
        "9" * 40,
        "not-an-id",
        "%E2%98%83",
        "x" * 300,
        "507f1f77bcf86cd799439011",
        "²",
        "١٢",
        "١" * 30,
    ],
)
def test_ids_that_name_nothing(sf: TestClient, ref: str) -> None:
    for method, path, body in [
        ("GET", f"/contact-lists/csv/{ref}", None),
        ("DELETE", f"/contact-lists/csv/{ref}", None),
        ("POST", f"/contact-lists/csv/{ref}/reimport", None),
        ("POST", f"/contact-lists/{ref}", SEED_CONTACT),
        ("POST", f"/contact-lists/{ref}/merge", {"source_list_ids": [f"{1:024x}"]}),
        ("DELETE", f"/contact-lists/{ref}/contacts/{ref}", None),
    ]:
        response = sf.request(method, BASE + path, json=body)
        assert_error(response, 404, "not found")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "empty"),
        (b"\xff\xfe\x00", "JSON"),
        (b"[]", "body"),
        (b'"x"', "body"),
        (b"null", "body"),
    ],
)
def test_malformed_bodies(sf: TestClient, content: bytes, fragment: str) -> None:
    lst = new_list(sf)
    for path in (
        f"/contact-lists/{lst['_id']}",
        "/contact-lists",
        f"/contact-lists/{lst['_id']}/merge",
    ):
        response = sf.post(BASE + path, content=content)
        assert_error(response, 400, fragment)


def test_validation_messages_are_a_list_of_wire_field_names(sf: TestClient) -> None:
    lst = new_list(sf)
    response = sf.post(
        f"{BASE}/contact-lists/{lst['_id']}",
        json={"first_name": "A", "phone_numbers": [{"type": "mobile", "number": "1"}]},
    )
    body = assert_error(response, 400)
    assert body["error"] == "Bad Request"
    assert body["message"] == ["phone_numbers[0].number '1' is not a phone number"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_name": "a\x00"}, "first_name"),
        ({"notes": "\x00"}, "notes"),
        (
            {"phone_numbers": [{"type": "mobile", "number": "+1415555267\x00"}]},
            "phone_numbers[0].number",
        ),
        (
            {"custom_fields": [{"type": "string", "label": "L", "value": "\x00"}]},
            "custom_fields[0].value",
        ),
        ({"external_relations": {"crm": "\x00"}}, "external_relations.crm"),
    ],
)
def test_nul_characters_are_refused_not_a_server_error(
    sf: TestClient, change: dict[str, Any], field: str
) -> None:
    lst = new_list(sf)
    body = {"first_name": "A", "phone_numbers": [], **change}
    response = sf.post(f"{BASE}/contact-lists/{lst['_id']}", json=body)
    assert_error(response, 400, f"{field} must not contain NUL characters")
    response = sf.post(
        f"{BASE}/contact-lists", json={"name": "N\x00", "user_id": "u", "contacts": [body]}
    )
    assert_error(response, 400, "name must not", f"contacts[0].{field} must not")
    response = sf.get(f"{BASE}/contact-lists/csv/{lst['_id']}", params={"search": "a\x00"})
    assert_error(response, 400, "search")


def test_body_too_large(db: Database, admin_key: str, tmp_path: Any) -> None:
    settings = Settings(data_dir=tmp_path, max_body_bytes=1000, key_cache_seconds=0.0)
    with TestClient(create_app(settings, db=db)) as small:
        small.headers["x-api-key"] = admin_key
        response = small.post(
            f"{BASE}/contact-lists", json={"name": "L", "user_id": "u", "contacts": [{}] * 400}
        )
        body = assert_error(response, 413)
        assert body["error"] == "Payload Too Large"
        assert small.get(f"{BASE}/contact-lists").json()["total"] == 1
