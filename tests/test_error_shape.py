"""Every error on the native surface has one shape: {"error", "detail", "fields"?}."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.config import Settings
from dialbook.db import Database
from tests.conftest import make_key

CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("POST", "/v1/contacts", {"content": b"{not json"}, 400, "malformed_request"),
    ("POST", "/v1/contacts", {"content": b"\xff\xfe\x00"}, 400, "malformed_request"),
    ("POST", "/v1/contacts", {"content": b""}, 400, "malformed_request"),
    ("POST", "/v1/contacts", {"json": []}, 422, "validation_failed"),
    ("POST", "/v1/contacts", {"json": {"phones": "x"}}, 422, "validation_failed"),
    ("POST", "/v1/contacts", {"json": {"unknown": 1}}, 422, "validation_failed"),
    ("POST", "/v1/contacts", {"json": {"first_name": "x" * 201}}, 422, "validation_failed"),
    ("POST", "/v1/contacts", {"json": {"phones": ["12"]}}, 422, "validation_failed"),
    ("POST", "/v1/contacts", {"content": b'{"notes": "a\\u0000b"}'}, 422, "validation_failed"),
    ("POST", "/v1/lists", {"content": b'{"name": "\\u0000"}'}, 422, "validation_failed"),
    ("GET", "/v1/contacts/999999", {}, 404, "not_found"),
    ("GET", "/v1/contacts/abc", {}, 404, "not_found"),
    ("GET", "/v1/nowhere", {}, 404, "not_found"),
    ("PUT", "/v1/contacts", {}, 405, "method_not_allowed"),
    ("PATCH", "/v1/lists/999", {"json": {}}, 404, "not_found"),
    ("DELETE", "/v1/custom-fields/999", {}, 404, "not_found"),
]


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "code"), CASES)
def test_error_bodies(
    api: TestClient, method: str, url: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = api.request(method, url, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert set(body) <= {"error", "detail", "fields", "existing_id", "current_version"}
    if status == 422:
        assert body["fields"]
        assert all(set(f) == {"name", "detail"} for f in body["fields"])


def test_unauthorized_and_forbidden(client: TestClient, db: Database) -> None:
    missing = client.get("/v1/contacts")
    assert (missing.status_code, missing.json()["error"]) == (401, "unauthorized")
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.get("/v1/contacts", headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "unauthorized")
    reader = make_key(db, scopes=["contacts:read"])
    forbidden = client.post("/v1/contacts", json={}, headers={"x-api-key": reader})
    assert (forbidden.status_code, forbidden.json()["error"]) == (403, "forbidden")


def test_conflict(api: TestClient) -> None:
    api.post("/v1/contacts", json={"phones": ["+14155550100"]})
    response = api.post("/v1/contacts", json={"phones": ["+14155550100"]})
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_contact"


def test_body_too_large(db: Database, admin_key: str, tmp_path: Any) -> None:
    from dialbook.app import create_app

    settings = Settings(data_dir=tmp_path, max_body_bytes=1000)
    with TestClient(create_app(settings, db=db)) as small:
        small.headers["x-api-key"] = admin_key
        response = small.post("/v1/contacts", json={"notes": "x" * 2000})
        assert response.status_code == 413
        assert response.json()["error"] == "payload_too_large"

        def chunks() -> Any:
            for _ in range(10):
                yield b"x" * 500

        streamed = small.post("/v1/contacts", content=chunks())
        assert streamed.status_code == 413


def test_a_bad_enum_value_lists_the_allowed_ones(api: TestClient) -> None:
    window = api.post("/v1/lists", json={"name": "W", "calling_window": {"days": ["Monday"]}})
    assert window.status_code == 422
    [field] = window.json()["fields"]
    assert field["name"] == "calling_window.days[0]"
    assert field["detail"] == (
        "Invalid enum value 'Monday'; allowed: "
        + ", ".join(repr(day) for day in sorted(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]))
    )
    policy = api.post("/v1/lists", json={"name": "P", "duplicate_policy": {"key": "fax"}})
    assert policy.json()["fields"][0]["detail"].endswith(
        "allowed: 'email', 'external_id', 'none', 'phone'"
    )
    outcome = api.post("/v1/queue/leases/1/outcome", json={"outcome": "hung_up"})
    assert outcome.status_code == 422
    assert "'no_answer'" in outcome.json()["fields"][0]["detail"]
    phone = api.post("/v1/contacts", json={"phones": [{"number": "2125550100", "type": "fax"}]})
    assert "allowed: " in phone.json()["fields"][0]["detail"]


def test_a_form_body_is_told_the_api_takes_json(api: TestClient) -> None:
    form = api.post("/v1/lists", data={"name": "Spring leads"})
    assert form.status_code == 400
    assert form.json()["error"] == "malformed_request"
    assert form.json()["detail"].startswith(
        "The API takes a JSON body (Content-Type: application/json), but this request sent "
        "Content-Type: application/x-www-form-urlencoded and its body is not JSON"
    )
    # curl -d sends JSON with a form Content-Type: the body decides, as before.
    curl = api.post(
        "/v1/lists",
        content=b'{"name": "Spring leads"}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert curl.status_code == 201
