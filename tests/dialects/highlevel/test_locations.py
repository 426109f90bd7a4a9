"""Location custom field definitions and location tags."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.dialects.highlevel.conftest import BASE, LOCATION, create, define_field, error

FIELDS = f"{BASE}/locations/{LOCATION}/customFields"
TAGS = f"{BASE}/locations/{LOCATION}/tags"


def test_a_field_is_defined_and_listed(hl: TestClient) -> None:
    created = define_field(hl, "Pin Code", "TEXT", placeholder="Pin code", position=0)

    assert created == {
        "id": created["id"],
        "name": "Pin Code",
        "fieldKey": "contact.pin_code",
        "dataType": "TEXT",
        "locationId": LOCATION,
        "model": "contact",
        "position": 0,
    }
    assert hl.get(FIELDS).json() == {"customFields": [created]}
    native = hl.get("/v1/custom-fields").json()["data"]
    assert [(f["id"], f["key"], f["type"]) for f in native] == [
        (int(created["id"]), "pin_code", "string")
    ]


@pytest.mark.parametrize(
    ("data_type", "options", "shown", "picklist"),
    [
        ("LARGE_TEXT", None, "TEXT", None),
        ("PHONE", None, "TEXT", None),
        ("NUMERICAL", None, "NUMERICAL", None),
        ("MONETORY", None, "NUMERICAL", None),
        ("FLOAT", None, "NUMERICAL", None),
        ("DATE", None, "DATE", None),
        ("SINGLE_OPTIONS", ["a", "b"], "SINGLE_OPTIONS", ["a", "b"]),
        ("RADIO", ["a", "b"], "SINGLE_OPTIONS", ["a", "b"]),
        ("MULTIPLE_OPTIONS", ["a", "b"], "MULTIPLE_OPTIONS", ["a", "b"]),
        ("CHECKBOX", ["a"], "MULTIPLE_OPTIONS", ["a"]),
        ("TEXT", ["ignored"], "TEXT", None),
        ("numerical", None, "NUMERICAL", None),
    ],
)
def test_data_types(
    hl: TestClient, data_type: str, options: list[str] | None, shown: str, picklist: Any
) -> None:
    body: dict[str, Any] = {"options": options} if options else {}

    created = define_field(hl, "Field", data_type, **body)

    assert created["dataType"] == shown
    assert created.get("picklistOptions") == picklist


def test_a_boolean_field_made_through_v1_reads_as_a_true_false_radio(hl: TestClient) -> None:
    hl.post("/v1/custom-fields", json={"key": "vip", "type": "boolean"})

    (field,) = hl.get(FIELDS).json()["customFields"]

    assert (field["dataType"], field["picklistOptions"]) == ("RADIO", ["true", "false"])


def test_field_key_names_the_key(hl: TestClient) -> None:
    created = define_field(hl, "Anything", "TEXT", fieldKey="contact.lead_score")

    assert created["fieldKey"] == "contact.lead_score"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "F", "dataType": "FILE_UPLOAD"}, "dataType FILE_UPLOAD is not supported"),
        ({"name": "F", "dataType": "SIGNATURE"}, "dataType SIGNATURE is not supported"),
        ({"name": "F", "dataType": "BLOB"}, "dataType must be one of"),
        ({"name": "F", "dataType": "TEXT", "model": "opportunity"}, "model opportunity"),
        ({"name": "F", "dataType": "TEXT", "model": "deal"}, "model must be an allowed value"),
        ({"dataType": "TEXT"}, "name should not be empty"),
        ({"name": "F"}, "dataType should not be empty"),
        ({"name": "F", "dataType": "TEXT", "fieldKey": "Bad Key"}, "fieldKey has an invalid"),
        ({"name": "F", "dataType": "TEXT", "showInForms": True}, "property showInForms"),
    ],
)
def test_bad_definitions(hl: TestClient, body: dict[str, Any], message: str) -> None:
    messages = error(hl.post(FIELDS, json=body), 422)["message"]

    assert messages[0].startswith(message), messages


def test_a_second_field_with_the_same_key_is_a_400(hl: TestClient) -> None:
    define_field(hl, "Pin Code", "TEXT")

    body = error(hl.post(FIELDS, json={"name": "pin code", "dataType": "TEXT"}), 400)

    assert "pin_code" in body["message"]


def test_opportunity_fields_are_none(hl: TestClient) -> None:
    define_field(hl, "Pin Code", "TEXT")

    assert hl.get(FIELDS, params={"model": "opportunity"}).json() == {"customFields": []}
    assert len(hl.get(FIELDS, params={"model": "contact"}).json()["customFields"]) == 1
    error(hl.get(FIELDS, params={"model": "deal"}), 422)


def test_location_tags_are_the_created_ones_and_those_in_use(hl: TestClient) -> None:
    created = hl.post(TAGS, json={"name": "vip"})
    create(hl, email="a@example.com", tags=["new-lead", "vip"])

    listed = hl.get(TAGS).json()["tags"]

    assert created.status_code == 200
    tag = created.json()["tag"]
    assert tag == {"id": tag["id"], "name": "vip", "locationId": LOCATION}
    assert [t["name"] for t in listed] == ["new-lead", "vip"]
    assert next(t for t in listed if t["name"] == "vip")["id"] == tag["id"]


def test_creating_a_tag_twice_gives_the_same_tag(hl: TestClient) -> None:
    first = hl.post(TAGS, json={"name": "vip"}).json()["tag"]
    second = hl.post(f"{TAGS}/", json={"name": " vip "}).json()["tag"]

    assert first == second
    assert len(hl.get(TAGS).json()["tags"]) == 1


def test_location_tags_stay_under_their_own_key_in_the_list_settings(hl: TestClient) -> None:
    hl.post(TAGS, json={"name": "vip"})

    lists = hl.get("/v1/lists").json()["data"]
    default = next(item for item in lists if item["is_default"])

    assert default["dialect_settings"] == {"highlevel": {"tags": ["vip"]}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "  "}, "name should not be empty"),
        ({}, "name should not be empty"),
        ({"name": 5}, "name must be a string"),
        ({"name": "x" * 256}, "name must be shorter than or equal to 255 characters"),
    ],
)
def test_bad_tags(hl: TestClient, body: dict[str, Any], message: str) -> None:
    assert error(hl.post(TAGS, json=body), 422)["message"] == [message]
