from __future__ import annotations

from starlette.testclient import TestClient


def test_add_check_list_update_remove(api: TestClient) -> None:
    added = api.post("/v1/suppressions", json={"number": "(212) 555-0100", "reason": "asked"})
    assert added.status_code == 201
    entry = added.json()
    assert (entry["number"], entry["source"]) == ("+12125550100", "api")
    check = api.get("/v1/suppressions/check", params={"number": "+1 212 555 0100"}).json()
    assert check["suppressed"] is True
    assert [e["id"] for e in check["entries"]] == [entry["id"]]
    again = api.post("/v1/suppressions", json={"number": "212.555.0100", "reason": "asked twice"})
    assert again.json()["id"] == entry["id"]  # one entry per number and list
    assert again.json()["reason"] == "asked twice"
    expired = api.patch(
        f"/v1/suppressions/{entry['id']}", json={"expires_at": "2000-01-01T00:00:00Z"}
    )
    assert expired.status_code == 200
    assert (
        api.get("/v1/suppressions/check", params={"number": "2125550100"}).json()["suppressed"]
        is False
    )
    assert api.get("/v1/suppressions").json()["data"] == []
    assert len(api.get("/v1/suppressions", params={"include_expired": "true"}).json()["data"]) == 1
    assert api.delete(f"/v1/suppressions/{entry['id']}").status_code == 204
    assert api.delete(f"/v1/suppressions/{entry['id']}").status_code == 404


def test_bulk_is_all_or_nothing(api: TestClient) -> None:
    bad = api.post(
        "/v1/suppressions/bulk",
        json={"entries": [{"number": "+12125550100"}, {"number": "12"}, {"number": "nope"}]},
    )
    assert bad.status_code == 422
    assert [f["name"] for f in bad.json()["fields"]] == ["entries[1].number", "entries[2].number"]
    assert api.get("/v1/suppressions").json()["data"] == []
    ok = api.post(
        "/v1/suppressions/bulk",
        json={"entries": [{"number": f"+1212555{i:04d}"} for i in range(300)]},
    )
    assert ok.json() == {"added": 300, "updated": 0}
    again = api.post("/v1/suppressions/bulk", json={"entries": [{"number": "+12125550000"}]})
    assert again.json() == {"added": 0, "updated": 1}


def test_named_lists(api: TestClient) -> None:
    lists = api.get("/v1/suppression-lists").json()["data"]
    assert [(sl["name"], sl["is_default"]) for sl in lists] == [("Do not call", True)]
    named = api.post("/v1/suppression-lists", json={"name": "Litigators"}).json()
    api.post(
        "/v1/suppressions", json={"number": "+12125550100", "suppression_list_id": named["id"]}
    )
    api.post("/v1/suppressions", json={"number": "+12125550100"})
    counts = {
        sl["name"]: sl["entry_count"] for sl in api.get("/v1/suppression-lists").json()["data"]
    }
    assert counts == {"Do not call": 1, "Litigators": 1}
    assert api.delete(f"/v1/suppression-lists/{lists[0]['id']}").status_code == 409
    assert api.delete(f"/v1/suppression-lists/{named['id']}").status_code == 204
    assert len(api.get("/v1/suppressions").json()["data"]) == 1
    missing = api.post(
        "/v1/suppressions", json={"number": "+12125550101", "suppression_list_id": 999}
    )
    assert missing.json()["fields"][0]["name"] == "suppression_list_id"
