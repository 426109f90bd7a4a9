"""Record lists through /compat/talkdesk: create, get, page, update, aliases."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.dialects.talkdesk.conftest import BASE, assert_error, create_record, make_list, record


def test_a_list_is_created_with_a_name_only(api: TestClient) -> None:
    response = api.post(f"{BASE}/record-lists", json={"name": "Airflow • batch"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Airflow • batch"
    assert (body["unique_identifier_type"], body["status"], body["signed_url"]) == (
        "PHONE_NUMBER",
        "ACCEPTED",
        None,
    )
    assert body["id"].isdigit()
    native = api.get(f"/v1/lists/{body['id']}").json()
    assert native["name"] == "Airflow • batch"
    assert native["duplicate_policy"] == {"key": "phone", "scope": "list"}


def test_a_list_reads_back_with_its_record_count(api: TestClient) -> None:
    list_id = make_list(api, "Leads", unique_identifier_type="NOTHING")
    create_record(api, list_id)
    create_record(api, list_id)
    body = api.get(f"{BASE}/record-lists/{list_id}").json()
    assert (body["id"], body["name"], body["records_count"]) == (list_id, "Leads", 2)
    assert body["unique_identifier_type"] == "NOTHING"
    assert body["teams"] == []
    assert body["_links"]["self"]["href"].endswith(f"/compat/talkdesk/record-lists/{list_id}")
    assert {"created_at", "updated_at", "account_id", "status"} <= set(body)


def test_lists_are_paged(api: TestClient) -> None:
    ids = [make_list(api, f"List {i}") for i in range(3)]
    page = api.get(f"{BASE}/record-lists", params={"per_page": 2}).json()
    # The workspace's default list comes first.
    assert (page["total"], page["count"], page["total_pages"], page["page"]) == (4, 2, 2, 1)
    assert [x["id"] for x in page["_embedded"]["record_lists"]][1:] == ids[:1]
    second = api.get(page["_links"]["next"]["href"]).json()
    assert [x["id"] for x in second["_embedded"]["record_lists"]] == ids[1:]
    assert "next" not in second["_links"]
    named = api.get(f"{BASE}/record-lists", params={"name": "list 2"}).json()
    assert [x["id"] for x in named["_embedded"]["record_lists"]] == ids[2:]
    assert "name=list+2" in named["_links"]["self"]["href"]
    rejected = api.get(f"{BASE}/record-lists", params={"status": "REJECTED"}).json()
    assert (rejected["total"], rejected["_embedded"]["record_lists"]) == (0, [])


def test_a_list_is_renamed_and_its_duplicate_check_changed(api: TestClient) -> None:
    list_id = make_list(api)
    response = api.patch(
        f"{BASE}/record-lists/{list_id}",
        json={"name": "Renamed", "unique_identifier_type": "EXTERNAL", "status": "x"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["unique_identifier_type"]) == ("Renamed", "EXTERNAL")
    assert api.get(f"/v1/lists/{list_id}").json()["duplicate_policy"]["key"] == "external_id"


def test_an_empty_list_update_changes_nothing(api: TestClient) -> None:
    list_id = make_list(api)
    before = api.get(f"{BASE}/record-lists/{list_id}").json()
    response = api.patch(f"{BASE}/record-lists/{list_id}")
    assert response.status_code == 200, response.text
    assert response.json()["name"] == before["name"]


def test_bad_list_bodies_are_400(api: TestClient) -> None:
    assert_error(api.post(f"{BASE}/record-lists", json={}), 400, "name")
    assert_error(api.post(f"{BASE}/record-lists", json={"name": "   "}), 400, "name")
    assert_error(api.post(f"{BASE}/record-lists", json={"name": "x" * 201}), 400, "name")
    assert_error(
        api.post(f"{BASE}/record-lists", json={"name": "x", "unique_identifier_type": "EMAIL"}),
        400,
        "unique_identifier_type",
    )
    list_id = make_list(api)
    assert_error(
        api.patch(f"{BASE}/record-lists/{list_id}", json={"unique_identifier_type": "X"}),
        400,
        "unique_identifier_type",
    )
    assert_error(api.patch(f"{BASE}/record-lists/{list_id}", content=b"{"), 400)


def test_a_list_is_found_by_its_talkdesk_alias(api: TestClient) -> None:
    alias = "0ea9a1a6-8b6a-4d5b-9d0b-6f3c2b1c0a11"
    response = api.post("/v1/lists", json={"name": "Migrated", "aliases": {"talkdesk": alias}})
    assert response.status_code == 201, response.text
    list_id = str(response.json()["id"])
    body = api.get(f"{BASE}/record-lists/{alias}").json()
    assert body["id"] == list_id
    created = api.post(f"{BASE}/record-lists/{alias}/records", json=record())
    assert created.status_code == 201, created.text
    assert created.json()["record_list_id"] == list_id
    listed = api.get(f"{BASE}/record-lists/{alias}/records").json()
    assert listed["total"] == 1


def test_a_record_without_names_is_400(api: TestClient) -> None:
    list_id = make_list(api)
    body = record()
    del body["first_name"]
    error = assert_error(
        api.post(f"{BASE}/record-lists/{list_id}/records", json=body), 400, "first_name"
    )
    assert error["fields"][0]["description"] == "is required"
