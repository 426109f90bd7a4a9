"""ClearTalk over HTTP: behaviour, bad input, and agreement with the native API."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from tests.conftest import make_key

URL = "/compat/cleartalk"


def contact(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "listName": "Spring webinar",
        "tag": "webinar",
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "Jane.Doe@Example.com",
        "phone": "(240) 452-2332",
        "dateOfBirth": "09/25/1990",
        "contactSource": "Webinar signup",
        "clearTalkNotes": "Asked for a demo.",
        "customField": {"Lead Score": 42},
    }
    body.update(overrides)
    return body


def item(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"first_name": "Sam", "phone": "+1 240 452 2333"}
    body.update(overrides)
    return body


def fields(answer: Any) -> list[str]:
    return [f["field"] for f in answer.json()["fields"]]


def assert_cleartalk_error(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["statusCode"] == status
    assert isinstance(body["error"], str)
    assert body["message"]
    return body


# -- what a contact becomes ---------------------------------------------------------------


def test_a_contact_reads_back_through_the_native_api_with_the_same_values(
    api: TestClient,
) -> None:
    created = api.post(URL + "/contacts", json=contact()).json()
    native = api.get(f"/v1/contacts/{created['id']}").json()
    lst = api.get(f"/v1/lists/{native['list_id']}").json()

    assert lst["name"] == created["listName"] == "Spring webinar"
    assert native["first_name"] == created["firstName"] == "Jane"
    assert native["last_name"] == created["lastName"] == "Doe"
    assert native["email"] == created["email"] == "Jane.Doe@Example.com"
    assert native["phones"][0]["number"] == created["phone"] == "+12404522332"
    assert native["date_of_birth"] == created["dateOfBirth"] == "1990-09-25"
    assert native["source"] == created["contactSource"]
    assert native["notes"] == created["clearTalkNotes"]
    assert native["tags"] == [created["tag"]] == ["webinar"]
    assert native["custom_fields"] == {"lead_score": 42}
    assert created["customField"] == {"Lead Score": 42}
    assert native["workspace_id"] == created["userId"]


def test_list_name_names_one_list_created_on_first_use(api: TestClient) -> None:
    first = api.post(URL + "/contacts", json=contact()).json()
    second = api.post(URL + "/contacts", json=contact(phone="+12404522399")).json()
    lists = api.get("/v1/lists", params={"name": "Spring webinar"}).json()["data"]
    assert len(lists) == 1
    ids = {api.get(f"/v1/contacts/{c['id']}").json()["list_id"] for c in (first, second)}
    assert ids == {lists[0]["id"]}


def test_custom_field_names_become_workspace_custom_fields(api: TestClient) -> None:
    api.post(URL + "/contacts", json=contact(customField={"Lead Score": 42, "Opted In": True}))
    definitions = {f["key"]: f for f in api.get("/v1/custom-fields").json()["data"]}
    assert definitions["lead_score"]["label"] == "Lead Score"
    assert definitions["lead_score"]["type"] == "number"
    assert definitions["opted_in"]["type"] == "boolean"
    # The field now has a type: a value that is not a number is named in ClearTalk's terms.
    answer = api.post(
        URL + "/contacts", json=contact(phone="+12404522399", customField={"Lead Score": "hot"})
    )
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == ["customField.Lead Score"]


def test_an_empty_custom_field_is_skipped_and_nested_objects_are_refused(api: TestClient) -> None:
    answer = api.post(URL + "/contacts", json=contact(customField={"Notes": None}))
    assert answer.status_code == 201
    assert answer.json()["customField"] == {}
    answer = api.post(
        URL + "/contacts", json=contact(phone="+12404522399", customField={"Address": {"a": 1}})
    )
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == ["customField.Address"]


def test_a_disposition_is_kept_in_the_disposition_custom_field(api: TestClient) -> None:
    created = api.post(URL + "/contacts", json=contact(disposition="Interested")).json()
    assert created["disposition"] == "Interested"
    assert "disposition" not in created["customField"]
    native = api.get(f"/v1/contacts/{created['id']}").json()
    assert native["custom_fields"]["disposition"] == "Interested"
    assert native["last_outcome"] is None  # dialing state stays the dial queue's


def test_a_second_contact_with_the_same_phone_in_the_list_is_a_409(api: TestClient) -> None:
    first = api.post(URL + "/contacts", json=contact()).json()
    answer = api.post(URL + "/contacts", json=contact(phone="240.452.2332", email="x@y.com"))
    body = assert_cleartalk_error(answer, 409)
    assert body["existingId"] == first["id"]
    assert fields(answer) == ["phone"]


# -- bad input ----------------------------------------------------------------------------


def test_every_missing_member_is_named(api: TestClient) -> None:
    answer = api.post(URL + "/contacts", json={"firstName": "Jane"})
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == [
        "listName",
        "tag",
        "lastName",
        "email",
        "phone",
        "dateOfBirth",
        "contactSource",
        "clearTalkNotes",
        "customField",
    ]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"phone": ""}, ["phone"]),
        ({"phone": "12"}, ["phone"]),
        ({"listName": "  "}, ["listName"]),
        ({"email": "not-an-email"}, ["email"]),
        ({"dateOfBirth": "1990-02-31"}, ["dateOfBirth"]),
        ({"firstName": 5}, ["firstName"]),
        ({"customField": []}, ["customField"]),
        ({"firstName": "x" * 201}, ["firstName"]),
        ({"email": "bad", "phone": "bad", "dateOfBirth": "bad"}, ["email", "phone", "dateOfBirth"]),
    ],
)
def test_bad_values_are_a_400_naming_cleartalk_fields(
    api: TestClient, overrides: dict[str, Any], named: list[str]
) -> None:
    answer = api.post(URL + "/contacts", json=contact(**overrides))
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == named
    assert api.get("/v1/contacts").json()["data"] == []


@pytest.mark.parametrize(
    "raw", [b"", b"{not json", b"[1, 2]", b'"text"', b"null", b'{"listName": 5}']
)
def test_bodies_that_are_not_a_contact_are_a_400(api: TestClient, raw: bytes) -> None:
    answer = api.post(URL + "/contacts", content=raw, headers={"Content-Type": "application/json"})
    assert_cleartalk_error(answer, 400)


def test_unknown_routes_and_methods_answer_in_cleartalk_shape(api: TestClient) -> None:
    assert_cleartalk_error(api.get(URL + "/nothing-here"), 404)
    assert_cleartalk_error(api.get(URL + "/contacts"), 405)


def test_a_key_without_the_write_scope_is_a_403(client: TestClient, db: Database) -> None:
    key = make_key(db, scopes=["contacts:read"])
    answer = client.post(URL + "/contacts", json=contact(), headers={"x-api-key": key})
    assert_cleartalk_error(answer, 403)


def test_a_revoked_or_unknown_key_is_a_401(client: TestClient) -> None:
    answer = client.post(URL + "/contacts", json=contact(), headers={"x-api-key": "dbk_nope"})
    assert_cleartalk_error(answer, 401)


# -- bulk ---------------------------------------------------------------------------------


def test_one_bad_item_rejects_the_whole_bulk_and_names_it(api: TestClient) -> None:
    body = {
        "listName": "Bulk",
        "tag": "b",
        "data": [item(), item(phone="nope", email="bad"), item(phone="+12404522334")],
    }
    answer = api.post(URL + "/contacts/create-bulk", json=body)
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == ["data[1].email", "data[1].phone"]
    assert api.get("/v1/contacts").json()["data"] == []
    assert api.get("/v1/lists", params={"name": "Bulk"}).json()["data"] == []


def test_a_bulk_repeating_a_phone_is_a_409_naming_both_items(api: TestClient) -> None:
    body = {"listName": "Bulk", "tag": "b", "data": [item(), item(), item(phone="(240) 452-2333")]}
    answer = api.post(URL + "/contacts/create-bulk", json=body)
    assert_cleartalk_error(answer, 409)
    problems = answer.json()["fields"]
    assert problems == [
        {"field": "data[1].phone", "message": "is the same as in data[0]"},
        {"field": "data[2].phone", "message": "is the same as in data[0]"},
    ]
    assert api.get("/v1/contacts").json()["data"] == []


def test_bulk_items_need_a_phone_and_the_bulk_a_list_and_a_tag(api: TestClient) -> None:
    answer = api.post(URL + "/contacts/create-bulk", json={"data": [item(phone=None)]})
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == ["listName", "tag"]
    answer = api.post(
        URL + "/contacts/create-bulk", json={"listName": "B", "tag": "t", "data": [{}]}
    )
    assert fields(answer) == ["data[0].phone"]
    answer = api.post(URL + "/contacts/create-bulk", json={"listName": "B", "tag": "t", "data": []})
    assert fields(answer) == ["data"]


def test_a_bulk_of_more_than_a_thousand_is_refused(api: TestClient) -> None:
    body = {"listName": "B", "tag": "t", "data": [item()] * 1001}
    answer = api.post(URL + "/contacts/create-bulk", json=body)
    assert_cleartalk_error(answer, 400)
    assert fields(answer) == ["data"]


def test_bulk_contacts_read_back_through_the_native_api(api: TestClient) -> None:
    body = {
        "listName": "Bulk",
        "tag": "b",
        "data": [item(disposition="Voicemail", custom_field={"Lead Score": 3})],
    }
    created = api.post(URL + "/contacts/create-bulk", json=body).json()["data"][0]
    native = api.get(f"/v1/contacts/{created['id']}").json()
    assert native["phones"][0]["number"] == created["phone"] == "+12404522333"
    assert native["first_name"] == created["firstName"] == "Sam"
    assert native["tags"] == ["b"]
    assert native["custom_fields"] == {"lead_score": 3, "disposition": "Voicemail"}
    assert created["customField"] == {"Lead Score": 3}
    assert created["disposition"] == "Voicemail"
