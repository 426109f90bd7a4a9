"""Every failure under /compat/talkdesk answers in Talkdesk's error body and status."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.onboarding import service as onboarding
from tests.conftest import make_key
from tests.dialects.talkdesk.conftest import (
    BASE,
    SEED_RECORD,
    assert_error,
    create_record,
    make_list,
    record,
)


def _records(list_id: str) -> str:
    return f"{BASE}/record-lists/{list_id}/records"


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"priority": ""}, "priority"),
        ({"priority": 11}, "priority"),
        ({"priority": 0}, "priority"),
        ({"priority": 5.5}, "priority"),
        ({"first_name": "x" * 81}, "first_name"),
        ({"last_name": "x" * 81}, "last_name"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": None}, "first_name"),
        ({"last_name": None}, "last_name"),
        ({"first_name": "\u00e9" * 81}, "first_name"),
        ({"timezone": "x" * 36}, "timezone"),
        (
            {"phone_numbers": [{"phone_number": "+14155552671", "phone_type": "FAX"}]},
            "phone_numbers[0].phone_type",
        ),
        (
            {"phone_numbers": [{"phone_number": "1" * 21, "phone_type": "HOME"}]},
            "phone_numbers[0].phone_number",
        ),
        (
            {
                "phone_numbers": [
                    {"phone_number": "+14155552671", "phone_type": "HOME"},
                    {"phone_number": "12", "phone_type": "HOME"},
                ]
            },
            "phone_numbers[1].phone_number",
        ),
        ({"phone_numbers": [{"phone_number": "+14155552671"}]}, "phone_numbers[0].phone_type"),
        ({"phone_numbers": []}, "phone_numbers"),
        ({"phone_numbers": None}, "phone_numbers"),
        ({"phone_numbers": None, "phone_number": "12"}, "phone_number"),
        ({"external_id": "003A"}, "external_provider"),
        ({"external_provider": "salesforce"}, "external_id"),
        ({"external_url": "https://crm.example/1"}, "external_id"),
        ({"extra_data": {"email": "nope"}}, "extra_data.email"),
        ({"extra_data": {"State": "x" * 101}}, "extra_data.State"),
        ({"extra_data": {"notes": ["a", "b"]}}, "extra_data.notes"),
        ({"extra_data": {"city": "A", "City": "B"}}, "extra_data.City"),
        ({"extra_data": "USA"}, "extra_data"),
        ({"nickname": "Joe"}, "nickname"),
    ],
)
def test_bad_records_are_400_with_talkdesk_field_names(
    api: TestClient, change: dict[str, Any], name: str
) -> None:
    list_id = make_list(api)
    body = {**record(), **change}  # None is sent as an explicit null
    error = assert_error(api.post(_records(list_id), json=body), 400, name)
    assert error["code"] == "invalid_data"
    assert error["message"] == "Bad request"
    # Nothing half-written: no record, no custom field definition.
    assert api.get(f"{BASE}/record-lists/{list_id}").json()["records_count"] == 0
    assert api.get("/v1/custom-fields").json()["data"] == []


def test_an_empty_string_priority_is_an_error_not_a_hot_lead(api: TestClient) -> None:
    list_id = make_list(api)
    body = assert_error(api.post(_records(list_id), json=record(priority="")), 400, "priority")
    assert "str" in body["fields"][0]["description"]


def test_a_failed_create_defines_no_custom_field(api: TestClient) -> None:
    list_id = make_list(api)
    create_record(api, list_id)
    assert_error(
        api.post(_records(list_id), json=record(extra_data={"favourite": "blue"})),
        409,
        "phone_numbers",
    )
    assert api.get("/v1/custom-fields").json()["data"] == []


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"{not json", "malformed_request"), (b"", "malformed_request"), (b"[1]", "invalid_data")],
)
def test_unreadable_bodies_are_400(api: TestClient, content: bytes, code: str) -> None:
    list_id = make_list(api)
    response = api.post(
        _records(list_id), content=content, headers={"Content-Type": "application/json"}
    )
    assert (
        assert_error(response, 400, *(["body"] if code == "invalid_data" else []))["code"] == code
    )


def test_a_missing_or_unknown_key_is_401(client: TestClient, admin_key: str) -> None:
    body = assert_error(client.get(f"{BASE}/record-lists"), 401)
    assert body["code"] == "unauthorized"
    response = client.get(f"{BASE}/record-lists", headers={"Authorization": "Bearer nope"})
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    ok = client.get(f"{BASE}/record-lists", headers={"x-api-key": admin_key})
    assert ok.status_code == 200


def test_a_key_without_the_scope_is_403(client: TestClient, db: Database) -> None:
    reader = make_key(db, scopes=["contacts:read"])
    headers = {"Authorization": f"Bearer {reader}"}
    assert_error(client.post(f"{BASE}/record-lists", json={"name": "x"}, headers=headers), 403)
    assert client.get(f"{BASE}/record-lists", headers=headers).status_code == 200
    writer = make_key(db, scopes=["contacts:write"])
    list_response = client.get(
        f"{BASE}/record-lists/{_default_list(client, reader)}", headers=headers
    )
    assert list_response.status_code == 200
    assert_error(
        client.get(
            f"{BASE}/record-lists/{_default_list(client, reader)}/records",
            headers={"Authorization": f"Bearer {writer}"},
        ),
        403,
    )


def _default_list(client: TestClient, key: str) -> str:
    page = client.get(f"{BASE}/record-lists", headers={"Authorization": f"Bearer {key}"}).json()
    list_id: str = page["_embedded"]["record_lists"][0]["id"]
    return list_id


@pytest.mark.parametrize(
    "path",
    [
        "/record-lists/999999",
        "/record-lists/not-a-list",
        "/record-lists/99999999999999999999999999",
        "/record-lists/\u00b2",
        "/record-lists/{list}/records/999999",
        "/record-lists/{list}/records/abc",
        "/record-lists/{list}/records/99999999999999999999999999",
        "/record-lists/{list}/records/\u00b2",
        "/no-such-route",
        "/record-lists/{list}/records/1/extra",
    ],
)
def test_unknown_ids_and_routes_are_404(api: TestClient, path: str) -> None:
    list_id = make_list(api)
    body = assert_error(api.get(BASE + path.replace("{list}", list_id)), 404)
    assert body["code"] == "not_found"


def test_unknown_ids_are_404_for_writes_too(api: TestClient) -> None:
    assert_error(api.post(f"{BASE}/record-lists/999999/records", json=SEED_RECORD), 404)
    assert_error(api.patch(f"{BASE}/record-lists/999999", json={"name": "x"}), 404)
    assert_error(
        api.request("DELETE", f"{BASE}/record-lists/999999/records/bulks", json=[{"id": "1"}]),
        404,
    )


def test_a_wrong_method_is_405_in_talkdesk_format(api: TestClient) -> None:
    body = assert_error(api.put(f"{BASE}/record-lists"), 405)
    assert body["code"] == "method_not_allowed"


def test_another_workspaces_list_is_404(api: TestClient, db: Database) -> None:

    db.run_write(onboarding.create_workspace, name="other")
    other_key = make_key(db, scopes=["contacts:read", "contacts:write"], workspace="other")
    list_id = make_list(api)
    create_record(api, list_id)
    headers = {"Authorization": f"Bearer {other_key}"}
    assert_error(api.get(f"{BASE}/record-lists/{list_id}", headers=headers), 404)
    assert_error(api.get(f"{_records(list_id)}", headers=headers), 404)


@pytest.mark.parametrize(
    ("params", "name"),
    [({"page": 0}, "page"), ({"per_page": 201}, "per_page"), ({"page": "x"}, "page")],
)
def test_bad_paging_is_400(api: TestClient, params: dict[str, Any], name: str) -> None:
    list_id = make_list(api)
    assert_error(api.get(_records(list_id), params=params), 400, name)
    assert_error(api.get(f"{BASE}/record-lists", params=params), 400, name)


def test_bulk_update_and_delete_accept_at_most_100_items(api: TestClient) -> None:
    list_id = make_list(api)
    ops = [{"op": "replace", "path": "/records/1", "value": {}}] * 101
    assert_error(api.patch(f"{_records(list_id)}/bulks", json=ops), 413, "body")
    assert_error(
        api.request("DELETE", f"{_records(list_id)}/bulks", json=[{"id": "1"}] * 101),
        413,
        "body",
    )


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"first_name": "   "}, "first_name"),
        ({"last_name": " "}, "last_name"),
        ({"extra_data": {" ": "x"}}, "extra_data"),
    ],
)
def test_blank_names_and_keys_are_400(api: TestClient, change: dict[str, Any], name: str) -> None:
    list_id = make_list(api)
    assert_error(api.post(_records(list_id), json={**record(), **change}), 400, name)


def test_a_bad_phone_in_a_bulk_delete_is_reported_for_that_item(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    response = api.request(
        "DELETE",
        f"{_records(list_id)}/bulks",
        json=[{"phone_number": "not a phone"}, {"id": created["id"]}],
    )
    body = response.json()
    assert (body["total_deleted"], body["total_errors"]) == (1, 1)
    failed = body["_embedded"]["failed_records"][0]
    assert failed["phone_number"] == "not a phone"
    assert failed["description"].startswith("phone_number ")
