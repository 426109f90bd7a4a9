"""The HighLevel contacts API through HTTP: create, get, update, upsert, delete, tags, list,
duplicate search, and what the same contacts look like through /v1."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import create_list
from tests.dialects.highlevel.conftest import (
    BASE,
    LOCATION,
    create,
    define_field,
    error,
    set_duplicates,
)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def get(hl: TestClient, contact_id: str) -> dict[str, Any]:
    response = hl.get(f"{BASE}/contacts/{contact_id}")
    assert response.status_code == 200, response.text
    contact: dict[str, Any] = response.json()["contact"]
    return contact


def native(api: TestClient, contact_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/contacts/{contact_id}")
    assert response.status_code == 200, response.text
    contact: dict[str, Any] = response.json()
    return contact


def upsert(hl: TestClient, **fields: Any) -> dict[str, Any]:
    fields.setdefault("locationId", LOCATION)
    response = hl.post(f"{BASE}/contacts/upsert", json=fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def count(api: TestClient) -> int:
    return len(api.get("/v1/contacts", params={"limit": 500}).json()["data"])


# --- create and get ----------------------------------------------------------------------


def test_ids_are_strings_that_round_trip(hl: TestClient) -> None:
    created = create(hl, firstName="Ann", email="ann@example.com")

    assert isinstance(created["id"], str)
    assert get(hl, created["id"])["id"] == created["id"]
    assert native(hl, created["id"])["id"] == int(created["id"])


def test_a_name_alone_is_split(hl: TestClient) -> None:
    created = create(hl, name="Mary Ann Smith", phone="+15125550100")

    assert (created["firstName"], created["lastName"], created["name"]) == (
        "Mary Ann",
        "Smith",
        "Mary Ann Smith",
    )


@pytest.mark.parametrize(
    "raw",
    ["1990/09/25", "09/25/1990", "1990-09-25", "09-25-1990", "1990.09.25", "09.25.1990"],
)
def test_the_six_birth_date_formats(hl: TestClient, raw: str) -> None:
    created = create(hl, firstName="Bo", phone="+15125550101", dateOfBirth=raw)

    assert created["dateOfBirth"] == "1990-09-25T00:00:00.000Z"
    assert get(hl, created["id"])["dateOfBirth"] == "1990-09-25"
    assert native(hl, created["id"])["date_of_birth"] == "1990-09-25"


def test_the_underscore_birth_date_formats_of_the_spec(hl: TestClient) -> None:
    first = create(hl, firstName="Cy", phone="+15125550102", dateOfBirth="1990_09_25")
    second = create(hl, firstName="Di", phone="+15125550103", dateOfBirth="09_25_1990")

    assert get(hl, first["id"])["dateOfBirth"] == get(hl, second["id"])["dateOfBirth"]


def test_a_bad_birth_date_is_a_422_naming_date_of_birth(hl: TestClient) -> None:
    response = hl.post(
        f"{BASE}/contacts/", json={"locationId": LOCATION, "dateOfBirth": "25th Sept"}
    )

    message = error(response, 422)["message"]
    assert len(message) == 1
    assert message[0].startswith("dateOfBirth ")


def test_dnd_is_the_do_not_call_flag_and_dnd_settings_are_per_channel(hl: TestClient) -> None:
    channels = {"Call": "active", "Email": "inactive", "SMS": "permanent"}
    channels |= {"WhatsApp": "active", "GMB": "inactive", "FB": "active"}
    created = create(
        hl,
        phone="+15125550104",
        dnd=True,
        dndSettings={key: {"status": status, "message": "m"} for key, status in channels.items()},
    )

    shown = get(hl, created["id"])
    assert shown["dnd"] is True
    assert shown["dndSettings"] == {key: {"status": s} for key, s in channels.items()}
    stored = native(hl, created["id"])
    assert stored["dnc"] is True
    assert stored["dnd"] == {
        "call": "active",
        "email": "inactive",
        "sms": "permanent",
        "whatsapp": "active",
        "gmb": "inactive",
        "fb": "active",
    }


def test_dnd_false_leaves_the_channels_alone(hl: TestClient) -> None:
    created = create(hl, phone="+15125550105", dnd=True, dndSettings={"Call": {"status": "active"}})

    hl.put(f"{BASE}/contacts/{created['id']}", json={"dnd": False})

    stored = native(hl, created["id"])
    assert stored["dnc"] is False
    assert stored["dnd"] == {"call": "active"}


def test_version_v3_uses_v3_dnd_keys_both_ways(hl: TestClient) -> None:
    hl.headers["Version"] = "v3"
    created = create(
        hl, phone="+15125550106", dndSettings={"call": {"status": "active"}, "whatsApp": None}
    )

    assert created["dndSettings"] == {"call": {"status": "active"}}
    hl.headers["Version"] = "2021-07-28"
    assert get(hl, created["id"])["dndSettings"] == {"Call": {"status": "active"}}


def test_an_unknown_dnd_channel_is_refused(hl: TestClient) -> None:
    response = hl.post(
        f"{BASE}/contacts/",
        json={"locationId": LOCATION, "dndSettings": {"Pager": {"status": "active"}}},
    )

    assert error(response, 422)["message"] == ["property dndSettings.Pager should not exist"]


def test_a_bad_phone_is_a_422_naming_phone_and_writes_nothing(hl: TestClient) -> None:
    response = hl.post(f"{BASE}/contacts/", json={"locationId": LOCATION, "phone": "12"})

    message = error(response, 422)["message"]
    assert message[0].startswith("phone ")
    assert count(hl) == 0


# --- duplicates --------------------------------------------------------------------------


def test_a_duplicate_email_is_refused_in_highlevels_words(hl: TestClient) -> None:
    first = create(hl, firstName="Jane", lastName="Smith", email="jane@example.com")

    response = hl.post(
        f"{BASE}/contacts/", json={"locationId": LOCATION, "email": "JANE@example.com"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "message": "This location does not allow duplicated contacts.",
        "meta": {"contactId": first["id"], "contactName": "Jane Smith", "matchingField": "email"},
    }
    assert count(hl) == 1


def test_a_duplicate_phone_is_refused_naming_phone(hl: TestClient) -> None:
    first = create(hl, email="a@example.com", phone="+15125550107")

    response = hl.post(
        f"{BASE}/contacts/",
        json={"locationId": LOCATION, "email": "b@example.com", "phone": "(512) 555-0107"},
    )

    meta = error(response, 400)["meta"]
    assert meta["contactId"] == first["id"]
    assert meta["matchingField"] == "phone"


def test_a_location_that_allows_duplicates_takes_them(hl: TestClient) -> None:
    set_duplicates(hl, "none")
    first = create(hl, email="a@example.com")

    second = create(hl, email="a@example.com")

    assert second["id"] != first["id"]


# --- update ------------------------------------------------------------------------------


def test_update_changes_what_was_sent_and_replaces_tags(hl: TestClient) -> None:
    created = create(hl, firstName="Ann", city="Austin", tags=["a", "b"], phone="+15125550108")

    response = hl.put(
        f"{BASE}/contacts/{created['id']}", json={"lastName": "Lee", "city": None, "tags": ["c"]}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["succeded"] is True
    assert body["succeeded"] is True
    contact = body["contact"]
    assert (contact["firstName"], contact["lastName"], contact["tags"]) == ("Ann", "Lee", ["c"])
    assert "city" not in contact
    assert contact["phone"] == "+15125550108"


def test_update_accepts_company_name_as_the_live_api_does(hl: TestClient) -> None:
    created = create(hl, phone="+15125550109")

    response = hl.put(f"{BASE}/contacts/{created['id']}", json={"companyName": "Acme"})

    assert response.json()["contact"]["companyName"] == "Acme"


@pytest.mark.parametrize("name", ["gender", "locationId", "id", "emailLowerCase"])
def test_update_refuses_what_highlevel_refuses(hl: TestClient, name: str) -> None:
    created = create(hl, phone="+15125550110")

    response = hl.put(f"{BASE}/contacts/{created['id']}", json={name: "x"})

    assert error(response, 422)["message"] == [f"property {name} should not exist"]


def test_the_phone_replaces_the_first_phone_and_keeps_the_others(hl: TestClient) -> None:
    created = create(hl, phone="+15125550111")
    hl.patch(
        f"/v1/contacts/{created['id']}",
        json={"phones": ["+15125550111", {"number": "+15125550112", "type": "office"}]},
    )

    hl.put(f"{BASE}/contacts/{created['id']}", json={"phone": "512-555-0113"})

    phones = native(hl, created["id"])["phones"]
    assert [(p["number"], p["type"]) for p in phones] == [
        ("+15125550113", "mobile"),
        ("+15125550112", "office"),
    ]
    assert get(hl, created["id"])["phone"] == "+15125550113"


def test_sending_the_same_phone_keeps_the_phone_as_it_was(hl: TestClient) -> None:
    created = create(hl, phone="+15125550114")
    hl.patch(
        f"/v1/contacts/{created['id']}",
        json={"phones": [{"number": "+15125550114", "type": "office"}]},
    )

    hl.put(f"{BASE}/contacts/{created['id']}", json={"phone": "+15125550114"})

    assert native(hl, created["id"])["phones"][0]["type"] == "office"


def test_a_null_phone_removes_it(hl: TestClient) -> None:
    created = create(hl, phone="+15125550115", email="p@example.com")

    contact = hl.put(f"{BASE}/contacts/{created['id']}", json={"phone": None}).json()["contact"]

    assert "phone" not in contact
    assert native(hl, created["id"])["phones"] == []


def test_updating_into_another_contacts_phone_is_a_duplicate(hl: TestClient) -> None:
    first = create(hl, phone="+15125550116")
    second = create(hl, phone="+15125550117")

    response = hl.put(f"{BASE}/contacts/{second['id']}", json={"phone": "+15125550116"})

    assert error(response, 400)["meta"]["contactId"] == first["id"]


def test_updating_an_unknown_contact_is_a_404(hl: TestClient) -> None:
    error(hl.put(f"{BASE}/contacts/999999", json={"firstName": "X"}), 404)


# --- upsert ------------------------------------------------------------------------------


def test_upsert_creates_then_updates_by_email(hl: TestClient) -> None:
    first = upsert(hl, email="u@example.com", firstName="Una", tags=["a"])
    second = upsert(hl, email="U@EXAMPLE.com", lastName="Ray", tags=["b"])

    assert first["new"] is True
    assert second["new"] is False
    assert UUID.match(first["traceId"])
    assert first["traceId"] != second["traceId"]
    contact = second["contact"]
    assert contact["id"] == first["contact"]["id"]
    assert (contact["firstName"], contact["lastName"], contact["tags"]) == ("Una", "Ray", ["b"])


def test_upsert_matches_by_phone_when_there_is_no_email(hl: TestClient) -> None:
    created = create(hl, phone="+15125550118", firstName="Pat")

    result = upsert(hl, phone="512.555.0118", city="Austin")

    assert result["new"] is False
    assert result["contact"]["id"] == created["id"]


def test_upsert_updates_the_email_match_and_ignores_a_phone_owned_by_another(
    hl: TestClient,
) -> None:
    by_email = create(hl, email="e@example.com", phone="+15125550119")
    by_phone = create(hl, email="f@example.com", phone="+15125550120")

    result = upsert(hl, email="e@example.com", phone="+15125550120", firstName="Eve")

    assert result["contact"]["id"] == by_email["id"]
    assert result["contact"]["firstName"] == "Eve"
    assert result["contact"]["phone"] == "+15125550119"
    assert get(hl, by_phone["id"])["email"] == "f@example.com"


def test_upsert_sets_a_new_phone_on_the_email_match(hl: TestClient) -> None:
    created = create(hl, email="g@example.com", phone="+15125550121")

    result = upsert(hl, email="g@example.com", phone="+15125550122")

    assert result["contact"]["id"] == created["id"]
    assert result["contact"]["phone"] == "+15125550122"
    assert [p["number"] for p in native(hl, created["id"])["phones"]] == ["+15125550122"]


def test_create_new_if_duplicate_allowed_creates_where_duplicates_are_allowed(
    hl: TestClient,
) -> None:
    set_duplicates(hl, "none")
    created = create(hl, email="h@example.com")

    result = upsert(hl, email="h@example.com", createNewIfDuplicateAllowed=True)

    assert result["new"] is True
    assert result["contact"]["id"] != created["id"]


def test_create_new_if_duplicate_allowed_is_ignored_where_they_are_not(hl: TestClient) -> None:
    created = create(hl, email="i@example.com")

    result = upsert(hl, email="i@example.com", createNewIfDuplicateAllowed=True)

    assert result["new"] is False
    assert result["contact"]["id"] == created["id"]


def test_upsert_takes_a_trailing_slash(hl: TestClient) -> None:
    response = hl.post(f"{BASE}/contacts/upsert/", json={"locationId": LOCATION, "email": "j@x.io"})

    assert response.status_code == 200
    assert response.json()["new"] is True


def test_a_failed_upsert_writes_nothing(hl: TestClient) -> None:
    created = create(hl, email="k@example.com", firstName="Kim")

    response = hl.post(
        f"{BASE}/contacts/upsert",
        json={"locationId": LOCATION, "email": "k@example.com", "firstName": "X", "phone": "1"},
    )

    error(response, 422)
    assert get(hl, created["id"])["firstName"] == "Kim"


# --- delete ------------------------------------------------------------------------------


def test_delete(hl: TestClient) -> None:
    created = create(hl, email="d@example.com")

    response = hl.delete(f"{BASE}/contacts/{created['id']}")

    assert response.status_code == 200
    assert response.json() == {"succeded": True, "succeeded": True}
    error(hl.get(f"{BASE}/contacts/{created['id']}"), 404)
    error(hl.delete(f"{BASE}/contacts/{created['id']}"), 404)


# --- tags --------------------------------------------------------------------------------


def test_add_and_remove_tags(hl: TestClient) -> None:
    created = create(hl, email="t@example.com", tags=["a"])
    url = f"{BASE}/contacts/{created['id']}/tags"

    added = hl.post(url, json={"tags": ["b", "a", " c "]})
    removed = hl.request("DELETE", url, json={"tags": ["a", "zzz"]})

    assert added.status_code == 201
    assert added.json() == {"tags": ["a", "b", "c"]}
    assert removed.status_code == 200
    assert removed.json() == {"tags": ["b", "c"]}
    assert get(hl, created["id"])["tags"] == ["b", "c"]


def test_tags_need_a_tags_list(hl: TestClient) -> None:
    created = create(hl, email="t2@example.com")

    response = hl.post(f"{BASE}/contacts/{created['id']}/tags", json={})

    assert error(response, 422)["message"] == ["tags should not be empty"]


def test_tags_of_an_unknown_contact_are_a_404(hl: TestClient) -> None:
    error(hl.post(f"{BASE}/contacts/424242/tags", json={"tags": ["a"]}), 404)


# --- custom fields -----------------------------------------------------------------------


def test_custom_fields_in_every_accepted_shape(hl: TestClient) -> None:
    text = define_field(hl, "Pin Code", "TEXT")
    score = define_field(hl, "Score", "NUMERICAL")
    since = define_field(hl, "Customer Since", "DATE")
    colors = define_field(hl, "Colors", "MULTIPLE_OPTIONS", options=["red", "blue"])
    plan = define_field(hl, "Plan", "SINGLE_OPTIONS", options=["basic", "pro"])

    created = create(
        hl,
        phone="+15125550123",
        customFields=[
            {"id": text["id"], "field_value": "78702"},
            {"key": "score", "field_value": 12.5},
            {"id": since["id"], "value": "2020-01-31"},
            {"id": colors["id"], "fieldValue": ["red", "blue"]},
            {"key": "contact.plan", "field_value": "pro"},
        ],
    )

    assert sorted(created["customFields"], key=lambda f: int(f["id"])) == [
        {"id": text["id"], "value": "78702"},
        {"id": score["id"], "value": "12.5"},
        {"id": since["id"], "value": "2020-01-31"},
        {"id": colors["id"], "value": "red, blue"},
        {"id": plan["id"], "value": "pro"},
    ]
    assert native(hl, created["id"])["custom_fields"] == {
        "pin_code": "78702",
        "score": 12.5,
        "customer_since": "2020-01-31",
        "colors": ["red", "blue"],
        "plan": "pro",
    }


def test_the_id_wins_over_a_wrong_key(hl: TestClient) -> None:
    field = define_field(hl, "Pin Code", "TEXT")

    created = create(
        hl,
        firstName="Ann",  # a contact needs something to identify it
        customFields=[{"id": field["id"], "key": "default_key", "field_value": "1"}],
    )

    assert created["customFields"] == [{"id": field["id"], "value": "1"}]


def test_an_unknown_custom_field_is_refused(hl: TestClient) -> None:
    response = hl.post(
        f"{BASE}/contacts/",
        json={"locationId": LOCATION, "customFields": [{"id": "6dvNaf7VhkQ9snc5vnjJ", "value": 1}]},
    )

    assert error(response, 422)["message"][0].startswith("customFields.0 names no custom field")


def test_a_custom_field_value_of_the_wrong_type_is_refused(hl: TestClient) -> None:
    define_field(hl, "Score", "NUMERICAL")

    response = hl.post(
        f"{BASE}/contacts/",
        json={"locationId": LOCATION, "customFields": [{"key": "score", "field_value": "lots"}]},
    )

    assert error(response, 422)["message"] == ["customFields.score must be a number"]
    assert count(hl) == 0


def test_a_null_custom_field_value_clears_it(hl: TestClient) -> None:
    field = define_field(hl, "Pin Code", "TEXT")
    created = create(hl, firstName="Ann", customFields=[{"id": field["id"], "value": "1"}])

    hl.put(
        f"{BASE}/contacts/{created['id']}",
        json={"customFields": [{"id": field["id"], "value": None}]},
    )

    assert get(hl, created["id"])["customFields"] == []


# --- list and duplicate search -----------------------------------------------------------


def test_listing_pages_by_start_after_id_until_total(hl: TestClient) -> None:
    ids = [create(hl, email=f"l{i}@example.com")["id"] for i in range(5)]

    seen: list[str] = []
    params: dict[str, Any] = {"locationId": LOCATION, "limit": 2}
    while True:
        body = hl.get(f"{BASE}/contacts/", params=params).json()
        seen += [c["id"] for c in body["contacts"]]
        assert body["count"] == len(body["contacts"])
        assert body["meta"]["total"] == 5
        if len(seen) >= body["meta"]["total"]:
            assert "nextPageUrl" not in body["meta"]
            break
        assert body["meta"]["nextPageUrl"].startswith("http")
        params = {
            "locationId": LOCATION,
            "limit": 2,
            "startAfterId": body["meta"]["startAfterId"],
            "startAfter": body["meta"]["startAfter"],
        }
    assert seen == ids


def test_listing_follows_next_page_url(hl: TestClient) -> None:
    for i in range(3):
        create(hl, email=f"n{i}@example.com")

    first = hl.get(f"{BASE}/contacts", params={"locationId": LOCATION, "limit": 2}).json()
    second = hl.get(first["meta"]["nextPageUrl"]).json()

    assert len(second["contacts"]) == 1


def test_listing_filters_by_query_and_counts_the_matches(hl: TestClient) -> None:
    create(hl, firstName="Zed", lastName="Smith", email="z@example.com")
    create(hl, firstName="Amy", lastName="Jones", email="amy@example.com")

    body = hl.get(f"{BASE}/contacts/", params={"locationId": LOCATION, "query": "smith"}).json()

    assert [c["lastName"] for c in body["contacts"]] == ["Smith"]
    assert body["meta"]["total"] == 1


def test_listing_shows_the_location_list_only(hl: TestClient) -> None:
    other = create_list(hl, name="Other")
    hl.post("/v1/contacts", json={"list_id": other["id"], "email": "o@example.com"})
    create(hl, email="mine@example.com")

    body = hl.get(f"{BASE}/contacts/", params={"locationId": LOCATION}).json()

    assert [c["email"] for c in body["contacts"]] == ["mine@example.com"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"locationId": LOCATION, "limit": 101}, "limit must not be greater than 100"),
        ({"locationId": LOCATION, "limit": 0}, "limit must not be less than 1"),
        ({"locationId": LOCATION, "limit": "ten"}, "limit must be an integer number"),
        ({"locationId": LOCATION, "sort": "x"}, "property sort should not exist"),
        ({}, "locationId should not be empty"),
        (
            {"locationId": LOCATION, "startAfterId": "UIaE1WjAwWKdlyD7osQI"},
            "startAfterId 'UIaE1WjAwWKdlyD7osQI' is not a contact id returned by this server",
        ),
    ],
)
def test_bad_listing_parameters(hl: TestClient, params: dict[str, Any], message: str) -> None:
    assert error(hl.get(f"{BASE}/contacts/", params=params), 422)["message"] == [message]


def test_duplicate_search_by_email_then_number(hl: TestClient) -> None:
    by_email = create(hl, email="s@example.com", phone="+15125550124")
    by_phone = create(hl, email="r@example.com", phone="+15125550125")
    url = f"{BASE}/contacts/search/duplicate"

    both = hl.get(
        url, params={"locationId": LOCATION, "email": "S@example.com", "number": "+15125550125"}
    )
    number = hl.get(url, params={"locationId": LOCATION, "number": "(512) 555-0125"})
    none = hl.get(url, params={"locationId": LOCATION, "email": "nobody@example.com"})

    assert both.json()["contact"]["id"] == by_email["id"]
    assert number.json()["contact"]["id"] == by_phone["id"]
    assert none.status_code == 200
    assert none.json() == {"contact": None}


def test_duplicate_search_needs_something_to_search(hl: TestClient) -> None:
    response = hl.get(f"{BASE}/contacts/search/duplicate", params={"locationId": LOCATION})

    assert error(response, 422)["message"] == ["number or email should not be empty"]


# --- the same contact through /v1 --------------------------------------------------------


def test_a_contact_created_here_reads_back_the_same_through_v1(hl: TestClient) -> None:
    score = define_field(hl, "Score", "NUMERICAL")
    lists = hl.get("/v1/lists").json()["data"]
    default_id = next(item["id"] for item in lists if item["is_default"])

    created = create(
        hl,
        firstName="  Jane ",
        lastName="Smith",
        email="Jane.Smith@Example.com",
        phone="(512) 555-0126",
        companyName="Smith Co",
        address1="456 Oak Ave",
        city="Austin",
        state="TX",
        postalCode="78702",
        country="us",
        website="https://smith.example.com",
        timezone="America/Chicago",
        source="api",
        gender="female",
        dateOfBirth="09/25/1990",
        dnd=True,
        dndSettings={"SMS": {"status": "active"}},
        tags=["new-lead", "website"],
        customFields=[{"id": score["id"], "field_value": "7"}],
    )
    stored = native(hl, created["id"])

    assert stored["list_id"] == default_id
    assert {
        "first_name": stored["first_name"],
        "last_name": stored["last_name"],
        "full_name": stored["full_name"],
        "email": stored["email"],
        "phone": stored["phones"][0]["number"],
        "company": stored["company"],
        "street": stored["street"],
        "city": stored["city"],
        "state": stored["state"],
        "postal_code": stored["postal_code"],
        "country": stored["country"],
        "website": stored["website"],
        "timezone": stored["timezone"],
        "source": stored["source"],
        "gender": stored["gender"],
        "date_of_birth": stored["date_of_birth"],
        "dnc": stored["dnc"],
        "dnd": stored["dnd"],
        "tags": stored["tags"],
        "custom_fields": stored["custom_fields"],
    } == {
        "first_name": created["firstName"],
        "last_name": created["lastName"],
        "full_name": created["name"],
        "email": created["email"],
        "phone": created["phone"],
        "company": created["companyName"],
        "street": created["address1"],
        "city": created["city"],
        "state": created["state"],
        "postal_code": created["postalCode"],
        "country": created["country"],
        "website": created["website"],
        "timezone": created["timezone"],
        "source": created["source"],
        "gender": created["gender"],
        "date_of_birth": "1990-09-25",
        "dnc": created["dnd"],
        "dnd": {"sms": "active"},
        "tags": created["tags"],
        "custom_fields": {"score": 7},
    }
    assert (stored["first_name"], stored["phones"][0]["number"], stored["country"]) == (
        "Jane",
        "+15125550126",
        "US",
    )


def test_a_contact_made_through_v1_reads_through_highlevel(hl: TestClient) -> None:
    made = hl.post(
        "/v1/contacts",
        json={"first_name": "Vic", "phones": ["+15125550127"], "dnd": {"voicemail": "active"}},
    ).json()

    shown = get(hl, str(made["id"]))

    assert (shown["firstName"], shown["phone"]) == ("Vic", "+15125550127")
    assert "dndSettings" not in shown


def test_a_contact_with_nothing_to_identify_it_is_refused(hl: TestClient) -> None:
    response = hl.post(f"{BASE}/contacts/", json={"locationId": LOCATION, "companyName": "Acme"})

    assert error(response, 422)["message"] == [
        "phone a contact needs a phone, an email, a name or an external id"
    ]
