"""Add Contact, Remove Contact and Reimport, through HTTP, read back through the native API."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.dialects.salesfinity.conftest import (
    BASE,
    SEED_CONTACT,
    add,
    assert_error,
    native_id,
    new_list,
    phone,
)


def test_the_documented_phone_is_refused(sf: TestClient) -> None:
    # The page's example number has nine digits after +1: no North American number does.
    lst = new_list(sf)
    documented = {**SEED_CONTACT, "phone_numbers": [{"type": "direct", "number": "+1234567890"}]}
    response = sf.post(f"{BASE}/contact-lists/{lst['_id']}", json=documented)
    assert response.status_code == 400, response.text
    assert response.json()["message"] == [
        "phone_numbers[0].number '+1234567890' is too short for its country"
    ]


def test_the_documented_example_is_accepted(sf: TestClient) -> None:
    lst = new_list(sf)
    response = sf.post(f"{BASE}/contact-lists/{lst['_id']}", json=SEED_CONTACT)
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["_id"]) == 24
    assert body["first_name"] == "John"
    assert body["last_name"] == "Doe"
    assert body["company"] == "Acme Corp"
    assert body["title"] == "VP of Sales"
    assert body["phone_numbers"] == [
        {"type": "direct", "number": "+15551234567", "country_code": "US", "extension": None}
    ]
    assert body["custom_fields"] == SEED_CONTACT["custom_fields"]
    # The page's email is an obfuscated placeholder: kept out, and said so.
    assert body["email"] is None
    assert body["warnings"] == [
        "email '[email protected]' is not an email address; the contact was saved without it"
    ]


def test_a_contact_reads_back_the_same_through_the_native_api(sf: TestClient) -> None:
    lst = new_list(sf)
    wire = add(
        sf,
        lst["_id"],
        first_name="  Ada ",
        last_name="Lovelace",
        email="Ada@Example.com",
        phone_numbers=[
            phone("(415) 555-2671 x12", "office", country_code="US"),
            phone("+15551234567", "direct"),
            phone("020 7946 0958", "mobile", country_code="GB"),
        ],
        company="Analytical Engines",
        account="acct-1",
        title="Countess",
        linkedin="https://linkedin.com/in/ada",
        website="https://example.com",
        notes="first programmer",
        priority=3,
        timezone="europe/london",
        external_relations={"salesforce": "003ABC", "hubspot": {"id": "77", "sync": True}},
        custom_fields=[
            {"type": "string", "label": "Industry", "value": "Computing"},
            {"type": "number", "label": "Employee Count", "value": "1,200"},
            {"type": "boolean", "label": "Decision Maker", "value": "yes"},
            {"type": "string", "label": "Products", "value": ["engine", "notes"]},
        ],
    )
    native = sf.get(f"/v1/contacts/{native_id(wire['_id'])}")
    assert native.status_code == 200, native.text
    got = native.json()
    assert got["list_id"] == native_id(lst["_id"])
    for name in ("first_name", "last_name", "email", "company", "account", "title", "notes"):
        assert got[name] == wire[name], name
    assert (got["first_name"], got["email"]) == ("Ada", "Ada@Example.com")
    for name in ("linkedin", "website", "priority", "timezone"):
        assert got[name] == wire[name], name
    assert got["timezone"] == "Europe/London"
    assert [(p["number"], p["type"], p["extension"], p["country"]) for p in got["phones"]] == [
        (p["number"], p["type"], p["extension"], p["country_code"]) for p in wire["phone_numbers"]
    ]
    assert [(p["number"], p["valid"]) for p in got["phones"]] == [
        ("+14155552671", True),
        ("+15551234567", False),
        ("+442079460958", True),
    ]
    assert got["phones"][0]["extension"] == "12"
    assert got["custom_fields"] == {
        "industry": "Computing",
        "employee_count": 1200,
        "decision_maker": True,
        "products": ["engine", "notes"],
    }
    assert wire["custom_fields"] == [
        {"type": "string", "label": "Industry", "value": "Computing"},
        {"type": "number", "label": "Employee Count", "value": 1200},
        {"type": "boolean", "label": "Decision Maker", "value": True},
        {"type": "string", "label": "Products", "value": ["engine", "notes"]},
    ]
    assert got["external_refs"] == [
        {"provider": "salesforce", "id": "003ABC", "url": None, "sync": False},
        {"provider": "hubspot", "id": "77", "url": None, "sync": True},
    ]
    assert wire["external_relations"] == {
        "salesforce": "003ABC",
        "hubspot": {"id": "77", "url": None, "sync": True},
    }
    fields = {f["key"]: f["type"] for f in sf.get("/v1/custom-fields").json()["data"]}
    assert fields == {
        "industry": "string",
        "employee_count": "number",
        "decision_maker": "boolean",
        "products": "string_list",
    }


def test_what_was_sent_comes_back_when_the_list_is_read(sf: TestClient) -> None:
    lst = new_list(sf)
    sent = add(
        sf,
        lst["_id"],
        first_name="Bo",
        phone_numbers=[phone("+14155552671", "mobile", extension="7")],
        external_relations={"crm": ["a", "b"]},
        custom_fields=[{"type": "number", "label": "Score", "value": 9.5}],
    )
    read = sf.get(f"{BASE}/contact-lists/csv/{lst['_id']}").json()["data"]["contacts"]
    assert read == [sent]
    assert read[0]["external_relations"] == {"crm": ["a", "b"]}


def test_contacts_wait_for_reimport(sf: TestClient) -> None:
    lst = new_list(sf)
    first = add(sf, lst["_id"], phone_numbers=[phone("+14155552671")])
    second = add(sf, lst["_id"], phone_numbers=[phone("+14155552672")])
    for contact in (first, second):
        assert sf.get(f"/v1/contacts/{native_id(contact['_id'])}").json()["status"] == "held"
    response = sf.post(f"{BASE}/contact-lists/csv/{lst['_id']}/reimport")
    assert response.status_code == 201, response.text
    assert response.json()["_id"] == lst["_id"]
    assert response.json()["total_contacts"] == 2
    for contact in (first, second):
        assert sf.get(f"/v1/contacts/{native_id(contact['_id'])}").json()["status"] == "queued"
    later = add(sf, lst["_id"], phone_numbers=[phone("+14155552673")])
    assert sf.get(f"/v1/contacts/{native_id(later['_id'])}").json()["status"] == "held"


def test_the_contacts_a_list_is_created_with_are_queued_at_once(sf: TestClient) -> None:
    lst = new_list(sf, contacts=[{"first_name": "A", "phone_numbers": [phone("+14155552671")]}])
    assert lst["total_contacts"] == 1
    page = sf.get("/v1/contacts", params={"list_id": native_id(lst["_id"])}).json()
    assert [c["status"] for c in page["data"]] == ["queued"]


def test_a_native_list_by_its_salesfinity_alias(sf: TestClient) -> None:
    alias = "680edc0d1504192884a148e0"
    created = sf.post("/v1/lists", json={"name": "Native", "aliases": {"salesfinity": alias}})
    assert created.status_code == 201, created.text
    contact = add(sf, alias, phone_numbers=[phone("+14155552671")])
    got = sf.get(f"/v1/contacts/{native_id(contact['_id'])}").json()
    assert got["list_id"] == created.json()["id"]
    assert got["status"] == "queued"  # the native list queues at once
    detail = sf.get(f"{BASE}/contact-lists/csv/{alias}").json()["data"]
    assert detail["_id"] == alias  # the id the integrator's code knows it by
    assert [c["_id"] for c in detail["contacts"]] == [contact["_id"]]


def test_duplicates_follow_the_list_policy(sf: TestClient) -> None:
    lst = new_list(sf)  # Salesfinity documents no duplicate rule: none applies
    add(sf, lst["_id"], phone_numbers=[phone("+14155552671")])
    add(sf, lst["_id"], phone_numbers=[phone("+14155552671")])
    native = sf.post("/v1/lists", json={"name": "Strict", "aliases": {"salesfinity": "strict"}})
    assert native.status_code == 201
    add(sf, "strict", phone_numbers=[phone("+14155552671")])
    response = sf.post(
        f"{BASE}/contact-lists/strict",
        json={"first_name": "B", "phone_numbers": [phone("415 555 2671")]},
    )
    assert_error(response, 409, "phone_numbers", "already exists")


REMOVE = object()

BAD: list[tuple[dict[str, Any], str]] = [
    ({"first_name": REMOVE}, "first_name"),
    ({"phone_numbers": REMOVE}, "phone_numbers"),
    ({"first_name": 5, "phone_numbers": []}, "first_name"),
    ({"first_name": "x" * 201, "phone_numbers": []}, "first_name"),
    ({"last_name": "x" * 201}, "last_name"),
    ({"email": "a" * 310 + "@example.com"}, "email"),
    ({"company": "x" * 301}, "company"),
    ({"title": "x" * 301}, "title"),
    ({"linkedin": "x" * 501}, "linkedin"),
    ({"website": "x" * 501}, "website"),
    ({"account": "x" * 501}, "account"),
    ({"notes": "x" * 2001}, "notes"),
    ({"timezone": "x" * 101}, "timezone"),
    ({"priority": -1}, "priority"),
    ({"priority": 1.5}, "priority"),
    ({"priority": "high"}, "priority"),
    ({"phone_numbers": [{"number": "+14155552671"}]}, "phone_numbers[0].type"),
    ({"phone_numbers": [phone("+14155552671", "home")]}, "phone_numbers[0].type"),
    ({"phone_numbers": [{"type": "mobile"}]}, "phone_numbers[0].number"),
    ({"phone_numbers": [phone("")]}, "phone_numbers[0].number"),
    ({"phone_numbers": [phone("   ")]}, "phone_numbers[0].number"),
    ({"phone_numbers": [phone("+14155552671"), phone("12")]}, "phone_numbers[1].number"),
    ({"phone_numbers": [phone("not a phone")]}, "phone_numbers[0].number"),
    ({"phone_numbers": [phone(f"+1415555{i:04d}") for i in range(11)]}, "phone_numbers"),
    ({"phone_numbers": [phone("+14155552671", country_code="USA")]}, "country_code"),
    ({"phone_numbers": [phone("+14155552671", country_code="ZZ")]}, "country_code"),
    ({"phone_numbers": [phone("+14155552671", extension="front desk")]}, "extension"),
    ({"phone_numbers": [phone("+14155552671", extension="1" * 11)]}, "extension"),
    ({"external_relations": {"salesforce": True}}, "external_relations.salesforce"),
    ({"external_relations": ["003"]}, "external_relations"),
    ({"custom_fields": [{"type": "date", "label": "D", "value": "x"}]}, "custom_fields[0].type"),
    ({"custom_fields": [{"type": "string", "value": "x"}]}, "custom_fields[0].label"),
    ({"custom_fields": [{"type": "string", "label": "", "value": "x"}]}, "custom_fields[0].label"),
    ({"custom_fields": [{"type": "string", "label": " ", "value": "x"}]}, "label"),
    ({"custom_fields": [{"type": "string", "label": "x" * 101, "value": "x"}]}, "label"),
    ({"custom_fields": [{"type": "number", "label": "N", "value": "many"}]}, "custom_fields[0]"),
    ({"custom_fields": [{"type": "string", "label": "L", "value": [1]}]}, "custom_fields[0]"),
    (
        {"custom_fields": [{"type": "string", "label": f"F{i}", "value": "x"} for i in range(11)]},
        "custom_fields",
    ),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_contacts_are_refused_and_nothing_is_written(
    sf: TestClient, change: dict[str, Any], field: str
) -> None:
    lst = new_list(sf)
    body = {"first_name": "A", "phone_numbers": [phone("+14155552671")], **change}
    body = {k: v for k, v in body.items() if v is not REMOVE}
    response = sf.post(f"{BASE}/contact-lists/{lst['_id']}", json=body)
    assert_error(response, 400, field)
    detail = sf.get(f"{BASE}/contact-lists/csv/{lst['_id']}").json()
    assert detail["pagination"]["total"] == 0
    assert sf.get("/v1/custom-fields").json()["data"] == []


@pytest.mark.parametrize("email", ["not an email", "a" * 250 + "@example.com", "a@localhost"])
def test_text_that_is_no_email_address_is_left_out_with_a_warning(
    sf: TestClient, email: str
) -> None:
    lst = new_list(sf)
    response = sf.post(
        f"{BASE}/contact-lists/{lst['_id']}",
        json={"first_name": "A", "phone_numbers": [], "email": email},
    )
    assert response.status_code == 201, response.text
    assert response.json()["email"] is None
    assert [w.split(" ")[0] for w in response.json()["warnings"]] == ["email"]
    got = sf.get(f"/v1/contacts/{native_id(response.json()['_id'])}").json()
    assert got["email"] is None


def test_a_value_that_does_not_fit_its_definition_names_the_wire_field(sf: TestClient) -> None:
    lst = new_list(sf)
    add(sf, lst["_id"], custom_fields=[{"type": "number", "label": "Seats", "value": 3}])
    response = sf.post(
        f"{BASE}/contact-lists/{lst['_id']}",
        json={
            "first_name": "A",
            "phone_numbers": [],
            "custom_fields": [
                {"type": "string", "label": "Ok", "value": "fine"},
                {"type": "string", "label": "Seats", "value": "lots"},
            ],
        },
    )
    body = assert_error(response, 400)
    assert body["message"] == ["custom_fields[1].value must be a number"]
    labels = [f["label"] for f in sf.get("/v1/custom-fields").json()["data"]]
    assert labels == ["Seats"]  # "Ok" was rolled back with the contact


def test_remove_a_contact_from_its_list(sf: TestClient) -> None:
    lst = new_list(sf)
    other = new_list(sf, "Other")
    contact = add(sf, lst["_id"], phone_numbers=[phone("+14155552671")])
    wrong = sf.delete(f"{BASE}/contact-lists/{other['_id']}/contacts/{contact['_id']}")
    assert_error(wrong, 404, contact["_id"])
    response = sf.delete(f"{BASE}/contact-lists/{lst['_id']}/contacts/{contact['_id']}")
    assert response.status_code == 200, response.text
    assert response.json() == contact
    assert sf.get(f"/v1/contacts/{native_id(contact['_id'])}").status_code == 404
    again = sf.delete(f"{BASE}/contact-lists/{lst['_id']}/contacts/{contact['_id']}")
    assert_error(again, 404)
    for bad in ("abc", "0" * 24, "f" * 24, "1" * 30):
        assert_error(sf.delete(f"{BASE}/contact-lists/{lst['_id']}/contacts/{bad}"), 404)
