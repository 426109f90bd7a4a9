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
