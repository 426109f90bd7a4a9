"""The event log through the HTTP API: every write records its event, the feed pages it,
long-polls, filters, and answers 410 once retention removed what a cursor needs."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.events import retention
from dialbook.kit import clock
from dialbook.workspaces import service as workspace_service
from tests.conftest import create_list

WEDNESDAY_NOON = dt.datetime(2026, 6, 3, 16, 0, tzinfo=dt.UTC)  # 12:00 in New York


def feed(api: TestClient, **params: Any) -> dict[str, Any]:
    response = api.get("/v1/events", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def types_of(page: dict[str, Any]) -> list[str]:
    return [event["type"] for event in page["data"]]


def test_each_write_records_one_event_in_id_order(api: TestClient) -> None:
    head = feed(api)["next_cursor"]  # the default list's list.created, from the bootstrap
    lst = create_list(api)
    created = api.post(
        "/v1/contacts", json={"list_id": lst["id"], "phones": ["+12125550100"]}
    ).json()
    api.patch(f"/v1/contacts/{created['id']}", json={"first_name": "Ann"})
    api.patch(f"/v1/contacts/{created['id']}", json={"dnc": True})
    api.patch(f"/v1/lists/{lst['id']}", json={"name": "Renamed"})
    api.delete(f"/v1/contacts/{created['id']}")
    page = feed(api, after=head)
    assert types_of(page) == [
        "list.created",
        "contact.created",
        "contact.updated",
        "contact.updated",
        "contact.dnc_changed",
        "list.updated",
        "contact.deleted",
    ]
    ids = [event["id"] for event in page["data"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert page["next_cursor"] == str(ids[-1])
    named = page["data"][2]
    assert named["changes"] == {"first_name": [None, "Ann"], "full_name": [None, "Ann"]}
    assert named["data"]["first_name"] == "Ann"
    assert named["version"] == 2
    assert page["data"][4]["changes"] == {"dnc": [False, True]}
    # Nothing newer: the same cursor comes back, so a reader can poll with it.
    assert feed(api, after=page["next_cursor"]) == {"data": [], "next_cursor": str(ids[-1])}


def test_the_feed_pages_and_filters(api: TestClient) -> None:
    first, second = create_list(api, name="one"), create_list(api, name="two")
    for i in range(5):
        lst = first if i % 2 == 0 else second
        phone = f"+1212555010{i}"
        assert api.post("/v1/contacts", json={"list_id": lst["id"], "phones": [phone]}).is_success
    seen: list[int] = []
    cursor = "0"
    while True:
        page = feed(api, after=cursor, limit=2, types="contact.created")
        if not page["data"]:
            break
        assert len(page["data"]) <= 2
        seen += [event["contact_id"] for event in page["data"]]
        cursor = page["next_cursor"]
    assert len(seen) == 5 == len(set(seen))
    only_first = feed(api, list_id=first["id"], types="contact.created,list.created")
    assert types_of(only_first) == ["list.created"] + ["contact.created"] * 3
    assert {event["list_id"] for event in only_first["data"]} == {first["id"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"types": "contact.created,contact.exploded"}, "types"),
        ({"after": "-1"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"wait": "31"}, "wait"),
    ],
)
def test_a_bad_feed_query_names_its_field(
    api: TestClient, params: dict[str, str], field: str
) -> None:
    response = api.get("/v1/events", params=params)
    assert response.status_code == 422
    assert response.json()["fields"][0]["name"] == field


def test_wait_returns_as_soon_as_an_event_commits(api: TestClient) -> None:
    head = feed(api)["next_cursor"]
    writer = threading.Timer(0.3, lambda: api.post("/v1/lists", json={"name": "late"}))
    writer.start()
    try:
        page = feed(api, after=head, wait=20)
    finally:
        writer.join()
    assert types_of(page) == ["list.created"]


def test_wait_ends_empty_when_nothing_happens(api: TestClient) -> None:
    head = feed(api)["next_cursor"]
    assert feed(api, after=head, wait=0.2) == {"data": [], "next_cursor": head}


def test_a_cursor_older_than_retention_gets_410(api: TestClient, db: Database) -> None:
    with clock.frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        create_list(api, name="old")
        create_list(api, name="older")
    create_list(api, name="new")
    # Retention removes a prefix of ids: through the newest old event (3), so the default
    # list's event (1, made at bootstrap) goes too, and the cursor 3 reads on without a gap.
    pruned = db.run_write(retention.prune, days=30, workspace_ids=workspace_service.all_ids)
    assert pruned == 3
    response = api.get("/v1/events", params={"after": "0"})
    assert response.status_code == 410
    assert response.json()["error"] == "gone"
    assert "retention" in response.json()["detail"]
    # The newest event survives and the cursor the 410 names reads on.
    kept = feed(api, after="3")
    assert "after=3" in response.json()["detail"]
    assert types_of(kept) == ["list.created"]
    assert kept["data"][0]["data"]["name"] == "new"


def test_an_outcome_bumps_the_version_keeps_the_notes_and_refuses_stale_writes(
    api: TestClient,
) -> None:
    lst = create_list(api, max_attempts=3)
    with clock.frozen(WEDNESDAY_NOON - dt.timedelta(days=1)):
        contact = api.post(
            "/v1/contacts",
            json={"list_id": lst["id"], "phones": ["+12125550100"], "timezone": "America/New_York"},
        ).json()
    with clock.frozen(WEDNESDAY_NOON):
        leases = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 1}).json()
        lease_id = leases["leases"][0]["lease_id"]
        answer = api.post(
            f"/v1/queue/leases/{lease_id}/outcome",
            json={"outcome": "no_answer", "notes": "rang out"},
        )
    assert answer.status_code == 200, answer.text
    url = f"/v1/contacts/{contact['id']}"
    assert api.get(url).json()["version"] == 2
    stale = api.patch(url, json={"first_name": "Old"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    history = api.get(f"{url}/history").json()["data"]
    assert [e["type"] for e in history] == [
        "contact.created",
        "queue.claimed",
        "queue.outcome_recorded",
    ]
    recorded = history[-1]
    assert recorded["version"] == 2
    assert recorded["data"]["outcome"] == "no_answer"
    assert recorded["data"]["notes"] == "rang out"
    assert recorded["data"]["lease_id"] == lease_id
    assert recorded["data"]["contact"]["attempts"] == 1


def test_publish_and_list_delete_record_events(api: TestClient) -> None:
    lst = create_list(api, name="held", queue_mode="on_publish")
    for phone in ("+12125550100", "+12125550101"):
        assert api.post("/v1/contacts", json={"list_id": lst["id"], "phones": [phone]}).is_success
    head = feed(api)["next_cursor"]
    assert api.post(f"/v1/lists/{lst['id']}/publish").status_code == 200
    assert types_of(feed(api, after=head)) == ["contact.updated"] * 2 + ["list.published"]
    head = feed(api)["next_cursor"]
    assert api.delete(f"/v1/lists/{lst['id']}").status_code == 204
    assert types_of(feed(api, after=head)) == ["contact.deleted"] * 2 + ["list.deleted"]


def test_suppressions_record_added_and_removed(api: TestClient) -> None:
    head = feed(api)["next_cursor"]
    added = api.post("/v1/suppressions", json={"number": "+12125550100"})
    assert added.status_code == 201, added.text
    assert api.delete(f"/v1/suppressions/{added.json()['id']}").status_code == 204
    page = feed(api, after=head)
    assert types_of(page) == ["suppression.added", "suppression.removed"]
    assert page["data"][0]["data"]["number"] == "+12125550100"
