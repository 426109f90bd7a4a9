from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import create_list


def test_create_get_update_delete(api: TestClient) -> None:
    created = create_list(
        api,
        name="Spring leads",
        default_region="gb",
        duplicate_policy={"key": "email", "scope": "workspace"},
        queue_mode="on_publish",
        max_attempts=5,
        calling_window={"days": ["mon", "tue"], "start": "09:00", "end": "17:30"},
        aliases={"nedzo": "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
    )
    assert created["default_region"] == "GB"
    assert created["duplicate_policy"] == {"key": "email", "scope": "workspace"}
    assert created["calling_window"]["state_overrides"] == {}
    url = f"/v1/lists/{created['id']}"
    assert api.get(url).json()["contact_count"] == 0
    updated = api.patch(url, json={"name": "Summer leads", "max_attempts": None})
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["max_attempts"]) == ("Summer leads", None)
    assert updated.json()["queue_mode"] == "on_publish"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_every_workspace_has_a_default_list_that_stays(api: TestClient) -> None:
    lists = api.get("/v1/lists").json()["data"]
    default = [lst for lst in lists if lst["is_default"]]
    assert len(default) == 1
    assert api.delete(f"/v1/lists/{default[0]['id']}").status_code == 409
    contact = api.post("/v1/contacts", json={"phones": ["+14155550100"]}).json()
    assert contact["list_id"] == default[0]["id"]


def test_deleting_a_list_deletes_its_contacts(api: TestClient) -> None:
    lst = create_list(api)
    contact = api.post("/v1/contacts", json={"list_id": lst["id"], "phones": ["+14155550100"]})
    assert api.delete(f"/v1/lists/{lst['id']}").status_code == 204
    assert api.get(f"/v1/contacts/{contact.json()['id']}").status_code == 404
    assert api.get("/v1/contacts", params={"phone": "+14155550100"}).json()["data"] == []


def test_held_contacts_wait_for_publish(api: TestClient) -> None:
    lst = create_list(api, queue_mode="on_publish")
    contact = api.post("/v1/contacts", json={"list_id": lst["id"], "phones": ["+14155550100"]})
    assert contact.json()["status"] == "held"
    published = api.post(f"/v1/lists/{lst['id']}/publish")
    assert published.json() == {"list_id": lst["id"], "published": 1}
    assert api.get(f"/v1/contacts/{contact.json()['id']}").json()["status"] == "queued"


def test_listing_pages_with_counts(api: TestClient) -> None:
    for i in range(4):
        lst = create_list(api, name=f"L{i}")
        for j in range(i):
            api.post("/v1/contacts", json={"list_id": lst["id"], "phones": [f"+1415555010{j}"]})
    first = api.get("/v1/lists", params={"limit": 3}).json()
    second = api.get("/v1/lists", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    names = [lst["name"] for lst in first["data"] + second["data"]]
    assert names == ["Default", "L0", "L1", "L2", "L3"]
    assert [lst["contact_count"] for lst in first["data"] + second["data"]] == [0, 0, 1, 2, 3]
    assert second["next_cursor"] is None
    assert [lst["name"] for lst in api.get("/v1/lists", params={"name": "l2"}).json()["data"]] == [
        "L2"
    ]


def test_bad_settings(api: TestClient) -> None:
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x", "default_region": "ZZ"}, "default_region"),
        ({"name": "x", "duplicate_policy": {"key": "fax"}}, "duplicate_policy.key"),
        ({"name": "x", "queue_mode": "later"}, "queue_mode"),
        ({"name": "x", "max_attempts": 0}, "max_attempts"),
        ({"name": "x", "calling_window": {"start": "21:00", "end": "08:00"}}, "calling_window.end"),
        ({"name": "x", "calling_window": {"start": "25:00"}}, "calling_window.start"),
        ({"name": "x", "calling_window": {"days": ["someday"]}}, "calling_window.days[0]"),
    ]
    for body, name in cases:
        response = api.post("/v1/lists", json=body)
        assert response.status_code == 422, body
        assert response.json()["fields"][0]["name"] == name, body


def test_a_list_name_is_used_once_per_workspace(api: TestClient) -> None:
    first = create_list(api, name="Spring leads")
    again = api.post("/v1/lists", json={"name": " Spring leads "})
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    assert f"(id {first['id']})" in again.json()["detail"]
    other = create_list(api, name="spring leads")  # names are case-sensitive
    renamed = api.patch(f"/v1/lists/{other['id']}", json={"name": "Spring leads"})
    assert renamed.status_code == 409
    same = api.patch(f"/v1/lists/{first['id']}", json={"name": "Spring leads", "max_attempts": 3})
    assert same.status_code == 200
    names = [lst["name"] for lst in api.get("/v1/lists").json()["data"]]
    assert names.count("Spring leads") == 1
