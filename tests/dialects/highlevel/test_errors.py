"""Every failure under /compat/highlevel answers in HighLevel's error body, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from tests.conftest import make_key
from tests.dialects.highlevel.conftest import BASE, LOCATION, create, error


@pytest.mark.parametrize("version", ["2021-07-28", "2023-02-21", "v3", "2021-04-15"])
def test_every_published_version_is_accepted(hl: TestClient, version: str) -> None:
    hl.headers["Version"] = version

    assert create(hl, email="v@example.com")["id"]


def test_a_missing_version_header_is_a_401(hl: TestClient) -> None:
    del hl.headers["Version"]

    body = error(hl.get(f"{BASE}/contacts/1"), 401)

    assert body["message"] == "version header was not found."


def test_an_unknown_version_is_a_401(hl: TestClient) -> None:
    response = hl.post(
        f"{BASE}/contacts/", json={"locationId": LOCATION}, headers={"Version": "2020-01-01"}
    )

    assert error(response, 401)["message"] == "version header is invalid"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Basic abc"])
def test_a_bad_token_is_a_401(hl: TestClient, authorization: str | None) -> None:
    del hl.headers["Authorization"]
    headers = {"Authorization": authorization} if authorization else {}

    response = hl.get(f"{BASE}/contacts/1", headers=headers)

    assert error(response, 401) == {
        "statusCode": 401,
        "message": "Invalid token: access token is invalid",
        "error": "Unauthorized",
    }


def test_a_key_without_the_scope_is_a_403(hl: TestClient, db: Database) -> None:
    reader = make_key(db, scopes=["contacts:read"])

    response = hl.post(
        f"{BASE}/contacts/",
        json={"locationId": LOCATION, "email": "x@example.com"},
        headers={"Authorization": f"Bearer {reader}"},
    )

    assert error(response, 403)["error"] == "Forbidden"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/contacts/", {"locationId": "someone-else"}),
        ("POST", "/contacts/upsert", {"locationId": "someone-else", "email": "a@b.co"}),
        ("GET", "/contacts/?locationId=someone-else", None),
        ("GET", "/contacts/search/duplicate?locationId=someone-else&email=a@b.co", None),
        ("GET", "/locations/someone-else/customFields", None),
        ("POST", "/locations/someone-else/customFields", {"name": "X", "dataType": "TEXT"}),
        ("GET", "/locations/someone-else/tags", None),
        ("POST", "/locations/someone-else/tags", {"name": "x"}),
    ],
)
def test_another_location_is_a_403(
    hl: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = hl.request(method, BASE + path, json=body)

    assert error(response, 403) == {
        "statusCode": 403,
        "message": "The token does not have access to this location.",
        "error": "Forbidden",
    }


def test_a_location_of_another_workspace_is_a_403(hl: TestClient) -> None:
    other = hl.post("/v1/workspaces", json={"name": "Other", "aliases": {"highlevel": "OTHER"}})
    assert other.status_code == 201, other.text

    response = hl.post(f"{BASE}/contacts/", json={"locationId": "OTHER", "email": "a@b.co"})

    error(response, 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nothing-here"),
        ("GET", "/contacts/1/notes"),
        ("POST", "/contacts/search"),
        ("PATCH", "/contacts/1"),
        ("GET", "/contacts/1/tags"),
    ],
)
def test_unknown_routes_and_methods_are_nestjs_404s(hl: TestClient, method: str, path: str) -> None:
    response = hl.request(method, BASE + path)

    assert error(response, 404) == {
        "statusCode": 404,
        "message": f"Cannot {method} {path}",
        "error": "Not Found",
    }


@pytest.mark.parametrize("contact_id", ["abc", "ocQHyuzHvuMOe5N5jjXF", "0012", "-1", "99999"])
def test_a_contact_that_is_not_ours_is_a_404(hl: TestClient, contact_id: str) -> None:
    for method in ("GET", "PUT", "DELETE"):
        response = hl.request(method, f"{BASE}/contacts/{contact_id}", json={})
        assert error(response, 404)["error"] == "Not Found"


@pytest.mark.parametrize("body", [b"{bad json", b'{"locationId": }', b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_400(hl: TestClient, body: bytes) -> None:
    response = hl.post(
        f"{BASE}/contacts/", content=body, headers={"Content-Type": "application/json"}
    )

    assert error(response, 400)["error"] == "Bad Request"


def test_an_empty_body_lacks_the_location(hl: TestClient) -> None:
    response = hl.post(f"{BASE}/contacts/", content=b"")

    assert error(response, 422)["message"] == ["locationId should not be empty"]


def test_every_unknown_property_is_named(hl: TestClient) -> None:
    response = hl.post(
        f"{BASE}/contacts/",
        json={"locationId": LOCATION, "additionalEmails": [], "phones": [], "firstName": 1},
    )

    assert error(response, 422) == {
        "statusCode": 422,
        "message": [
            "property additionalEmails should not exist",
            "property phones should not exist",
            "firstName must be a string",
        ],
        "error": "Unprocessable Entity",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("firstName", "x" * 201, "firstName must be shorter than or equal to 200 characters"),
        ("companyName", "x" * 301, "companyName must be shorter than or equal to 300 characters"),
        ("tags", ["t"] * 101, "tags must contain no more than 100 elements"),
        ("tags", ["x" * 256], "tags[0] must be shorter than or equal to 255 characters"),
        ("tags", "vip", "tags must be an array"),
        ("country", "USA", "country must be a valid ISO 3166-1 alpha-2 country code"),
        ("dnd", "yes", "dnd must be a boolean value"),
        ("email", "not-an-email", "email is not an email address"),
        (
            "dndSettings",
            {"Call": {"status": "maybe"}},
            "dndSettings.Call.status must be an allowed value, not 'maybe'",
        ),
        ("customFields", [{"id": "1", "colour": "red"}], "property customFields[0].colour"),
    ],
)
def test_bad_values_are_422s_in_highlevels_words(
    hl: TestClient, field: str, value: Any, message: str
) -> None:
    response = hl.post(f"{BASE}/contacts/", json={"locationId": LOCATION, field: value})

    body = error(response, 422)
    assert len(body["message"]) == 1
    assert body["message"][0].startswith(message)
    assert hl.get("/v1/contacts").json()["data"] == []


def test_a_body_over_the_limit_is_a_413(db: Database, admin_key: str, tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=tmp_path, max_body_bytes=64, key_cache_seconds=0), db=db)
    with TestClient(app) as client:
        response = client.post(
            f"{BASE}/contacts/",
            json={"locationId": LOCATION, "firstName": "x" * 100},
            headers={"Authorization": f"Bearer {admin_key}", "Version": "v3"},
        )

    assert error(response, 413)["error"] == "Payload Too Large"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = ["firstName", "name", "email", "phone", "dnd", "dndSettings", "tags", "customFields"]
_FIELDS += ["dateOfBirth", "country", "timezone", "locationId", "createNewIfDuplicateAllowed"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(["/contacts/", "/contacts/upsert", "/contacts/1", "/contacts/1/tags"]),
    body=st.dictionaries(st.sampled_from(_FIELDS) | st.text(max_size=6), _json, max_size=5) | _json,
)
def test_no_input_makes_a_500(hl: TestClient, path: str, body: Any) -> None:
    method = "PUT" if path == "/contacts/1" else "POST"

    response = hl.request(method, BASE + path, content=json.dumps(body))

    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["statusCode"] == response.status_code
