"""Golden-file contract tests: the documented examples, sent as Nedzo clients send them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from tests.dialects import golden

GOLDEN = Path(__file__).parent / "golden"
URL = "/compat/nedzo"
SEED_UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def load(name: str, **fill: str) -> Any:
    return golden.load(GOLDEN, name, **fill)


def check(answer: Any, response: str) -> Any:
    expected = load(response)
    assert answer.status_code == expected["status"], answer.text
    body = answer.json()
    golden.assert_matches(body, expected["body"])
    return body


def alias_a_list(api: TestClient) -> int:
    """What a user does first: give a dialbook list the id their Nedzo code uses."""
    created = api.post("/v1/lists", json={"name": "Spring webinar"}).json()
    answer = api.patch(f"/v1/lists/{created['id']}", json={"aliases": {"nedzo": SEED_UUID}})
    assert answer.status_code == 200, answer.text
    list_id: int = created["id"]
    return list_id


def workspace_id(api: TestClient) -> str:
    found: str = api.get(URL + "/v1/workspaces").json()[0]["id"]
    return found


# -- the seed API ------------------------------------------------------------------------


def test_the_seed_example_verbatim_is_a_422_naming_its_placeholder_values(
    api: TestClient,
) -> None:
    """Its email ("[email protected]"), phone and country ("<string>") are placeholders that
    cannot be read; everything else in it (the list and custom field UUIDs) is accepted."""
    alias_a_list(api)
    answer = api.post(URL + "/v1/contact/", json=load("create-contact.seed.request.json"))
    assert answer.headers["content-type"] == "application/problem+json"
    check(answer, "create-contact.seed.response.json")
    assert api.get("/v1/contacts").json()["data"] == []


def test_the_seed_example_with_real_values_creates_the_contact(api: TestClient) -> None:
    list_id = alias_a_list(api)
    answer = api.post(URL + "/v1/contact/", json=load("create-contact.request.json"))
    body = check(answer, "create-contact.response.json")
    contact = body["data"]["contact"]
    assert contact["subaccount_id"] == workspace_id(api)
    native = api.get(f"/v1/contacts/{int(contact['id'].replace('-', ''), 16)}").json()
    assert native["list_id"] == list_id
    # The custom field UUID named a workspace custom field, created on first use.
    labels = [f["label"] for f in api.get("/v1/custom-fields").json()["data"]]
    assert labels == [SEED_UUID]


def test_the_seed_update_routes(api: TestClient) -> None:
    alias_a_list(api)
    created = api.post(URL + "/v1/contact/", json=load("create-contact.request.json")).json()
    contact_id = created["data"]["contact"]["id"]

    answer = api.patch(URL + f"/v1/contact/{contact_id}", json=load("update-contact.request.json"))
    check(answer, "update-contact.response.json")

    request = load("update-contact-list.request.json", contact_id=contact_id)
    answer = api.patch(URL + f"/v1/contact-list/{SEED_UUID}", json=request)
    body = check(answer, "update-contact-list.response.json")
    assert body["data"]["contact_list"]["contacts"][0]["id"] == contact_id


# -- the current API ---------------------------------------------------------------------


def define_fields(api: TestClient) -> None:
    for field in (
        {"key": "lead_source", "label": "Lead Source"},
        {"key": "employees", "label": "Employees", "type": "number"},
    ):
        assert api.post("/v1/custom-fields", json=field).status_code == 201


def test_create_contact(api: TestClient) -> None:
    define_fields(api)
    request = load("contacts-create.request.json", workspace_id=workspace_id(api))
    answer = api.post(URL + "/v1/contacts", json=request)
    body = check(answer, "contacts-create.response.json")
    assert api.get(URL + f"/v1/contacts/{body['id']}").json() == body


def test_unknown_members_are_a_400_problem(api: TestClient) -> None:
    define_fields(api)
    request = load("contacts-create.request.json", workspace_id=workspace_id(api))
    answer = api.post(URL + "/v1/contacts", json={**request, "nickname": "JJ"})
    check(answer, "contacts-unknown-field.response.json")


def test_upsert_as_the_n8n_node_sends_it(api: TestClient) -> None:
    request = load("contacts-upsert.request.json", workspace_id=workspace_id(api))
    first = check(
        api.post(URL + "/v1/contacts/upsert", json=request),
        "contacts-upsert.created.response.json",
    )
    again = check(
        api.post(URL + "/v1/contacts/upsert", json=request),
        "contacts-upsert.updated.response.json",
    )
    assert again["id"] == first["id"]


def test_an_unknown_contact_is_the_documented_not_found_problem(api: TestClient) -> None:
    answer = api.get(URL + f"/v1/contacts/{SEED_UUID}")
    assert answer.headers["content-type"] == "application/problem+json"
    check(answer, "contacts-not-found.response.json")
