"""Talkdesk's documented examples, sent verbatim; our answers compared with golden files."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.dialects.talkdesk.conftest import BASE, GOLDEN, create_record, make_list


def _request(name: str) -> bytes:
    return (GOLDEN / f"{name}.request.json").read_bytes()


def _post(api: TestClient, path: str, name: str, method: str = "POST") -> Any:
    return api.request(
        method,
        f"{BASE}{path}",
        content=_request(name),
        headers={"Content-Type": "application/json"},
    )


def test_the_seed_example_creates_a_record(api: TestClient, golden: Any) -> None:
    list_id = make_list(api)
    response = _post(api, f"/record-lists/{list_id}/records", "create_record")
    assert response.status_code == 201, response.text
    body = response.json()
    golden(
        "create_record.response",
        body,
        lists={list_id: "<list>"},
        records={body["id"]: "<record>"},
    )


def test_the_bulk_example_creates_both_records(api: TestClient, golden: Any) -> None:
    list_id = make_list(api)
    response = _post(api, f"/record-lists/{list_id}/records/bulks", "create_records_bulk")
    assert response.status_code == 201, response.text
    body = response.json()
    ids = [r["id"] for r in body["_embedded"]["records"]]
    golden(
        "create_records_bulk.response",
        body,
        lists={list_id: "<list>"},
        records={record_id: f"<record:{i}>" for i, record_id in enumerate(ids)},
    )


def test_the_json_patch_example_updates_a_record(api: TestClient, golden: Any) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id, priority=2, extra_data={"name": "Joey"})
    response = _post(
        api, f"/record-lists/{list_id}/records/{created['id']}", "update_record", "PATCH"
    )
    assert response.status_code == 200, response.text
    golden(
        "update_record.response",
        response.json(),
        lists={list_id: "<list>"},
        records={created["id"]: "<record>"},
    )


def test_the_bulk_update_example_updates_the_record(api: TestClient, golden: Any) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    body = _request("update_records_bulk").replace(b"{record_id}", created["id"].encode())
    response = api.patch(
        f"{BASE}/record-lists/{list_id}/records/bulks",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    golden(
        "update_records_bulk.response",
        response.json(),
        lists={list_id: "<list>"},
        records={created["id"]: "<record>"},
    )


def test_the_bulk_delete_examples(api: TestClient, golden: Any) -> None:
    list_id = make_list(api, unique_identifier_type="EXTERNAL")
    for external_id, phone in (
        ("003DL0000212DetYAE", "+14155552671"),
        ("003DL0000214OYdYAM", "+14155552672"),
    ):
        create_record(
            api,
            list_id,
            phone_numbers=[{"phone_number": phone, "phone_type": "MOBILE"}],
            external_provider="salesforce",
            external_id=external_id,
        )
    for form in ("by_id", "by_phone", "by_external"):
        name = f"delete_records_bulk_{form}"
        response = _post(api, f"/record-lists/{list_id}/records/bulks", name, "DELETE")
        assert response.status_code == 200, response.text
        golden(f"{name}.response", response.json(), lists={list_id: "<list>"})
    left = api.get(f"{BASE}/record-lists/{list_id}/records").json()
    assert left["total"] == 0


def test_the_create_list_example(api: TestClient, golden: Any) -> None:
    response = _post(api, "/record-lists", "create_record_list")
    assert response.status_code == 201, response.text
    body = response.json()
    golden("create_record_list.response", body, lists={body["id"]: "<list>"})
    assert json.loads(_request("create_record_list"))["name"] == body["name"]
