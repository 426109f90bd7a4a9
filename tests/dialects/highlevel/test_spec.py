"""Responses validate against HighLevel's own OpenAPI component schemas (copies of the files
in ``specs/``): apps/contacts.json for Version 2021-07-28, apps/v3/contacts-v3.json for
v3, apps/locations.json for custom fields and tags, and the common error DTOs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.dialects.highlevel.conftest import BASE, LOCATION, create, define_field

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")
referencing = pytest.importorskip("referencing", reason="referencing is not installed")

SPECS = Path(__file__).resolve().parent / "specs"
# Where each file lives in GoHighLevel/highlevel-api-docs, so its relative $refs resolve.
ROOT = "https://specs.invalid/"
FILES = {
    "apps/contacts.json": "highlevel-contacts.openapi.json",
    "apps/v3/contacts-v3.json": "highlevel-contacts-v3.openapi.json",
    "apps/locations.json": "highlevel-locations.openapi.json",
    "common/common-schemas.json": "highlevel-common-schemas.json",
    "apps/v3/common/common-schemas.json": "highlevel-v3-common-schemas.json",
}


def _registry() -> Any:
    resources = [
        (
            ROOT + path,
            referencing.Resource.from_contents(
                json.loads((SPECS / name).read_text()),
                default_specification=referencing.jsonschema.DRAFT7,
            ),
        )
        for path, name in FILES.items()
    ]
    return referencing.Registry().with_resources(resources)


REGISTRY = _registry()


def check(document: str, schema: str, instance: Any) -> None:
    """Validate ``instance`` against components/schemas/``schema`` of ``document``."""
    ref = {"$ref": f"{ROOT}{document}#/components/schemas/{schema}"}
    validator = jsonschema.Draft7Validator(ref, registry=REGISTRY)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, errors


CONTACTS = "apps/contacts.json"
V3 = "apps/v3/contacts-v3.json"
LOCATIONS = "apps/locations.json"
COMMON = "common/common-schemas.json"
V3_COMMON = "apps/v3/common/common-schemas.json"


def full_contact(hl: TestClient) -> dict[str, Any]:
    """A contact with every field HighLevel returns filled in."""
    text = define_field(hl, "Pin Code", "TEXT")
    score = define_field(hl, "Score", "MONETORY")
    colors = define_field(hl, "Colors", "MULTIPLE_OPTIONS", options=["red", "blue"])
    return {
        "locationId": LOCATION,
        "firstName": "Rubika",
        "lastName": "Deo",
        "email": "rubika@deos.com",
        "phone": "+18832327657",
        "companyName": "DGS VolMAX",
        "address1": "3535 1st St N",
        "city": "Dolomite",
        "state": "AL",
        "postalCode": "35061",
        "country": "US",
        "website": "https://www.tesla.com",
        "timezone": "America/Chicago",
        "source": "public api",
        "gender": "female",
        "dateOfBirth": "1990-09-25",
        "dnd": True,
        "dndSettings": {"Call": {"status": "active"}, "SMS": {"status": "permanent"}},
        "tags": ["a", "b"],
        "customFields": [
            {"id": text["id"], "field_value": "35061"},
            {"id": score["id"], "field_value": 100.5},
            {"id": colors["id"], "field_value": ["red"]},
        ],
    }


@pytest.mark.parametrize(("version", "spec"), [("2021-07-28", CONTACTS), ("v3", V3)])
def test_contact_responses(hl: TestClient, version: str, spec: str) -> None:
    hl.headers["Version"] = version
    suffix = "V3" if spec == V3 else ""
    body = full_contact(hl)

    created = hl.post(f"{BASE}/contacts/", json=body)
    contact_id = created.json()["contact"]["id"]
    got = hl.get(f"{BASE}/contacts/{contact_id}")
    updated = hl.put(f"{BASE}/contacts/{contact_id}", json={"lastName": "Roe", "tags": ["c"]})
    upserted = hl.post(f"{BASE}/contacts/upsert", json={**body, "firstName": "Ru"})
    deleted = hl.delete(f"{BASE}/contacts/{contact_id}")

    assert created.status_code == 201
    check(spec, f"CreateContactsSuccessfulResponseDto{suffix}", created.json())
    check(spec, "ContactsByIdSuccessfulResponseDto" + suffix, got.json())
    check(spec, "UpdateContactsSuccessfulResponseDto" + suffix, updated.json())
    check(spec, "UpsertContactsSuccessfulResponseDto" + suffix, upserted.json())
    check(spec, "DeleteContactsSuccessfulResponseDto", deleted.json())
    assert len(got.json()["contact"]["customFields"]) == 3


def test_list_tag_and_duplicate_responses(hl: TestClient) -> None:
    contact = create(hl, **{k: v for k, v in full_contact(hl).items() if k != "locationId"})
    tags = f"{BASE}/contacts/{contact['id']}/tags"

    listed = hl.get(f"{BASE}/contacts/", params={"locationId": LOCATION, "limit": 1})
    added = hl.post(tags, json={"tags": ["x"]})
    removed = hl.request("DELETE", tags, json={"tags": ["x"]})
    duplicate = hl.get(
        f"{BASE}/contacts/search/duplicate",
        params={"locationId": LOCATION, "email": "rubika@deos.com"},
    )

    check(CONTACTS, "ContactsSearchSuccessfulResponseDto", listed.json())
    check(CONTACTS, "ContactsMetaSchema", listed.json()["meta"])
    check(CONTACTS, "GetContectByIdSchema", listed.json()["contacts"][0])
    check(CONTACTS, "CreateAddTagSuccessfulResponseDto", added.json())
    check(CONTACTS, "CreateDeleteTagSuccessfulResponseDto", removed.json())
    check(CONTACTS, "GetContectByIdSchema", duplicate.json()["contact"])


def test_location_responses(hl: TestClient) -> None:
    created = hl.post(
        f"{BASE}/locations/{LOCATION}/customFields",
        json={"name": "Plan", "dataType": "SINGLE_OPTIONS", "options": ["basic", "pro"]},
    )
    fields = hl.get(f"{BASE}/locations/{LOCATION}/customFields")
    tag = hl.post(f"{BASE}/locations/{LOCATION}/tags", json={"name": "vip"})
    tags = hl.get(f"{BASE}/locations/{LOCATION}/tags")

    check(LOCATIONS, "CustomFieldSuccessfulResponseDto", created.json())
    check(LOCATIONS, "CustomFieldsListSuccessfulResponseDto", fields.json())
    check(LOCATIONS, "LocationTagSuccessfulResponseDto", tag.json())
    check(LOCATIONS, "LocationTagsSuccessfulResponseDto", tags.json())


def test_error_responses(hl: TestClient) -> None:
    bad_request = hl.post(f"{BASE}/contacts/", content=b"{nope")
    invalid = hl.post(f"{BASE}/contacts/", json={"locationId": LOCATION, "nope": 1})
    forbidden = hl.post(f"{BASE}/contacts/", json={"locationId": "elsewhere"})
    missing = hl.get(f"{BASE}/contacts/424242")
    create(hl, email="dup@example.com")
    duplicate = hl.post(
        f"{BASE}/contacts/", json={"locationId": LOCATION, "email": "dup@example.com"}
    )
    del hl.headers["Authorization"]
    unauthorized = hl.get(f"{BASE}/contacts/1")

    check(COMMON, "BadRequestDTO", bad_request.json())
    check(COMMON, "BadRequestDTO", duplicate.json())
    check(COMMON, "UnprocessableDTO", invalid.json())
    check(COMMON, "UnauthorizedDTO", unauthorized.json())
    check(V3_COMMON, "ForbiddenDTO", forbidden.json())
    check(V3_COMMON, "NotFoundDTO", missing.json())


def test_the_validator_does_check(hl: TestClient) -> None:
    with pytest.raises(AssertionError):
        check(CONTACTS, "ContactsByIdSuccessfulResponseDto", {"contact": {"dnd": "yes"}})
    with pytest.raises(AssertionError):
        check(CONTACTS, "GetContectByIdSchema", {"customFields": [{"id": "1", "value": ["a"]}]})
