"""Nedzo over HTTP: behaviour, bad input, and agreement with the native API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.onboarding import service as onboarding
from tests.conftest import make_key

URL = "/compat/nedzo"
SEED_UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def native_id(ref: str) -> int:
    return uuid.UUID(ref).int


def legacy(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": "Jane.Doe@Example.com",
        "first_name": "Jane",
        "last_name": "Doe",
        "business_name": "Doe Dental",
        "full_address": "1 Main St",
        "city": "Baltimore",
        "state": "MD",
        "postal_code": "21201",
        "country": "United States",
        "phone": "(240) 452-2332",
        "job_title": "Owner",
        "dnc": False,
    }
    body.update(overrides)
    return body


def current(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane.doe@example.com",
        "phone": "+1 240 452 2332",
        "tags": ["webinar"],
    }
    body.update(overrides)
    return body


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    assert body["type"].startswith("https://api.nedzo.ai/errors/")
    assert body["title"]
    assert body["detail"]
    return body


def named(answer: Any) -> list[str]:
    return [e["field"] for e in answer.json()["errors"]]


def create_legacy(api: TestClient, **overrides: Any) -> dict[str, Any]:
    answer = api.post(URL + "/v1/contact/", json=legacy(**overrides))
    assert answer.status_code == 201, answer.text
    contact: dict[str, Any] = answer.json()["data"]["contact"]
    return contact


def create_current(api: TestClient, **overrides: Any) -> dict[str, Any]:
    answer = api.post(URL + "/v1/contacts", json=current(**overrides))
    assert answer.status_code == 201, answer.text
    contact: dict[str, Any] = answer.json()
    return contact


# -- the seed API: /v1/contact/ -----------------------------------------------------------


def test_a_seed_api_contact_reads_back_through_the_native_api(api: TestClient) -> None:
    lst = api.post("/v1/lists", json={"name": "Dentists"}).json()
    api.patch(f"/v1/lists/{lst['id']}", json={"aliases": {"nedzo": SEED_UUID}})
    created = create_legacy(
        api,
        contact_list_id=SEED_UUID,
        dnc=True,
        custom_fields=[{"custom_field_id": SEED_UUID, "value": "Webinar"}],
    )
    native = api.get(f"/v1/contacts/{native_id(created['id'])}").json()

    assert native["list_id"] == lst["id"]
    assert created["contact_list_id"] == SEED_UUID
    assert native["email"] == created["email"] == "Jane.Doe@Example.com"
    assert native["first_name"] == created["first_name"] == "Jane"
    assert native["last_name"] == created["last_name"] == "Doe"
    assert native["full_name"] == created["full_name"] == "Jane Doe"
    assert native["company"] == created["business_name"] == "Doe Dental"
    assert native["street"] == created["full_address"] == "1 Main St"
    assert native["city"] == created["city"] == "Baltimore"
    assert native["state"] == created["state"] == "MD"
    assert native["postal_code"] == created["postal_code"] == "21201"
    assert native["country"] == created["country"] == "US"
    assert native["phones"][0]["number"] == created["phone"] == "+12404522332"
    assert native["title"] == created["job_title"] == "Owner"
    assert native["dnc"] is created["dnc"] is True
    key = "f_" + SEED_UUID.replace("-", "_")
    assert native["custom_fields"] == {key: "Webinar"}
    assert created["custom_fields"] == [{"custom_field_id": SEED_UUID, "value": "Webinar"}]
    assert native_id(created["subaccount_id"]) == native["workspace_id"]
    assert created["last_dial_time"] is None
    assert created["most_recent_outcome"] == native["last_outcome"]


def test_contact_list_id_may_be_our_list_id_as_a_uuid_or_be_left_out(api: TestClient) -> None:
    lst = api.post("/v1/lists", json={"name": "Plain"}).json()
    ref = str(uuid.UUID(int=lst["id"]))
    in_list = create_legacy(api, contact_list_id=ref)
    assert in_list["contact_list_id"] == ref
    assert api.get(f"/v1/contacts/{native_id(in_list['id'])}").json()["list_id"] == lst["id"]
    unlisted = create_legacy(api, phone="+12404522399", email="b@example.com")
    assert unlisted["contact_list_id"] is None


@pytest.mark.parametrize("ref", [SEED_UUID, "not-a-uuid", 987654])
def test_an_unknown_contact_list_is_a_422_naming_it(api: TestClient, ref: Any) -> None:
    answer = api.post(URL + "/v1/contact/", json=legacy(contact_list_id=ref))
    body = problem(answer, 422)
    assert named(answer) == ["contact_list_id"]
    assert body["status_code"] == 422
    assert body["data"] is None
    assert api.get("/v1/contacts").json()["data"] == []


def test_a_custom_field_id_may_name_one_of_our_definitions(api: TestClient) -> None:
    field = api.post("/v1/custom-fields", json={"key": "industry", "label": "Industry"}).json()
    ref = str(uuid.UUID(int=field["id"]))
    created = create_legacy(api, custom_fields=[{"custom_field_id": ref, "value": "Dental"}])
    assert created["custom_fields"] == [{"custom_field_id": ref, "value": "Dental"}]
    native = api.get(f"/v1/contacts/{native_id(created['id'])}").json()
    assert native["custom_fields"] == {"industry": "Dental"}


@pytest.mark.parametrize(
    ("custom_field_id", "field"),
    [
        ("nope", "custom_fields[0].custom_field_id"),
        ("00000000-0000-0000-0000-0000000003e7", "custom_fields[0].custom_field_id"),
    ],
)
def test_bad_custom_field_ids_are_a_422(api: TestClient, custom_field_id: str, field: str) -> None:
    answer = api.post(
        URL + "/v1/contact/",
        json=legacy(custom_fields=[{"custom_field_id": custom_field_id, "value": "x"}]),
    )
    problem(answer, 422)
    assert named(answer) == [field]


def test_a_value_that_does_not_fit_its_custom_field_is_named_by_position(
    api: TestClient,
) -> None:
    field = api.post(
        "/v1/custom-fields", json={"key": "employees", "label": "Employees", "type": "number"}
    ).json()
    ref = str(uuid.UUID(int=field["id"]))
    answer = api.post(
        URL + "/v1/contact/",
        json=legacy(
            custom_fields=[
                {"custom_field_id": SEED_UUID, "value": "x"},
                {"custom_field_id": ref, "value": "many"},
            ]
        ),
    )
    problem(answer, 422)
    assert named(answer) == ["custom_fields[1].value"]


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"email": None}, ["email"]),
        ({"email": "nope"}, ["email"]),
        ({"phone": "12"}, ["phone"]),
        ({"country": "Narnia"}, ["country"]),
        ({"first_name": 5}, ["first_name"]),
        ({"email": "nope", "phone": "nope", "country": "nope"}, ["email", "phone", "country"]),
    ],
)
def test_bad_seed_api_values_are_a_422_in_its_vocabulary(
    api: TestClient, overrides: dict[str, Any], fields: list[str]
) -> None:
    answer = api.post(URL + "/v1/contact/", json=legacy(**overrides))
    problem(answer, 422)
    assert named(answer) == fields


def test_the_seed_api_requires_email_and_ignores_unknown_members(api: TestClient) -> None:
    body = legacy()
    del body["email"]
    answer = api.post(URL + "/v1/contact/", json=body)
    problem(answer, 422)
    assert named(answer) == ["email"]
    answer = api.post(URL + "/v1/contact", json=legacy(favorite_color="blue"))
    assert answer.status_code == 201


def test_a_duplicate_is_a_409_problem_naming_the_existing_contact(api: TestClient) -> None:
    first = create_legacy(api)
    answer = api.post(URL + "/v1/contact/", json=legacy(email="other@example.com"))
    body = problem(answer, 409)
    assert body["existing_id"] == first["id"]
    assert named(answer) == ["phone"]
    assert body["message"] == body["detail"]


def test_updating_a_seed_api_contact(api: TestClient) -> None:
    created = create_legacy(api)
    # A second number added natively stays; Nedzo's one phone replaces only the first.
    api.patch(
        f"/v1/contacts/{native_id(created['id'])}",
        json={"phones": ["+12404522332", "+12404522300"]},
    )
    answer = api.patch(
        URL + f"/v1/contact/{created['id']}",
        json={"phone": "240-452-2399", "street_address": "2 Side St", "job_title": None},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status_code"] == 200
    assert body["data"]["contact"]["phone"] == "+12404522399"
    native = api.get(f"/v1/contacts/{native_id(created['id'])}").json()
    assert [p["number"] for p in native["phones"]] == ["+12404522399", "+12404522300"]
    assert native["street"] == "2 Side St"
    assert native["title"] is None
    assert native["email"] == "Jane.Doe@Example.com"


def test_a_seed_api_contact_cannot_lose_its_email(api: TestClient) -> None:
    created = create_legacy(api)
    answer = api.patch(URL + f"/v1/contact/{created['id']}", json={"email": None})
    problem(answer, 422)
    assert named(answer) == ["email"]


@pytest.mark.parametrize(
    "ref",
    [
        "garbage",
        SEED_UUID,
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "00000000-0000-0000-0000-000000000063",
    ],
)
def test_unknown_contact_ids_are_a_404(api: TestClient, ref: str) -> None:
    create_legacy(api)
    body = problem(api.patch(URL + f"/v1/contact/{ref}", json={"city": "X"}), 404)
    assert body["status_code"] == 404
    problem(api.get(URL + f"/v1/contacts/{ref}"), 404)
    problem(api.patch(URL + f"/v1/contacts/{ref}", json={"firstName": "X"}), 404)
    problem(api.delete(URL + f"/v1/contacts/{ref}"), 404)


def test_updating_a_contact_list_renames_it_and_moves_contacts_into_it(api: TestClient) -> None:
    lst = api.post("/v1/lists", json={"name": "Before"}).json()
    ref = str(uuid.UUID(int=lst["id"]))
    contact = create_legacy(api)
    answer = api.patch(
        URL + f"/v1/contact-list/{ref}",
        json={"name": "After", "campaign_id": SEED_UUID, "contact_ids": [contact["id"]]},
    )
    assert answer.status_code == 200, answer.text
    shown = answer.json()["data"]["contact_list"]
    assert shown["name"] == "After"
    assert shown["campaign_id"] == SEED_UUID
    assert shown["id"] == ref
    assert [c["id"] for c in shown["contacts"]] == [contact["id"]]
    assert shown["contacts"][0]["contact_list_id"] == ref
    assert api.get(f"/v1/lists/{lst['id']}").json()["name"] == "After"
    moved = api.get(f"/v1/contacts/{native_id(contact['id'])}").json()
    assert moved["list_id"] == lst["id"]
    # campaign_id null clears it; other members stay.
    cleared = api.patch(URL + f"/v1/contact-list/{ref}", json={"campaign_id": None}).json()
    assert cleared["data"]["contact_list"]["campaign_id"] is None
    assert cleared["data"]["contact_list"]["name"] == "After"


def test_a_contact_list_update_with_an_unknown_contact_changes_nothing(api: TestClient) -> None:
    lst = api.post("/v1/lists", json={"name": "Before"}).json()
    ref = str(uuid.UUID(int=lst["id"]))
    contact = create_legacy(api)
    answer = api.patch(
        URL + f"/v1/contact-list/{ref}",
        json={"name": "After", "contact_ids": [contact["id"], SEED_UUID]},
    )
    problem(answer, 422)
    assert named(answer) == ["contact_ids[1]"]
    assert api.get(f"/v1/lists/{lst['id']}").json()["name"] == "Before"
    problem(api.patch(URL + f"/v1/contact-list/{SEED_UUID}", json={"name": "X"}), 404)
    problem(api.patch(URL + f"/v1/contact-list/{ref}", json={"campaign_id": "x"}), 422)


# -- the current API: /v1/contacts ---------------------------------------------------------


def test_a_time_zone_is_read_like_any_contacts(api: TestClient) -> None:
    assert create_current(api, timezone="Eastern")["timezone"] == "America/New_York"
    unreadable = create_current(api, timezone="Mars/Olympus", phone="+1 312 555 0123")
    assert unreadable["timezone"] == "America/Chicago"  # ignored: inferred from the phone


def test_a_current_api_contact_reads_back_through_the_native_api(api: TestClient) -> None:
    api.post("/v1/custom-fields", json={"key": "lead_source", "label": "Lead Source"})
    created = create_current(
        api, timezone="america/chicago", customFields={"Lead Source": "Webinar"}
    )
    native = api.get(f"/v1/contacts/{native_id(created['id'])}").json()
    assert native["first_name"] == created["firstName"] == "Jane"
    assert native["last_name"] == created["lastName"] == "Doe"
    assert native["email"] == created["email"] == "jane.doe@example.com"
    assert native["phones"][0]["number"] == created["phone"] == "+12404522332"
    assert native["timezone"] == created["timezone"] == "America/Chicago"
    assert native["tags"] == created["tags"] == ["webinar"]
    assert native["custom_fields"] == {"lead_source": "Webinar"}
    assert created["customFields"] == {"Lead Source": "Webinar"}
    assert native_id(created["workspaceId"]) == native["workspace_id"]


def test_unknown_members_are_all_named_in_a_400(api: TestClient) -> None:
    answer = api.post(URL + "/v1/contacts", json=current(nickname="JJ", age=3))
    problem(answer, 400)
    assert named(answer) == ["nickname", "age"]
    contact = create_current(api)
    answer = api.patch(URL + f"/v1/contacts/{contact['id']}", json={"first_name": "x"})
    problem(answer, 400)
    assert named(answer) == ["first_name"]
    answer = api.post(URL + "/v1/contacts/upsert", json=current(preserve="yes"))
    problem(answer, 400)


@pytest.mark.parametrize(
    ("overrides", "status", "fields"),
    [
        ({"customFields": {"Nope": "x"}}, 400, ["customFields.Nope"]),
        ({"phone": None, "email": None}, 422, ["phone", "email"]),
        ({"phone": "12"}, 422, ["phone"]),
        ({"email": "nope"}, 422, ["email"]),
        ({"tags": [""]}, 422, ["tags[0]"]),
        ({"firstName": 5}, 422, ["firstName"]),
    ],
)
def test_bad_current_api_values(
    api: TestClient, overrides: dict[str, Any], status: int, fields: list[str]
) -> None:
    answer = api.post(URL + "/v1/contacts", json=current(**overrides))
    problem(answer, status)
    assert named(answer) == fields
    assert api.get("/v1/contacts").json()["data"] == []


def test_custom_field_values_are_checked_and_returned_as_strings(api: TestClient) -> None:
    api.post("/v1/custom-fields", json={"key": "employees", "label": "Employees", "type": "number"})
    answer = api.post(URL + "/v1/contacts", json=current(customFields={"Employees": "many"}))
    problem(answer, 422)
    assert named(answer) == ["customFields.Employees"]
    answer = api.post(URL + "/v1/contacts", json=current(customFields={"employees": {"n": 1}}))
    problem(answer, 422)
    created = create_current(api, customFields={"employees": 250})
    assert created["customFields"] == {"Employees": "250"}


def test_updates_add_tags_merge_custom_fields_and_clear_with_null(api: TestClient) -> None:
    api.post("/v1/custom-fields", json={"key": "lead_source", "label": "Lead Source"})
    api.post("/v1/custom-fields", json={"key": "stage", "label": "Stage"})
    contact = create_current(
        api, timezone="America/Chicago", customFields={"Lead Source": "Ads", "Stage": "new"}
    )
    answer = api.patch(
        URL + f"/v1/contacts/{contact['id']}",
        json={
            "tags": ["vip"],
            "customFields": {"Stage": None},
            "timezone": None,
            "lastName": "Roe",
        },
    )
    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert updated["tags"] == ["vip", "webinar"]
    assert updated["customFields"] == {"Lead Source": "Ads"}
    assert updated["lastName"] == "Roe"
    native = api.get(f"/v1/contacts/{native_id(contact['id'])}").json()
    assert native["timezone_source"] != "given"  # cleared: back to what is inferred
    assert native["first_name"] == "Jane"


def test_an_update_must_change_something(api: TestClient) -> None:
    contact = create_current(api)
    problem(api.patch(URL + f"/v1/contacts/{contact['id']}", json={}), 400)


def test_listing_pages_with_limit_and_offset_into_a_bare_array(api: TestClient) -> None:
    ids = [create_current(api, phone=f"+1240452{2300 + i}", email=None)["id"] for i in range(5)]
    answer = api.get(URL + "/v1/contacts", params={"limit": 2, "offset": 1})
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()] == ids[1:3]
    assert [c["id"] for c in api.get(URL + "/v1/contacts").json()] == ids
    assert api.get(URL + "/v1/contacts", params={"offset": 5}).json() == []
    everything = api.get(URL + "/v1/contacts", params={"includeDeleted": "true", "limit": 100})
    assert len(everything.json()) == 5
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}):
        problem(api.get(URL + "/v1/contacts", params=params), 422)


def test_upsert_matches_phone_first_then_email(api: TestClient) -> None:
    first = api.post(URL + "/v1/contacts/upsert", json={"phone": "+12404522332", "tags": ["a"]})
    assert first.status_code == 201
    by_phone = api.post(
        URL + "/v1/contacts/upsert",
        json={"phone": "240-452-2332", "email": "jane@example.com", "tags": ["b"]},
    )
    assert by_phone.status_code == 200
    assert by_phone.json()["id"] == first.json()["id"]
    assert by_phone.json()["tags"] == ["a", "b"]
    by_email = api.post(
        URL + "/v1/contacts/upsert", json={"phone": "+12404522399", "email": "JANE@example.com"}
    )
    assert by_email.status_code == 200
    assert by_email.json()["id"] == first.json()["id"]
    assert by_email.json()["phone"] == "+12404522399"
    native = api.get(f"/v1/contacts/{native_id(first.json()['id'])}").json()
    assert [p["number"] for p in native["phones"]] == ["+12404522399", "+12404522332"]


def test_upsert_preserving_existing_values_only_fills_empty_ones(api: TestClient) -> None:
    created = api.post(
        URL + "/v1/contacts/upsert", json={"phone": "+12404522332", "firstName": "Jane"}
    ).json()
    answer = api.post(
        URL + "/v1/contacts/upsert",
        json={
            "phone": "+12404522332",
            "firstName": "Janet",
            "lastName": "Doe",
            "preserveExisting": True,
        },
    )
    assert answer.status_code == 200
    assert answer.json()["id"] == created["id"]
    assert answer.json()["firstName"] == "Jane"
    assert answer.json()["lastName"] == "Doe"


def test_upsert_applies_a_time_zone_only_to_a_new_contact(api: TestClient) -> None:
    created = api.post(
        URL + "/v1/contacts/upsert",
        json={"phone": "+12404522332", "timezone": "America/Denver"},
    )
    assert created.json()["timezone"] == "America/Denver"
    again = api.post(
        URL + "/v1/contacts/upsert",
        json={"phone": "+12404522332", "timezone": "America/Chicago"},
    )
    assert again.json()["timezone"] == "America/Denver"
    problem(api.post(URL + "/v1/contacts/upsert", json={"firstName": "X"}), 422)


def test_delete_is_a_204_and_the_contact_is_gone(api: TestClient) -> None:
    contact = create_current(api)
    answer = api.delete(URL + f"/v1/contacts/{contact['id']}")
    assert answer.status_code == 204
    assert answer.content == b""
    problem(api.get(URL + f"/v1/contacts/{contact['id']}"), 404)
    assert api.get(f"/v1/contacts/{native_id(contact['id'])}").status_code == 404


def test_workspace_id_must_name_the_keys_own_workspace(api: TestClient) -> None:
    workspaces = api.get(URL + "/v1/workspaces").json()
    assert [w["name"] for w in workspaces] == ["default"]
    own = workspaces[0]["id"]
    assert create_current(api, workspaceId=own)["workspaceId"] == own
    answer = api.post(
        URL + "/v1/contacts", json=current(workspaceId=SEED_UUID, phone="+12404522399")
    )
    problem(answer, 404)
    problem(api.get(URL + "/v1/contacts", params={"workspaceId": SEED_UUID}), 404)
    api.patch(f"/v1/workspaces/{native_id(own)}", json={"aliases": {"nedzo": SEED_UUID}})
    answer = api.post(
        URL + "/v1/contacts", json=current(workspaceId=SEED_UUID, phone="+12404522399")
    )
    assert answer.status_code == 201, answer.text


def test_another_workspaces_contacts_are_invisible(
    api: TestClient, client: TestClient, db: Database
) -> None:
    contact = create_current(api)
    db.run_write(onboarding.create_workspace, name="other")
    other = make_key(db, scopes=["contacts:read", "contacts:write"], workspace="other")
    headers = {"Authorization": f"Bearer {other}"}
    problem(client.get(URL + f"/v1/contacts/{contact['id']}", headers=headers), 404)
    assert client.get(URL + "/v1/contacts", headers=headers).json() == []


# -- every failure in the problem shape ---------------------------------------------------


def test_auth_failures_are_problems(client: TestClient, db: Database) -> None:
    answer = client.get(URL + "/v1/contacts")
    problem(answer, 401)
    assert answer.headers["www-authenticate"] == "Bearer"
    reader = make_key(db, scopes=["contacts:read"])
    answer = client.post(
        URL + "/v1/contacts", json=current(), headers={"Authorization": f"Bearer {reader}"}
    )
    problem(answer, 403)


@pytest.mark.parametrize(
    ("path", "raw", "status"),
    [
        ("/v1/contacts", b"{oops", 400),
        ("/v1/contacts", b"", 400),
        ("/v1/contacts", b"[1]", 400),
        ("/v1/contact/", b"{oops", 400),
        ("/v1/contact/", b"[1]", 422),
        ("/v1/contacts/upsert", b"null", 400),
    ],
)
def test_bodies_that_are_not_json_objects(
    api: TestClient, path: str, raw: bytes, status: int
) -> None:
    answer = api.post(URL + path, content=raw, headers={"Content-Type": "application/json"})
    problem(answer, status)


def test_unknown_routes_and_methods_are_problems(api: TestClient) -> None:
    problem(api.get(URL + "/v1/nothing"), 404)
    problem(api.put(URL + "/v1/contacts"), 405)
    body = problem(api.get(URL + "/v1/contact/"), 405)
    assert body["status_code"] == 405  # the seed routes also carry its envelope members
