"""Do-not-call lists through /compat/talkdesk: the workspace's suppression lists, which the
dial queue honours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.kit import clock
from dialbook.onboarding import service as onboarding
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import ClaimRequest
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list, make_key
from tests.dialects.talkdesk.conftest import BASE, assert_error, create_record

DNCL = f"{BASE}/do-not-call-lists"
T0 = dt.datetime(2030, 6, 3, 12, 30, tzinfo=dt.UTC)  # "today" is 2030-06-03 in UTC


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """Every request of these tests happens at T0, so dates in the past are known."""
    with clock.frozen(T0):
        yield


def make_dncl(api: TestClient, name: str = "Litigators") -> str:
    response = api.post(DNCL, json={"name": name})
    assert response.status_code == 201, response.text
    list_id: str = response.json()["id"]
    return list_id


def add_entry(api: TestClient, list_id: str, phone_number: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"{DNCL}/{list_id}/entries", json={"phone_number": phone_number, **body})
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry


def default_dncl(api: TestClient) -> str:
    page = api.get(DNCL).json()
    list_id: str = page["_embedded"]["do_not_call_lists"][0]["id"]
    return list_id


def query(api: TestClient, list_id: str, *numbers: str, **params: Any) -> Any:
    body = {"phone_numbers": [{"phone_number": n, "timezone": "America/New_York"} for n in numbers]}
    return api.post(f"{DNCL}/{list_id}/entries/queries", json=body, params=params)


def listed(api: TestClient, list_id: str, *numbers: str) -> list[str]:
    response = query(api, list_id, *numbers)
    assert response.status_code == 200, response.text
    return [e["phone_number"] for e in response.json()["_embedded"]["entries"]]


# -- lists ----------------------------------------------------------------------------------


def test_the_default_suppression_list_is_a_do_not_call_list(api: TestClient) -> None:
    page = api.get(DNCL)
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["total"], body["count"], body["page"], body["total_pages"]) == (1, 1, 1, 1)
    (dncl,) = body["_embedded"]["do_not_call_lists"]
    native = api.get("/v1/suppression-lists").json()["data"]
    assert [(x["id"], x["is_default"]) for x in native] == [(int(dncl["id"]), True)]
    assert (dncl["name"], dncl["status"], dncl["entries_count"], dncl["teams"]) == (
        "Do not call",
        "ACCEPTED",
        0,
        [],
    )
    assert dncl["_links"]["self"]["href"].endswith(
        f"/compat/talkdesk/do-not-call-lists/{dncl['id']}"
    )


def test_a_list_is_created_read_and_paged(api: TestClient) -> None:
    response = api.post(
        DNCL, json={"name": " Litigators ", "csv_metadata": {"filename": "dnc.csv"}}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["id"].isdigit()
    assert (created["name"], created["status"], created["signed_url"]) == (
        "Litigators",
        "ACCEPTED",
        None,
    )
    assert {"created_at", "updated_at", "entries_count", "_links"} <= set(created)
    add_entry(api, created["id"], "+12125550100")
    got = api.get(f"{DNCL}/{created['id']}").json()
    assert (got["id"], got["name"], got["entries_count"]) == (created["id"], "Litigators", 1)
    first = api.get(DNCL, params={"per_page": 1}).json()
    assert (first["total"], first["count"], first["total_pages"]) == (2, 1, 2)
    second = api.get(first["_links"]["next"]["href"]).json()
    assert [x["id"] for x in second["_embedded"]["do_not_call_lists"]] == [created["id"]]
    assert "next" not in second["_links"]
    native = api.get(f"/v1/suppression-lists/{created['id']}").json()
    assert (native["name"], native["is_default"]) == ("Litigators", False)


def test_deleting_a_list_deletes_its_entries_but_the_default_list_stays(
    api: TestClient,
) -> None:
    default = default_dncl(api)
    body = assert_error(api.delete(f"{DNCL}/{default}"), 409)
    assert body["code"] == "default_list"
    other = make_dncl(api)
    add_entry(api, other, "+12125550100")
    assert api.get("/v1/suppressions/check", params={"number": "2125550100"}).json()["suppressed"]
    assert api.delete(f"{DNCL}/{other}").status_code == 204
    assert_error(api.get(f"{DNCL}/{other}"), 404)
    assert_error(api.delete(f"{DNCL}/{other}"), 404)
    check = api.get("/v1/suppressions/check", params={"number": "2125550100"}).json()
    assert check["suppressed"] is False
    assert api.get(f"{DNCL}/{default}").status_code == 200


# -- entries ---------------------------------------------------------------------------------


def test_an_entry_is_added_read_and_listed(api: TestClient) -> None:
    list_id = make_dncl(api)
    entry = add_entry(
        api,
        list_id,
        "(212) 555-0100",
        expiration_date="2030-12-31",
        reason="custom request",
    )
    assert entry["id"].isdigit()
    assert (
        entry["do_not_call_list_id"],
        entry["phone_number"],
        entry["expiration_date"],
        entry["reason"],
    ) == (list_id, "+12125550100", "2030-12-31", "custom request")
    assert set(entry) == {
        "id",
        "do_not_call_list_id",
        "phone_number",
        "reason",
        "expiration_date",
        "created_at",
        "_links",
    }
    href = entry["_links"]["self"]["href"]
    assert href.endswith(f"/do-not-call-lists/{list_id}/entries/{entry['id']}")
    assert api.get(href).json() == entry
    # The canonical entry: in force through the whole of 2030-12-31 (UTC).
    native = api.get(f"/v1/suppressions/{entry['id']}").json()
    assert (native["number"], native["expires_at"], native["source"]) == (
        "+12125550100",
        "2031-01-01T00:00:00Z",
        "dialect",
    )
    page = api.get(f"{DNCL}/{list_id}/entries").json()
    assert (page["total"], page["count"]) == (1, 1)
    assert page["_embedded"]["entries"] == [entry]


def test_an_entry_without_expiration_never_expires_and_a_second_add_refreshes_it(
    api: TestClient,
) -> None:
    list_id = make_dncl(api)
    first = add_entry(api, list_id, "+12125550100", expiration_date="2030-07-01")
    again = add_entry(api, list_id, "212.555.0100", reason="asked twice")
    assert again["id"] == first["id"]
    assert (again["expiration_date"], again["reason"]) == (None, "asked twice")
    assert api.get(f"/v1/suppressions/{first['id']}").json()["expires_at"] is None
    assert api.get(f"{DNCL}/{list_id}").json()["entries_count"] == 1


def test_entries_added_through_v1_read_as_entries_with_their_last_day(api: TestClient) -> None:
    list_id = default_dncl(api)
    native = api.post(
        "/v1/suppressions", json={"number": "+12125550100", "expires_at": "2030-07-01T15:00:00Z"}
    ).json()
    entry = api.get(f"{DNCL}/{list_id}/entries/{native['id']}").json()
    assert (entry["phone_number"], entry["expiration_date"]) == ("+12125550100", "2030-07-01")
    api.patch(f"/v1/suppressions/{native['id']}", json={"expires_at": "2030-07-02T00:00:00Z"})
    entry = api.get(f"{DNCL}/{list_id}/entries/{native['id']}").json()
    assert entry["expiration_date"] == "2030-07-01"


def test_the_last_accepted_expiration_date_round_trips(api: TestClient) -> None:
    list_id = make_dncl(api)
    entry = add_entry(api, list_id, "+12125550100", expiration_date="9998-12-31")
    assert entry["expiration_date"] == "9998-12-31"
    native = api.get(f"/v1/suppressions/{entry['id']}").json()
    assert native["expires_at"] == "9999-01-01T00:00:00Z"
    assert listed(api, list_id, "+12125550100") == ["+12125550100"]
    huge = api.request("DELETE", f"{DNCL}/{list_id}/entries", json=[{"id": 10**30}])
    assert (huge.status_code, huge.json()["total_errors"]) == (200, 1)


def test_entries_are_paged_oldest_first(api: TestClient) -> None:
    list_id = make_dncl(api)
    numbers = [f"+1212555{i:04d}" for i in range(5)]
    ids = [add_entry(api, list_id, n)["id"] for n in numbers]
    page = api.get(f"{DNCL}/{list_id}/entries", params={"per_page": 2, "page": 2}).json()
    assert (page["total"], page["count"], page["page"], page["total_pages"]) == (5, 2, 2, 3)
    assert [e["id"] for e in page["_embedded"]["entries"]] == ids[2:4]
    assert {"prev", "next", "first", "last", "self"} == set(page["_links"])
    last = api.get(page["_links"]["last"]["href"]).json()
    assert [e["phone_number"] for e in last["_embedded"]["entries"]] == numbers[4:]
    beyond = api.get(f"{DNCL}/{list_id}/entries", params={"page": 9}).json()
    assert (beyond["total"], beyond["_embedded"]["entries"]) == (5, [])


def test_a_list_of_entries_is_added_all_or_none(api: TestClient) -> None:
    list_id = make_dncl(api)
    bad = api.post(
        f"{DNCL}/{list_id}/entries",
        json=[
            {"phone_number": "+12125550100"},
            {"phone_number": "12"},
            {"phone_number": "+12125550102", "expiration_date": "2030-02-30"},
            {"phone_number": "+12125550103", "expiration_date": "2030-06-02"},
            "not an entry",
        ],
    )
    assert_error(bad, 400, "[1].phone_number", "[2].expiration_date", "[3].expiration_date", "[4]")
    assert api.get(f"{DNCL}/{list_id}").json()["entries_count"] == 0
    add_entry(api, list_id, "+12125550100")
    response = api.post(
        f"{DNCL}/{list_id}/entries",
        json=[
            {"phone_number": "+1 212 555 0100", "reason": "again"},
            {"phone_number": "(212) 555-0101", "expiration_date": "2030-06-03"},
            {"phone_number": "+12125550101", "reason": "twice in one request"},
        ],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["do_not_call_list_id"], body["total_created"], body["total_updated"]) == (
        list_id,
        1,
        2,
    )
    entries = body["_embedded"]["entries"]
    assert [(e["phone_number"], e["reason"]) for e in entries] == [
        ("+12125550100", "again"),
        ("+12125550101", "twice in one request"),
    ]
    assert api.get(f"{DNCL}/{list_id}").json()["entries_count"] == 2
    assert_error(api.post(f"{DNCL}/{list_id}/entries", json=[]), 400, "body")
    too_many = [{"phone_number": f"+1212555{i:04d}"} for i in range(101)]
    assert_error(api.post(f"{DNCL}/{list_id}/entries", json=too_many), 413, "body")


def test_an_entry_is_patched(api: TestClient) -> None:
    list_id = make_dncl(api)
    entry = add_entry(api, list_id, "+12125550100", expiration_date="2030-12-31", reason="x")
    path = f"{DNCL}/{list_id}/entries/{entry['id']}"
    # Talkdesk's own example.
    response = api.patch(
        path, json=[{"op": "replace", "path": "/expiration_date", "value": "2030-11-30"}]
    )
    assert response.status_code == 200, response.text
    assert response.json()["expiration_date"] == "2030-11-30"
    assert api.get(f"/v1/suppressions/{entry['id']}").json()["expires_at"] == "2030-12-01T00:00:00Z"
    patched = api.patch(
        path,
        json=[
            {"op": "remove", "path": "/expiration_date"},
            {"op": "replace", "path": "/reason", "value": "asked on the phone"},
        ],
    ).json()
    assert (patched["expiration_date"], patched["reason"]) == (None, "asked on the phone")
    assert patched["phone_number"] == "+12125550100"
    cleared = api.patch(path, json=[{"op": "add", "path": "/reason", "value": None}]).json()
    assert cleared["reason"] is None


@pytest.mark.parametrize(
    ("op", "name"),
    [
        ({"op": "replace", "path": "/phone_number", "value": "+12125550199"}, "[0].path"),
        ({"op": "replace", "path": "/id", "value": "1"}, "[0].path"),
        ({"op": "replace", "path": "/timezone", "value": "UTC"}, "[0].path"),
        ({"op": "replace", "path": "", "value": {}}, "[0].path"),
        ({"op": "replace", "path": "reason", "value": "x"}, "[0].path"),
        ({"op": "replace", "path": "/reason"}, "[0].value"),
        ({"op": "move", "path": "/reason", "from": "/reason"}, "[0]"),
    ],
)
def test_a_bad_entry_patch_document_is_400(api: TestClient, op: dict[str, Any], name: str) -> None:
    list_id = make_dncl(api)
    entry = add_entry(api, list_id, "+12125550100", reason="kept")
    response = api.patch(f"{DNCL}/{list_id}/entries/{entry['id']}", json=[op])
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "invalid_data"
    assert [f["name"] for f in body["fields"]][0].startswith(name)
    assert api.get(f"{DNCL}/{list_id}/entries/{entry['id']}").json() == entry


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"path": "/expiration_date", "value": "31/12/2030"}, "expiration_date"),
        ({"path": "/expiration_date", "value": "2030-06-02"}, "expiration_date"),
        ({"path": "/expiration_date", "value": 20301231}, "expiration_date"),
        ({"path": "/expiration_date", "value": "9999-12-31"}, "expiration_date"),
        ({"path": "/reason", "value": "x" * 501}, "reason"),
        ({"path": "/reason", "value": 7}, "reason"),
    ],
)
def test_a_patch_leaving_an_invalid_entry_is_422(
    api: TestClient, value: dict[str, Any], field: str
) -> None:
    list_id = make_dncl(api)
    entry = add_entry(api, list_id, "+12125550100", expiration_date="2030-12-31")
    response = api.patch(
        f"{DNCL}/{list_id}/entries/{entry['id']}", json=[{"op": "replace", **value}]
    )
    body = assert_error(response, 422, field)
    assert (body["code"], body["message"]) == ("unprocessable_entry", "Unprocessable entity")
    assert api.get(f"{DNCL}/{list_id}/entries/{entry['id']}").json() == entry


def test_multiple_entries_are_updated_each_on_its_own(api: TestClient) -> None:
    list_id = make_dncl(api)
    a = add_entry(api, list_id, "+12125550100", expiration_date="2030-12-31")
    b = add_entry(api, list_id, "+12125550101", expiration_date="2030-12-31")
    c = add_entry(api, list_id, "+12125550102", expiration_date="2030-12-31")
    elsewhere = add_entry(api, make_dncl(api, "Other"), "+12125550103")
    response = api.patch(
        f"{DNCL}/{list_id}/entries",
        json=[
            {"op": "replace", "path": f"/{a['id']}/expiration_date", "value": "2030-12-01"},
            {"op": "replace", "path": f"/{a['id']}/reason", "value": "asked"},
            {"op": "replace", "path": f"/{b['id']}/expiration_date", "value": "2020-01-01"},
            {"op": "replace", "path": f"/{c['id']}/phone_number", "value": "+12125550199"},
            {"op": "replace", "path": f"/{elsewhere['id']}/reason", "value": "x"},
            {"op": "replace", "path": "/999999/expiration_date", "value": "2030-12-15"},
        ],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["do_not_call_list_id"], body["has_errors"]) == (list_id, True)
    assert (body["total_updated"], body["total_errors"]) == (1, 4)
    results = {e["id"]: e for e in body["_embedded"]["entries"]}
    assert list(results) == [a["id"], b["id"], c["id"], elsewhere["id"], "999999"]
    assert (results[a["id"]]["expiration_date"], results[a["id"]]["reason"]) == (
        "2030-12-01",
        "asked",
    )
    assert results[a["id"]]["errors"] == []
    assert results[b["id"]]["errors"] == ["EXPIRATION_DATE_INVALID"]
    assert results[b["id"]]["expiration_date"] == "2030-12-31"  # unchanged
    assert results[c["id"]]["un_allowed_patch"]["path"] == "/phone_number"
    assert results[elsewhere["id"]]["errors"] == ["ENTRY_NOT_FOUND"]
    assert results["999999"]["errors"] == ["ENTRY_NOT_FOUND"]
    assert api.get(f"{DNCL}/{list_id}/entries/{c['id']}").json() == c
    malformed = api.patch(
        f"{DNCL}/{list_id}/entries", json=[{"op": "replace", "path": "/reason", "value": "x"}]
    )
    assert_error(malformed, 400, "[0].path")


def test_entries_are_deleted_in_bulk_and_one_by_one(api: TestClient) -> None:
    list_id = make_dncl(api)
    a = add_entry(api, list_id, "+12125550100")
    b = add_entry(api, list_id, "+12125550101")
    c = add_entry(api, list_id, "+12125550102")
    other = add_entry(api, make_dncl(api, "Other"), "+12125550100")
    response = api.request(
        "DELETE",
        f"{DNCL}/{list_id}/entries",
        json=[
            {"id": a["id"]},
            {"id": int(a["id"])},
            {"phone_number": "(212) 555-0101"},
            {"id": other["id"]},
            {"id": "nope"},
            {"phone_number": "+12125550199"},
            {"phone_number": "12"},
        ],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["has_errors"], body["total_deleted"], body["total_errors"]) == (
        list_id,
        True,
        2,
        4,
    )
    assert body["_links"]["record_list"]["href"].endswith(f"/do-not-call-lists/{list_id}")
    failed = body["_embedded"]["failed_records"]
    assert [f.get("id") or f.get("phone_number") for f in failed] == [
        other["id"],
        "nope",
        "+12125550199",
        "12",
    ]
    assert all(f["description"] for f in failed)
    remaining = api.get(f"{DNCL}/{list_id}/entries").json()["_embedded"]["entries"]
    assert [e["id"] for e in remaining] == [c["id"]]
    assert api.get(f"/v1/suppressions/{other['id']}").status_code == 200  # other list untouched
    assert_error(
        api.request("DELETE", f"{DNCL}/{list_id}/entries", json=[{"id": "1", "phone_number": "1"}]),
        400,
        "[0]",
    )
    too_many = [{"id": str(i)} for i in range(101)]
    assert_error(api.request("DELETE", f"{DNCL}/{list_id}/entries", json=too_many), 413, "body")
    assert api.delete(f"{DNCL}/{list_id}/entries/{c['id']}").status_code == 204
    assert_error(api.delete(f"{DNCL}/{list_id}/entries/{c['id']}"), 404)
    assert_error(api.delete(f"{DNCL}/{list_id}/entries/{b['id']}"), 404)


# -- queries ---------------------------------------------------------------------------------


def test_a_query_answers_which_numbers_are_listed(api: TestClient) -> None:
    list_id = make_dncl(api)
    add_entry(api, list_id, "+12125550100")
    add_entry(api, list_id, "+12125550101", expiration_date="2030-06-03")  # ends tonight
    add_entry(api, make_dncl(api, "Other"), "+12125550102")
    # Any format, each number once, in the order asked; other lists do not count.
    assert listed(
        api, list_id, "(212) 555-0101", "+12125550102", "212.555.0100", "+1 212 555 0101"
    ) == ["+12125550101", "+12125550100"]
    response = query(api, list_id, "+12125550100", "+12125550101", per_page=1, page=2)
    body = response.json()
    assert (body["total"], body["count"], body["page"], body["total_pages"]) == (2, 1, 2, 2)
    assert body["_links"]["self"]["href"].split("?")[0].endswith(f"/{list_id}/entries/queries")
    # The timezone is optional and does not narrow the answer.
    plain = api.post(
        f"{DNCL}/{list_id}/entries/queries",
        json={
            "phone_numbers": [
                {"phone_number": "+12125550100"},
                {"phone_number": "+12125550101", "timezone": "Asia/Tokyo"},
            ]
        },
    )
    assert [e["phone_number"] for e in plain.json()["_embedded"]["entries"]] == [
        "+12125550100",
        "+12125550101",
    ]
    # An entry is in force through its expiration date (UTC), and no longer after it.
    with clock.frozen(dt.datetime(2030, 6, 3, 23, 59, 59, tzinfo=dt.UTC)):
        assert listed(api, list_id, "+12125550101") == ["+12125550101"]
    with clock.frozen(dt.datetime(2030, 6, 4, 0, 0, tzinfo=dt.UTC)):
        assert listed(api, list_id, "+12125550101", "+12125550100") == ["+12125550100"]
        # Still an entry of the list, shown with its date.
        entries = api.get(f"{DNCL}/{list_id}/entries").json()["_embedded"]["entries"]
        assert [e["expiration_date"] for e in entries] == [None, "2030-06-03"]


def test_bad_queries_are_400(api: TestClient) -> None:
    list_id = make_dncl(api)
    path = f"{DNCL}/{list_id}/entries/queries"
    bad = api.post(
        path,
        json={
            "phone_numbers": [
                {"phone_number": "nope", "timezone": "Mars/Olympus"},
                {"phone_number": "+12125550100", "timezone": "europe/lisbon"},
            ]
        },
    )
    assert_error(bad, 400, "phone_numbers[0].phone_number", "phone_numbers[0].timezone")
    assert_error(api.post(path, json={"phone_numbers": []}), 400, "phone_numbers")
    assert_error(api.post(path, json={}), 400, "phone_numbers")
    assert_error(
        api.post(path, json={"phone_numbers": [{"timezone": "UTC"}]}),
        400,
        "phone_numbers[0].phone_number",
    )
    many = {"phone_numbers": [{"phone_number": "+12125550100"}] * 101}
    assert_error(api.post(path, json=many), 413, "phone_numbers")
    assert_error(
        api.post(
            f"{DNCL}/999999/entries/queries",
            json={"phone_numbers": [{"phone_number": "+12125550100"}]},
        ),
        404,
    )


# -- bad input and isolation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"phone_number": "not a phone"}, ["phone_number"]),
        ({"phone_number": "12"}, ["phone_number"]),
        ({"phone_number": ""}, ["phone_number"]),
        ({}, ["phone_number"]),
        ({"phone_number": "+12125550100", "expiration_date": "2030-13-01"}, ["expiration_date"]),
        ({"phone_number": "+12125550100", "expiration_date": "31/12/2030"}, ["expiration_date"]),
        (
            {"phone_number": "+12125550100", "expiration_date": "2030-12-31T00:00:00Z"},
            ["expiration_date"],
        ),
        ({"phone_number": "+12125550100", "expiration_date": "2021-12-31"}, ["expiration_date"]),
        ({"phone_number": "+12125550100", "expiration_date": "9999-12-31"}, ["expiration_date"]),
        ({"phone_number": "+12125550100", "reason": "x" * 501}, ["reason"]),
        ({"phone_number": "+12125550100", "timezone": "UTC"}, ["timezone"]),
    ],
)
def test_bad_entries_are_400(api: TestClient, body: dict[str, Any], names: list[str]) -> None:
    list_id = make_dncl(api)
    response = api.post(f"{DNCL}/{list_id}/entries", json=body)
    assert assert_error(response, 400, *names)["code"] == "invalid_data"
    assert api.get(f"{DNCL}/{list_id}").json()["entries_count"] == 0


def test_bad_lists_and_paging_are_400(api: TestClient) -> None:
    assert_error(api.post(DNCL, json={}), 400, "name")
    assert_error(api.post(DNCL, json={"name": "   "}), 400, "name")
    assert_error(api.post(DNCL, json={"name": "x" * 201}), 400, "name")
    assert_error(api.post(DNCL, json={"name": "x", "owner": "me"}), 400, "owner")
    malformed = api.post(DNCL, content=b"{", headers={"Content-Type": "application/json"})
    assert assert_error(malformed, 400)["code"] == "malformed_request"
    list_id = make_dncl(api)
    assert_error(api.get(f"{DNCL}/{list_id}/entries", params={"per_page": 201}), 400, "per_page")
    assert_error(api.get(DNCL, params={"page": 0}), 400, "page")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/999999"),
        ("GET", "/not-a-list"),
        ("GET", "/99999999999999999999999999"),
        ("GET", "/\u00b2"),
        ("DELETE", "/999999"),
        ("GET", "/999999/entries"),
        ("GET", "/{list}/entries/999999"),
        ("GET", "/{list}/entries/abc"),
        ("GET", "/{list}/entries/queries"),
        ("GET", "/{list}/entries/99999999999999999999999999"),
        ("DELETE", "/{list}/entries/999999"),
        ("GET", "/{list}/entries/{entry}/extra"),
        ("GET", "/{other}/entries/{entry}"),
    ],
)
def test_unknown_lists_and_entries_are_404(api: TestClient, method: str, path: str) -> None:
    list_id = make_dncl(api)
    other = make_dncl(api, "Other")
    entry = add_entry(api, list_id, "+12125550100")
    url = DNCL + path.format(list=list_id, other=other, entry=entry["id"])
    body = assert_error(api.request(method, url), 404)
    assert body["code"] == "not_found"


def test_unknown_lists_are_404_for_writes_too(api: TestClient) -> None:
    entry = {"phone_number": "+12125550100"}
    assert_error(api.post(f"{DNCL}/999999/entries", json=entry), 404)
    assert_error(api.post(f"{DNCL}/999999/entries", json=[entry]), 404)
    op = [{"op": "replace", "path": "/reason", "value": "x"}]
    assert_error(api.patch(f"{DNCL}/999999/entries/1", json=op), 404)
    assert_error(api.patch(f"{DNCL}/999999/entries", json=[]), 404)
    assert_error(api.request("DELETE", f"{DNCL}/999999/entries", json=[{"id": "1"}]), 404)
    assert_error(api.put(DNCL), 405)


def test_another_workspaces_lists_and_entries_are_404(api: TestClient, db: Database) -> None:
    list_id = make_dncl(api)
    entry = add_entry(api, list_id, "+12125550100")
    default = default_dncl(api)
    db.run_write(onboarding.create_workspace, name="other")
    key = make_key(db, scopes=["contacts:read", "lists:manage"], workspace="other")
    headers = {"Authorization": f"Bearer {key}"}
    for path in (
        f"{DNCL}/{list_id}",
        f"{DNCL}/{default}",
        f"{DNCL}/{list_id}/entries",
        f"{DNCL}/{list_id}/entries/{entry['id']}",
    ):
        assert_error(api.get(path, headers=headers), 404)
    one = {"phone_numbers": [{"phone_number": "+12125550100"}]}
    assert_error(api.post(f"{DNCL}/{list_id}/entries/queries", json=one, headers=headers), 404)
    assert_error(
        api.post(f"{DNCL}/{list_id}/entries", json={"phone_number": "+1"}, headers=headers), 404
    )
    op = [{"op": "remove", "path": "/reason"}]
    assert_error(
        api.patch(f"{DNCL}/{list_id}/entries/{entry['id']}", json=op, headers=headers), 404
    )
    assert_error(
        api.request(
            "DELETE", f"{DNCL}/{list_id}/entries", json=[{"id": entry["id"]}], headers=headers
        ),
        404,
    )
    assert_error(api.delete(f"{DNCL}/{list_id}", headers=headers), 404)
    # The other workspace sees its own default list only, and its own entries.
    theirs = api.get(DNCL, headers=headers).json()["_embedded"]["do_not_call_lists"]
    assert [x["id"] for x in theirs] != [default]
    assert len(theirs) == 1
    assert listed(api, list_id, "+12125550100") == ["+12125550100"]
    assert api.get(f"{DNCL}/{list_id}/entries/{entry['id']}").json() == entry


def test_scopes_follow_the_native_suppression_api(client: TestClient, db: Database) -> None:
    reader = {"Authorization": f"Bearer {make_key(db, scopes=['contacts:read'])}"}
    writer = {"Authorization": f"Bearer {make_key(db, scopes=['contacts:write'])}"}
    manager = {"Authorization": f"Bearer {make_key(db, scopes=['lists:manage'])}"}
    assert client.get(DNCL, headers=reader).status_code == 200
    assert_error(client.post(DNCL, json={"name": "x"}, headers=reader), 403)
    assert_error(client.post(DNCL, json={"name": "x"}, headers=writer), 403)
    created = client.post(DNCL, json={"name": "x"}, headers=manager)
    assert created.status_code == 201
    list_id = created.json()["id"]
    entry = {"phone_number": "+12125550100"}
    assert_error(client.post(f"{DNCL}/{list_id}/entries", json=entry, headers=reader), 403)
    assert client.post(f"{DNCL}/{list_id}/entries", json=entry, headers=manager).status_code == 201
    one = {"phone_numbers": [entry]}
    answer = client.post(f"{DNCL}/{list_id}/entries/queries", json=one, headers=reader)
    assert answer.json()["total"] == 1
    assert_error(client.get(f"{DNCL}/{list_id}/entries", headers=manager), 403)


# -- the dial queue ----------------------------------------------------------------------------


def callable_list(api: TestClient) -> str:
    lst = create_list(
        api,
        name="Dialing",
        default_timezone="Atlantic/Reykjavik",
        calling_window={"start": "00:00", "end": "23:59"},
    )
    return str(lst["id"])


def phones(number: str) -> list[dict[str, str]]:
    return [{"phone_number": number, "phone_type": "MOBILE"}]


def claim_now(api: TestClient, list_id: str) -> list[str]:
    response = api.post(f"/v1/lists/{list_id}/queue/claim", json={"count": 10, "agent": "a"})
    assert response.status_code == 200, response.text
    return [str(lease["contact"]["id"]) for lease in response.json()["leases"]]


def claim_at(db: Database, caller: Caller, list_id: str, now: dt.datetime) -> list[str]:
    result = db.run_write(
        queue_service.claim,
        caller=caller,
        list_id=int(list_id),
        request=ClaimRequest(count=10, agent="a", lease_seconds=60),
        now=now,
    )
    return [str(lease.contact.id) for lease in result.leases]


def test_a_listed_number_is_not_dialed_until_its_expiration_date_has_passed(
    api: TestClient, db: Database, caller: Caller
) -> None:
    list_id = callable_list(api)
    jane = create_record(api, list_id, phone_numbers=phones("+14155552671"))
    john = create_record(api, list_id, first_name="John", phone_numbers=phones("+14155552672"))
    dncl = make_dncl(api)
    add_entry(api, dncl, "(415) 555-2671", expiration_date="2030-06-10", reason="asked")
    assert claim_now(api, list_id) == [john["id"]]
    assert jane["id"] not in claim_at(
        db, caller, list_id, dt.datetime(2030, 6, 7, 9, 30, tzinfo=dt.UTC)
    )
    # In force through the whole expiration date (UTC) ...
    last_day = dt.datetime(2030, 6, 10, 23, 30, tzinfo=dt.UTC)
    assert jane["id"] not in claim_at(db, caller, list_id, last_day)
    # ... and callable again once it has passed.
    next_day = dt.datetime(2030, 6, 11, 0, 30, tzinfo=dt.UTC)
    assert jane["id"] in claim_at(db, caller, list_id, next_day)


def test_numbers_added_in_bulk_to_the_default_list_are_never_dialed(
    api: TestClient, db: Database, caller: Caller
) -> None:
    list_id = callable_list(api)
    jane = create_record(api, list_id, phone_numbers=phones("+14155552671"))
    john = create_record(api, list_id, first_name="John", phone_numbers=phones("+14155552672"))
    ann = create_record(api, list_id, first_name="Ann", phone_numbers=phones("+14155552673"))
    response = api.post(
        f"{DNCL}/{default_dncl(api)}/entries",
        json=[{"phone_number": "4155552671"}, {"phone_number": "+1 415-555-2673"}],
    )
    assert response.status_code == 201, response.text
    assert claim_now(api, list_id) == [john["id"]]
    far_future = dt.datetime(2090, 1, 1, 12, 30, tzinfo=dt.UTC)
    assert claim_at(db, caller, list_id, far_future) == [john["id"]]
    # Deleting the entry (by phone number) makes the number callable again.
    deleted = api.request(
        "DELETE", f"{DNCL}/{default_dncl(api)}/entries", json=[{"phone_number": "+14155552673"}]
    )
    assert deleted.json()["total_deleted"] == 1
    later = far_future + dt.timedelta(hours=1)
    assert sorted(claim_at(db, caller, list_id, later)) == sorted([john["id"], ann["id"]])
    assert jane["id"] not in claim_at(db, caller, list_id, later + dt.timedelta(hours=1))


def test_a_patch_that_extends_an_entry_keeps_the_number_out_of_the_queue(
    api: TestClient, db: Database, caller: Caller
) -> None:
    list_id = callable_list(api)
    jane = create_record(api, list_id, phone_numbers=phones("+14155552671"))
    dncl = make_dncl(api)
    entry = add_entry(api, dncl, "+14155552671", expiration_date="2030-06-03")
    tomorrow = dt.datetime(2030, 6, 4, 12, 30, tzinfo=dt.UTC)
    patch = [{"op": "replace", "path": "/expiration_date", "value": "2030-06-04"}]
    assert api.patch(f"{DNCL}/{dncl}/entries/{entry['id']}", json=patch).status_code == 200
    assert claim_at(db, caller, list_id, tomorrow) == []
    assert claim_at(db, caller, list_id, tomorrow + dt.timedelta(days=1)) == [jane["id"]]
