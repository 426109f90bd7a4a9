"""What the fuzzing and isolation suites found, pinned one by one."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient

from dialbook.app import NATIVE
from dialbook.db import Database
from dialbook.http import openapi
from dialbook.workspaces import service as workspace_service

PAST_64_BITS = 2**63


def test_405_lists_every_method_of_the_path(api: TestClient) -> None:
    """RFC 9110 requires ``Allow``; each endpoint is its own route, so it is gathered."""
    lists = api.put("/v1/lists")
    assert lists.status_code == 405
    assert lists.headers["allow"] == "GET, HEAD, POST"
    contact = api.request("TRACE", "/v1/contacts/1")
    assert contact.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    talkdesk = api.put("/compat/talkdesk/record-lists")  # a dialect that answers 405 too
    assert talkdesk.status_code == 405
    assert talkdesk.headers["allow"] == "GET, HEAD, POST"
    assert talkdesk.json()["code"] == "method_not_allowed"


def test_a_key_asked_with_no_scopes_has_none(api: TestClient, db: Database) -> None:
    created = api.post("/v1/keys", json={"name": "nothing", "scopes": []})
    assert created.status_code == 201, created.text
    assert created.json()["scopes"] == []
    denied = api.get("/v1/contacts", headers={"Authorization": f"Bearer {created.json()['key']}"})
    assert denied.status_code == 403
    # Without scopes at all (the CLI's default), a key still gets every scope but admin.
    workspace = created.json()["workspace_id"]
    default = db.run_write(workspace_service.create_key, workspace_id=workspace, scopes=None)
    assert sorted(default.scopes) == [
        "contacts:read",
        "contacts:write",
        "lists:manage",
        "queue:dial",
    ]


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/contacts/{PAST_64_BITS}",
        f"/v1/lists/{10**30}",
        f"/v1/lists/{PAST_64_BITS}/export",
        f"/v1/imports/{PAST_64_BITS}/rejects",
        f"/v1/suppression-lists/{PAST_64_BITS}",
    ],
)
def test_path_ids_past_64_bits_name_nothing(api: TestClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"


def test_body_and_query_ids_past_64_bits_are_invalid(api: TestClient) -> None:
    created = api.post("/v1/contacts", json={"list_id": PAST_64_BITS, "phones": ["+14155550100"]})
    assert created.status_code == 422, created.text
    assert created.json()["fields"][0]["name"] == "list_id"
    for url, name in (("/v1/contacts", "list_id"), ("/v1/suppressions", "suppression_list_id")):
        listed = api.get(url, params={name: -PAST_64_BITS - 1})
        assert listed.status_code == 422, listed.text


@pytest.mark.parametrize("inside", ["id:²", "id:" + "9" * 30, "id:" + "9" * 5000])
@pytest.mark.parametrize("url", ["/v1/lists", "/v1/contacts", "/v1/suppressions"])
def test_cursors_we_did_not_issue_are_invalid(api: TestClient, url: str, inside: str) -> None:
    cursor = base64.urlsafe_b64encode(inside.encode()).decode().rstrip("=")
    response = api.get(url, params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["name"] == "cursor"


def test_openapi_documents_what_the_api_answers() -> None:
    spec = openapi.build(NATIVE)
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    assert {"200", "201"} <= set(paths["/v1/contacts/upsert"]["post"]["responses"])
    imports = paths["/v1/lists/{id}/imports"]["post"]["responses"]
    assert imports["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DryRun"
    }
    assert "400" in imports  # an empty upload
    dnd = schemas["ContactCreate"]["properties"]["dnd"]
    assert "call" in dnd["propertyNames"]["enum"]
    list_id = schemas["ContactCreate"]["properties"]["list_id"]["anyOf"][0]
    assert list_id["maximum"] == PAST_64_BITS - 1
