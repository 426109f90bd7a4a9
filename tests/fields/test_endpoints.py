from __future__ import annotations

from starlette.testclient import TestClient


def test_definitions_crud(api: TestClient) -> None:
    created = api.post(
        "/v1/custom-fields", json={"key": "stage", "type": "string", "options": ["new", "won"]}
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["key"], body["label"], body["type"]) == ("stage", "Stage", "string")
    url = f"/v1/custom-fields/{body['id']}"
    assert api.post("/v1/custom-fields", json={"key": "stage"}).status_code == 409
    changed = api.patch(url, json={"label": "Pipeline stage", "options": ["new", "won", "lost"]})
    assert changed.json()["options"] == ["new", "won", "lost"]
    assert [f["key"] for f in api.get("/v1/custom-fields").json()["data"]] == ["stage"]
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_bad_definitions(api: TestClient) -> None:
    for body, name in [
        ({"key": "Has Space"}, "key"),
        ({"key": "ok", "type": "color"}, "type"),
        ({"label": "x"}, "key"),
    ]:
        response = api.post("/v1/custom-fields", json=body)
        assert response.status_code == 422
        assert response.json()["fields"][0]["name"] == name


def test_definitions_are_paged(api: TestClient) -> None:
    for i in range(5):
        assert api.post("/v1/custom-fields", json={"key": f"f{i}"}).status_code == 201
    first = api.get("/v1/custom-fields", params={"limit": 2}).json()
    assert [f["key"] for f in first["data"]] == ["f0", "f1"]
    keys = [f["key"] for f in first["data"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get("/v1/custom-fields", params={"limit": 2, "cursor": cursor}).json()
        keys += [f["key"] for f in page["data"]]
        cursor = page["next_cursor"]
    assert keys == [f"f{i}" for i in range(5)]
    assert api.get("/v1/custom-fields", params={"limit": 501}).status_code == 422


def test_definitions_are_deleted_in_bulk(api: TestClient) -> None:
    ids = {}
    for key in ("used", "spare_a", "spare_b", "by_id", "by_key"):
        ids[key] = api.post("/v1/custom-fields", json={"key": key}).json()["id"]
    contact = api.post("/v1/contacts", json={"full_name": "Ada", "custom_fields": {"used": "yes"}})
    assert contact.status_code == 201, contact.text
    by_name = api.post(
        "/v1/custom-fields/bulk-delete", json={"ids": [ids["by_id"], 999999], "keys": ["by_key"]}
    )
    assert by_name.status_code == 200, by_name.text
    assert by_name.json() == {"deleted": 2, "keys": ["by_id", "by_key"]}
    unused = api.post("/v1/custom-fields/bulk-delete", json={"unused": True}).json()
    assert unused == {"deleted": 2, "keys": ["spare_a", "spare_b"]}
    assert [f["key"] for f in api.get("/v1/custom-fields").json()["data"]] == ["used"]
    nothing = api.post("/v1/custom-fields/bulk-delete", json={})
    assert nothing.status_code == 422
