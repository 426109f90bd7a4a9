"""Records through /compat/talkdesk: create, read, page, JSON Patch, bulk, delete."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.dialects.talkdesk.conftest import (
    BASE,
    SEED_RECORD,
    assert_error,
    create_record,
    make_list,
    record,
)

PHONE_2 = "+14155552672"


def _records(list_id: str) -> str:
    return f"{BASE}/record-lists/{list_id}/records"


def test_a_seed_record_reads_back_through_v1_with_the_same_normalized_values(
    api: TestClient,
) -> None:
    list_id = make_list(api)
    created = api.post(_records(list_id), json=SEED_RECORD).json()
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert str(contact["id"]) == created["id"]
    assert str(contact["list_id"]) == list_id == created["record_list_id"]
    assert [(p["number"], p["type"]) for p in contact["phones"]] == [
        ("+351929312312", "mobile"),
        ("+351929312300", "office"),
        ("+351929312301", "home"),
    ]
    assert [p["phone_number"] for p in created["phone_numbers"]] == [
        p["number"] for p in contact["phones"]
    ]
    assert (contact["first_name"], contact["last_name"]) == ("Joey", "Tribbiani")
    assert contact["full_name"] == "Joey Tribbiani"
    assert contact["timezone"] == created["timezone"] == "Europe/Lisbon"
    # Talkdesk dials priority 10 first; dialbook dials lower numbers first: 6 -> 5.
    assert contact["priority"] == 11 - created["priority"] == 5
    assert contact["external_refs"] == [
        {
            "provider": "salesforce",
            "id": "0030O000024ukNtQAD",
            "url": "https://xxx.salesforce.com/0030O000024ukNtQAD",
            "sync": True,
        }
    ]
    assert (contact["country"], contact["state"]) == (
        "US",
        "CA",
    )  # a state name is stored as its code
    assert contact["custom_fields"] == {"job": "Actor"}
    assert created["extra_data"] == {"country": "US", "state": "CA", "job": "Actor"}
    assert api.get(f"{_records(list_id)}/{created['id']}").json() == created


def test_a_contact_made_through_v1_reads_as_a_record(api: TestClient) -> None:
    list_id = make_list(api)
    response = api.post(
        "/v1/contacts",
        json={
            "list_id": int(list_id),
            "first_name": "Ann",
            "last_name": "Lee",
            "phones": [{"number": "(415) 555-2671", "type": "direct"}, "415 555 2672"],
            "company": "Acme",
            "email": "Ann@Example.com",
            "priority": 0,
        },
    )
    assert response.status_code == 201, response.text
    contact = response.json()
    got = api.get(f"{_records(list_id)}/{contact['id']}").json()
    assert got["phone_numbers"] == [
        {"phone_number": "+14155552671", "phone_type": "OFFICE"},
        {"phone_number": "+14155552672", "phone_type": "MOBILE"},
    ]
    assert got["phone_number"] == "+14155552671"
    assert got["priority"] == 10  # canonical 0 dials before Talkdesk's 1..10 range: clamped
    assert got["extra_data"] == {"company": "Acme", "email": contact["email"]}


def test_the_deprecated_phone_number_is_a_mobile_phone(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id, phone_numbers=None, phone_number="(415) 555-2671")
    assert created["phone_number"] == "+14155552671"
    assert created["phone_numbers"] == [{"phone_number": "+14155552671", "phone_type": "MOBILE"}]


def test_every_talkdesk_phone_type_round_trips(api: TestClient) -> None:
    list_id = make_list(api)
    types = ["HOME", "OFFICE", "MOBILE", "EXTRA_1", "EXTRA_2", "EXTRA_3"]
    phones = [
        {"phone_number": f"+1415555267{i}", "phone_type": kind} for i, kind in enumerate(types)
    ]
    created = create_record(api, list_id, phone_numbers=phones)
    assert created["phone_numbers"] == phones
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert [p["type"] for p in contact["phones"]] == [t.lower() for t in types]


def test_priority_null_is_a_hot_lead(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id, priority=None)
    assert created["priority"] is None
    assert api.get(f"/v1/contacts/{created['id']}").json()["priority"] is None
    explicit = create_record(
        api,
        list_id,
        phone_numbers=[{"phone_number": PHONE_2, "phone_type": "HOME"}],
        priority=None,
    )
    assert explicit["priority"] is None


def test_extra_data_keys_map_onto_contact_fields_and_custom_fields(api: TestClient) -> None:
    list_id = make_list(api)
    extra = {
        "Country": "Portugal",
        "City": "Lisbon",
        "postal_code": 1100148,
        "Company": "Acme",
        "title": "CTO",
        "email": "Joe@Example.com",
        "Job Title": "Actor",
        "score": 7,
    }
    created = create_record(api, list_id, extra_data=extra)
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert (contact["country"], contact["city"], contact["postal_code"]) == (
        "PT",
        "Lisbon",
        "1100148",
    )
    assert (contact["company"], contact["title"]) == ("Acme", "CTO")
    assert contact["email"].lower() == "joe@example.com"
    assert contact["custom_fields"] == {"job_title": "Actor", "score": "7"}
    assert created["extra_data"] == {
        "country": "PT",
        "city": "Lisbon",
        "postal_code": "1100148",
        "company": "Acme",
        "title": "CTO",
        "email": contact["email"],
        "job_title": "Actor",
        "score": "7",
    }
    fields = {f["key"]: f for f in api.get("/v1/custom-fields").json()["data"]}
    assert fields["job_title"]["label"] == "Job Title"
    assert fields["job_title"]["type"] == "string"


def test_an_unknown_country_is_kept_as_text(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id, extra_data={"country": "Narnia"})
    assert created["extra_data"] == {"country": "Narnia"}
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert contact["country"] is None
    assert contact["custom_fields"] == {"country": "Narnia"}
    # A known country later replaces the text.
    patched = api.patch(
        f"{_records(list_id)}/{created['id']}",
        json=[{"op": "replace", "path": "/extra_data/country", "value": "gbr"}],
    ).json()
    assert patched["extra_data"] == {"country": "GB"}
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert (contact["country"], contact["custom_fields"]) == ("GB", {})


def test_records_are_paged_with_hal_links(api: TestClient) -> None:
    list_id = make_list(api)
    ids = [
        create_record(
            api, list_id, phone_numbers=[{"phone_number": f"+1415555267{i}", "phone_type": "HOME"}]
        )["id"]
        for i in range(5)
    ]
    first = api.get(_records(list_id), params={"per_page": 2}).json()
    assert (first["total"], first["per_page"], first["count"], first["page"]) == (5, 2, 2, 1)
    assert first["total_pages"] == 3
    assert [r["id"] for r in first["_embedded"]["records"]] == ids[:2]
    assert set(first["_links"]) == {"self", "first", "last", "next"}
    assert first["_links"]["next"]["href"].endswith(
        f"/compat/talkdesk/record-lists/{list_id}/records?page=2&per_page=2"
    )
    last = api.get(first["_links"]["last"]["href"]).json()
    assert (last["page"], last["count"]) == (3, 1)
    assert [r["id"] for r in last["_embedded"]["records"]] == ids[4:]
    assert set(last["_links"]) == {"self", "first", "last", "prev"}
    middle = api.get(last["_links"]["prev"]["href"]).json()
    assert [r["id"] for r in middle["_embedded"]["records"]] == ids[2:4]
    beyond = api.get(_records(list_id), params={"page": 9, "per_page": 2}).json()
    assert (beyond["count"], beyond["_embedded"]["records"]) == (0, [])
    default = api.get(_records(list_id)).json()
    assert (default["per_page"], default["count"]) == (50, 5)


def test_only_the_lists_own_records_are_listed(api: TestClient) -> None:
    one, two = make_list(api, "One"), make_list(api, "Two")
    mine = create_record(api, one)
    other = create_record(api, two)
    assert [r["id"] for r in api.get(_records(one)).json()["_embedded"]["records"]] == [mine["id"]]
    assert_error(api.get(f"{_records(one)}/{other['id']}"), 404)
    assert_error(
        api.patch(f"{_records(one)}/{other['id']}", json=[]),
        404,
    )


# -- duplicates, per unique_identifier_type ---------------------------------------------


def test_phone_number_lists_refuse_a_second_record_with_the_same_phone(api: TestClient) -> None:
    list_id = make_list(api, unique_identifier_type="PHONE_NUMBER")
    first = create_record(api, list_id)
    same_number_other_format = record(
        phone_numbers=[{"phone_number": "(415) 555-2671", "phone_type": "HOME"}]
    )
    body = assert_error(
        api.post(_records(list_id), json=same_number_other_format), 409, "phone_numbers"
    )
    assert body["code"] == "duplicate_record"
    assert first["id"] in body["description"]
    # Other lists are not looked at (scope: list).
    create_record(api, make_list(api, "Other"))


def test_external_lists_match_on_provider_and_id(api: TestClient) -> None:
    list_id = make_list(api, unique_identifier_type="EXTERNAL")
    assert api.get(f"{BASE}/record-lists/{list_id}").json()["unique_identifier_type"] == "EXTERNAL"
    ref = {"external_provider": "salesforce", "external_id": "003A"}
    create_record(api, list_id, **ref)
    # The same phone is fine, the same external reference is not.
    create_record(api, list_id, external_provider="salesforce", external_id="003B")
    body = assert_error(
        api.post(
            _records(list_id),
            json=record(phone_numbers=[{"phone_number": PHONE_2, "phone_type": "HOME"}], **ref),
        ),
        409,
        "external_id",
    )
    assert body["code"] == "duplicate_record"
    # Another provider with the same id is another record.
    create_record(api, list_id, external_provider="hubspot", external_id="003A")
    # Records of an EXTERNAL list need the reference.
    assert_error(
        api.post(_records(list_id), json=record()), 400, "external_provider", "external_id"
    )


def test_nothing_lists_accept_duplicates(api: TestClient) -> None:
    list_id = make_list(api, unique_identifier_type="NOTHING")
    create_record(api, list_id)
    create_record(api, list_id)
    assert api.get(f"{BASE}/record-lists/{list_id}").json()["records_count"] == 2


def test_changing_the_unique_identifier_type_changes_the_checks(api: TestClient) -> None:
    list_id = make_list(api, unique_identifier_type="NOTHING")
    create_record(api, list_id)
    response = api.patch(
        f"{BASE}/record-lists/{list_id}", json={"unique_identifier_type": "PHONE_NUMBER"}
    )
    assert response.json()["unique_identifier_type"] == "PHONE_NUMBER"
    assert_error(api.post(_records(list_id), json=record()), 409, "phone_numbers")
    policy = api.get(f"/v1/lists/{list_id}").json()["duplicate_policy"]
    assert policy == {"key": "phone", "scope": "list"}


def test_bulk_create_reports_duplicates_and_creates_the_rest(api: TestClient) -> None:
    list_id = make_list(api)
    response = api.post(
        f"{_records(list_id)}/bulks",
        json={"records": [record(), record(), record(first_name="")]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["total_created"], body["total_errors"], body["has_errors"]) == (1, 2, True)
    errors = body["_embedded"]["errors"]
    assert [(e["index"], e["code"]) for e in errors] == [
        (1, "duplicate_record"),
        (2, "invalid_data"),
    ]
    assert [f["name"] for f in errors[0]["fields"]] == ["phone_numbers"]
    assert [f["name"] for f in errors[1]["fields"]] == ["first_name"]


def test_a_failed_bulk_record_leaves_nothing_behind(api: TestClient) -> None:
    list_id = make_list(api)
    bad = record(extra_data={"favourite_colour": "blue"}, last_name="x" * 81)
    good = record(
        phone_numbers=[{"phone_number": PHONE_2, "phone_type": "HOME"}],
        extra_data={"shoe_size": "42"},
    )
    body = api.post(f"{_records(list_id)}/bulks", json={"records": [bad, good]}).json()
    assert body["total_created"] == 1
    assert [f["name"] for f in body["_embedded"]["errors"][0]["fields"]] == ["last_name"]
    keys = [f["key"] for f in api.get("/v1/custom-fields").json()["data"]]
    assert keys == ["shoe_size"]


def test_bulk_create_accepts_at_most_100_records(api: TestClient) -> None:
    list_id = make_list(api)
    body = assert_error(
        api.post(f"{_records(list_id)}/bulks", json={"records": [record()] * 101}),
        413,
        "records",
    )
    assert body["code"] == "payload_too_large"
    assert api.get(f"{BASE}/record-lists/{list_id}").json()["records_count"] == 0


def test_bulk_create_reports_a_record_that_is_not_an_object(api: TestClient) -> None:
    list_id = make_list(api)
    body = api.post(f"{_records(list_id)}/bulks", json={"records": ["nope", record()]}).json()
    assert (body["total_created"], body["total_errors"]) == (1, 1)
    assert body["_embedded"]["errors"][0]["index"] == 0


# -- JSON Patch -----------------------------------------------------------------------------


def _patch(api: TestClient, list_id: str, record_id: str, *ops: dict[str, Any]) -> Any:
    return api.patch(f"{_records(list_id)}/{record_id}", json=list(ops))


def test_json_patch_changes_only_what_it_names(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(
        api,
        list_id,
        timezone="America/New_York",
        priority=3,
        extra_data={"city": "Boston", "job": "Actor"},
        external_provider="salesforce",
        external_id="003A",
    )
    response = _patch(
        api,
        list_id,
        created["id"],
        {
            "op": "add",
            "path": "/phone_numbers/-",
            "value": {"phone_number": PHONE_2, "phone_type": "OFFICE"},
        },
        {"op": "replace", "path": "/phone_numbers/0/phone_type", "value": "HOME"},
        {"op": "remove", "path": "/extra_data/job"},
        {"op": "replace", "path": "/extra_data/city", "value": "Cambridge"},
        {"op": "replace", "path": "/external_url", "value": "https://crm.example/003A"},
        {"op": "replace", "path": "/priority", "value": None},
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["phone_numbers"] == [
        {"phone_number": "+14155552671", "phone_type": "HOME"},
        {"phone_number": PHONE_2, "phone_type": "OFFICE"},
    ]
    assert patched["extra_data"] == {"city": "Cambridge"}
    assert patched["priority"] is None
    assert (patched["first_name"], patched["timezone"]) == ("Jane", "America/New_York")
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert contact["custom_fields"] == {}
    assert contact["external_refs"] == [
        {"provider": "salesforce", "id": "003A", "url": "https://crm.example/003A", "sync": False}
    ]
    assert contact["priority"] is None


def test_json_patch_replace_of_a_missing_extra_data_key_adds_it(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    patched = _patch(
        api, list_id, created["id"], {"op": "replace", "path": "/extra_data/name", "value": "Jerry"}
    ).json()
    assert patched["extra_data"] == {"name": "Jerry"}


def test_json_patch_of_the_deprecated_phone_number_replaces_the_first_phone(
    api: TestClient,
) -> None:
    list_id = make_list(api)
    created = create_record(
        api,
        list_id,
        phone_numbers=[
            {"phone_number": "+14155552671", "phone_type": "OFFICE"},
            {"phone_number": PHONE_2, "phone_type": "HOME"},
        ],
    )
    patched = _patch(
        api,
        list_id,
        created["id"],
        {"op": "replace", "path": "/phone_number", "value": "+14155552673"},
    ).json()
    assert patched["phone_numbers"] == [
        {"phone_number": "+14155552673", "phone_type": "OFFICE"},
        {"phone_number": PHONE_2, "phone_type": "HOME"},
    ]


@pytest.mark.parametrize(
    ("op", "name"),
    [
        ({"op": "replace", "path": "/id", "value": "7"}, "[0].path"),
        ({"op": "replace", "path": "/nickname", "value": "J"}, "[0].path"),
        ({"op": "remove", "path": "/extra_data/nothing"}, "[0].path"),
        ({"op": "replace", "path": "/phone_numbers/7/phone_type", "value": "HOME"}, "[0].path"),
        ({"op": "replace", "path": "priority", "value": 2}, "[0].path"),
        ({"op": "replace", "path": "/priority"}, "[0].value"),
        ({"op": "move", "path": "/priority", "from": "/x"}, "[0].op"),
        ({"op": "copy", "path": "/priority"}, "[0].op"),
    ],
)
def test_a_bad_patch_document_is_a_400(api: TestClient, op: dict[str, Any], name: str) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    assert_error(_patch(api, list_id, created["id"], op), 400, name)
    assert api.get(f"{_records(list_id)}/{created['id']}").json() == created


@pytest.mark.parametrize(
    ("op", "name"),
    [
        ({"op": "replace", "path": "/priority", "value": 11}, "priority"),
        ({"op": "replace", "path": "/priority", "value": ""}, "priority"),
        ({"op": "remove", "path": "/first_name"}, "first_name"),
        ({"op": "replace", "path": "/last_name", "value": "x" * 81}, "last_name"),
        (
            {"op": "replace", "path": "/phone_numbers/0/phone_type", "value": "FAX"},
            "phone_numbers[0].phone_type",
        ),
        (
            {"op": "replace", "path": "/phone_numbers/0/phone_number", "value": "12"},
            "phone_numbers[0].phone_number",
        ),
        ({"op": "replace", "path": "/phone_numbers", "value": []}, "phone_numbers"),
        ({"op": "add", "path": "/extra_data/email", "value": "not an email"}, "extra_data.email"),
        ({"op": "add", "path": "/extra_data/nested", "value": {"a": 1}}, "extra_data.nested"),
        ({"op": "replace", "path": "/external_provider", "value": "hubspot"}, "external_id"),
    ],
)
def test_a_patch_leaving_an_invalid_record_is_a_422(
    api: TestClient, op: dict[str, Any], name: str
) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    body = assert_error(_patch(api, list_id, created["id"], op), 422, name)
    assert body["code"] == "unprocessable_record"
    assert api.get(f"{_records(list_id)}/{created['id']}").json() == created


def test_a_patch_onto_another_records_phone_is_a_409(api: TestClient) -> None:
    list_id = make_list(api)
    create_record(api, list_id)
    other = create_record(
        api, list_id, phone_numbers=[{"phone_number": PHONE_2, "phone_type": "HOME"}]
    )
    assert_error(
        _patch(
            api,
            list_id,
            other["id"],
            {"op": "replace", "path": "/phone_number", "value": "+14155552671"},
        ),
        409,
        "phone_number",
    )


# -- bulk update and delete -------------------------------------------------------------------


def test_bulk_update_applies_each_record_alone(api: TestClient) -> None:
    list_id = make_list(api)
    one = create_record(api, list_id)
    two = create_record(
        api, list_id, phone_numbers=[{"phone_number": PHONE_2, "phone_type": "HOME"}]
    )
    ops = [
        {
            "op": "replace",
            "path": f"/records/{one['id']}",
            "value": {"priority": 9, "first_name": "Janet"},
        },
        {"op": "replace", "path": f"/records/{two['id']}/priority", "value": 11},
        {"op": "replace", "path": "/records/999999", "value": {"priority": 1}},
        {"op": "add", "path": f"/records/{one['id']}/extra_data/tier", "value": "gold"},
    ]
    response = api.patch(f"{_records(list_id)}/bulks", json=ops)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total_updated"], body["total_errors"], body["has_errors"]) == (1, 2, True)
    updated = body["_embedded"]["records"][0]
    assert (updated["id"], updated["priority"], updated["first_name"]) == (one["id"], 9, "Janet")
    assert updated["extra_data"] == {"tier": "gold"}
    errors = {e["id"]: e for e in body["_embedded"]["errors"]}
    assert [f["name"] for f in errors[two["id"]]["fields"]] == ["priority"]
    assert errors[two["id"]]["index"] == 1
    assert errors["999999"]["code"] == "not_found"
    assert api.get(f"{_records(list_id)}/{two['id']}").json() == two


@pytest.mark.parametrize(
    "op",
    [
        {"op": "replace", "path": "/priority", "value": 1},
        {"op": "replace", "path": "/records", "value": {}},
        {"op": "remove", "path": "/records/1"},
    ],
)
def test_a_malformed_bulk_update_changes_nothing(api: TestClient, op: dict[str, Any]) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    good = {"op": "replace", "path": f"/records/{created['id']}", "value": {"priority": 1}}
    assert_error(api.patch(f"{_records(list_id)}/bulks", json=[good, op]), 400, *_names(op))
    assert api.get(f"{_records(list_id)}/{created['id']}").json() == created


def _names(op: dict[str, Any]) -> list[str]:
    return ["[1].op"] if op["op"] == "remove" else ["[1].path"]


def test_bulk_delete_by_id_phone_and_external_reference(api: TestClient) -> None:
    list_id = make_list(api, unique_identifier_type="NOTHING")
    by_id = create_record(api, list_id)
    by_phone = [
        create_record(api, list_id, phone_numbers=[{"phone_number": PHONE_2, "phone_type": "HOME"}])
        for _ in range(2)
    ]
    by_ref = create_record(
        api,
        list_id,
        phone_numbers=[{"phone_number": "+14155552673", "phone_type": "HOME"}],
        external_provider="salesforce",
        external_id="003A",
    )
    other_list = make_list(api, "Other")
    elsewhere = create_record(api, other_list)
    body = [
        {"id": int(by_id["id"])},
        {"phone_number": "(415) 555-2672"},
        {"external_provider": "salesforce", "external_id": "003A"},
        {"id": elsewhere["id"]},
    ]
    response = api.request("DELETE", f"{_records(list_id)}/bulks", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["total_deleted"], result["total_errors"]) == (4, 1)
    assert result["_embedded"]["failed_records"][0]["id"] == elsewhere["id"]
    assert "_links" in result["_embedded"]["failed_records"][0]
    assert api.get(_records(list_id)).json()["total"] == 0
    assert api.get(f"{_records(other_list)}/{elsewhere['id']}").status_code == 200
    assert not {by_ref["id"], by_phone[0]["id"]} & {
        r["id"] for r in api.get(_records(list_id)).json()["_embedded"]["records"]
    }


@pytest.mark.parametrize(
    ("item", "name"),
    [
        ({}, "[0]"),
        ({"id": "1", "phone_number": "+14155552671"}, "[0]"),
        ({"external_provider": "salesforce"}, "[0].external_id"),
        ({"record_id": "1"}, "[0].record_id"),
    ],
)
def test_a_malformed_bulk_delete_deletes_nothing(
    api: TestClient, item: dict[str, Any], name: str
) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    assert_error(
        api.request("DELETE", f"{_records(list_id)}/bulks", json=[item, {"id": created["id"]}]),
        400,
        name,
    )
    assert api.get(_records(list_id)).json()["total"] == 1


def test_a_single_record_can_be_deleted(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id)
    assert api.delete(f"{_records(list_id)}/{created['id']}").status_code == 204
    assert_error(api.get(f"{_records(list_id)}/{created['id']}"), 404)
    assert_error(api.delete(f"{_records(list_id)}/{created['id']}"), 404)


def test_the_third_party_airflow_flow_works(api: TestClient) -> None:
    """POST /record-lists {name} only, then chunks of 25 to /records/bulks [3rd-party]."""
    response = api.post(f"{BASE}/record-lists", json={"name": "Airflow 2026-11-25 • daily"})
    assert response.status_code == 201
    list_id = response.json()["id"]
    chunk = [
        record(phone_numbers=[{"phone_number": f"+1415555{2600 + i}", "phone_type": "MOBILE"}])
        for i in range(25)
    ]
    response = api.post(
        f"{_records(list_id)}/bulks",
        json={"records": chunk},
        headers={"Accept": "application/json, application/hal+json"},
    )
    response.raise_for_status()
    body = response.json()
    assert (body.get("total_created", 0), body.get("total_errors", 0)) == (25, 0)


def test_an_unusable_timezone_is_ignored_and_the_zone_inferred(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id, timezone="Mars/Base")
    assert created["timezone"] == "America/Los_Angeles"  # from +1 415
    patched = _patch(
        api, list_id, created["id"], {"op": "replace", "path": "/timezone", "value": "PST"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["timezone"] == "America/Los_Angeles"


def test_removing_the_timezone_clears_the_given_zone(api: TestClient) -> None:
    list_id = make_list(api)
    created = create_record(api, list_id, timezone="Asia/Tokyo")
    patched = _patch(api, list_id, created["id"], {"op": "remove", "path": "/timezone"}).json()
    assert patched["timezone"] != "Asia/Tokyo"
    contact = api.get(f"/v1/contacts/{created['id']}").json()
    assert contact["timezone_source"] != "given"
