"""Golden-file contract tests: the documented examples, sent as ClearTalk clients send them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.dialects import golden

GOLDEN = Path(__file__).parent / "golden"
URL = "/compat/cleartalk"


def load(name: str, **fill: str) -> Any:
    return golden.load(GOLDEN, name, **fill)


def exchange(api: TestClient, path: str, request: str, response: str) -> dict[str, Any]:
    expected = load(response)
    answer = api.post(URL + path, json=load(request))
    assert answer.status_code == expected["status"], answer.text
    body: dict[str, Any] = answer.json()
    golden.assert_matches(body, expected["body"])
    return body


def test_the_seed_example_verbatim_is_a_400_naming_its_placeholder_values(
    api: TestClient,
) -> None:
    """The seed's values are all the literal "<string>": email, phone and dateOfBirth cannot
    be read, and the answer says so for each (nothing is created, not even the list)."""
    exchange(
        api, "/contacts", "create-contact.seed.request.json", "create-contact.seed.response.json"
    )
    assert api.get("/v1/lists", params={"name": "<string>"}).json()["data"] == []
    assert api.get("/v1/contacts").json()["data"] == []


def test_the_seed_example_with_real_values_creates_the_contact(api: TestClient) -> None:
    body = exchange(api, "/contacts", "create-contact.request.json", "create-contact.response.json")
    workspaces = api.get("/v1/workspaces").json()["data"]
    assert body["userId"] == workspaces[0]["id"]
    assert api.get(f"/v1/contacts/{body['id']}").status_code == 200


def test_the_seed_example_succeeds_with_an_api_key_header(
    client: TestClient, admin_key: str
) -> None:
    answer = client.post(
        URL + "/contacts",
        json=load("create-contact.request.json"),
        headers={"x-api-key": admin_key},
    )
    assert answer.status_code == 201, answer.text


def test_the_bulk_example_creates_every_item(api: TestClient) -> None:
    body = exchange(
        api, "/contacts/create-bulk", "create-bulk.request.json", "create-bulk.response.json"
    )
    ids = [item["id"] for item in body["data"]]
    assert len(set(ids)) == 2


@pytest.mark.parametrize("path", ["/contacts", "/contacts/create-bulk"])
def test_no_key_is_a_401_in_the_cleartalk_shape(client: TestClient, path: str) -> None:
    expected = load("unauthorized.response.json")
    answer = client.post(URL + path, json=load("create-contact.request.json"))
    assert answer.status_code == expected["status"]
    golden.assert_matches(answer.json(), expected["body"])
