"""Webhooks end to end: endpoints over the API, deliveries by the worker inside the app to a
real HTTP receiver on 127.0.0.1, verified with the standardwebhooks package as a receiver
would. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from tests.conftest import create_list
from tests.metrics import sample
from tests.webhooks.receiver import Received, Receiver


@pytest.fixture
def hooks(db: Database, admin_key: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app with private targets allowed (the receiver is on loopback) and the retry
    schedule shortened a thousandfold (5 s -> 5 ms, 5 min -> 0.3 s)."""
    settings = Settings(
        data_dir=tmp_path / "data",
        key_cache_seconds=0.0,
        webhooks_allow_private=True,
        webhook_retry_scale=0.001,
        webhook_timeout=5.0,
    )
    with TestClient(create_app(settings, db=db)) as client:
        client.headers["Authorization"] = f"Bearer {admin_key}"
        yield client


def subscribe(api: TestClient, url: str, **body: Any) -> dict[str, Any]:
    response = api.post("/v1/webhook-endpoints", json={"url": url, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def add_contact(api: TestClient, phone: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/contacts", json={"phones": [phone], **fields})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def verified(secret: str, got: Received) -> Any:
    return Webhook(secret).verify(got.body, got.headers)


def deliveries(api: TestClient, endpoint_id: int) -> list[dict[str, Any]]:
    response = api.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def settled(api: TestClient, endpoint_id: int, count: int, timeout: float = 30) -> list[Any]:
    """The endpoint's deliveries once ``count`` of them are no longer pending."""
    deadline = time.monotonic() + timeout
    while True:
        found = deliveries(api, endpoint_id)
        if sum(d["status"] != "pending" for d in found) >= count:
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


# -- managing endpoints -------------------------------------------------------------------


def test_an_endpoint_is_made_read_changed_and_deleted(hooks: TestClient) -> None:
    created = subscribe(
        hooks, "https://crm.example.com/hook", events=["contact.created"], description="CRM"
    )
    assert created["secret"].startswith("whsec_")
    url = f"/v1/webhook-endpoints/{created['id']}"
    shown = hooks.get(url).json()
    assert "secret" not in shown
    assert shown["events"] == ["contact.created"]
    assert shown["enabled"] is True
    assert [e["id"] for e in hooks.get("/v1/webhook-endpoints").json()["data"]] == [created["id"]]
    changed = hooks.patch(url, json={"enabled": False, "list_ids": [1]}).json()
    assert changed["enabled"] is False
    assert changed["list_ids"] == [1]
    assert changed["disabled_reason"] == "disabled by an API call"
    assert hooks.delete(url).status_code == 204
    assert hooks.get(url).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://crm.example.com/hook"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://"}, "url"),
        ({"url": "https://crm.example.com", "events": ["contact.exploded"]}, "events[0]"),
        ({"url": "https://crm.example.com", "format": "zapier"}, "format"),
    ],
)
def test_bad_endpoints_are_refused_naming_the_field(
    hooks: TestClient, body: dict[str, Any], field: str
) -> None:
    response = hooks.post("/v1/webhook-endpoints", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["name"] == field


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost/hook",
    ],
)
def test_private_targets_are_refused_unless_allowed(api: TestClient, url: str) -> None:
    response = api.post("/v1/webhook-endpoints", json={"url": url})
    assert response.status_code == 422
    problem = response.json()["fields"][0]
    assert problem["name"] == "url"
    assert "DIALBOOK_WEBHOOKS_ALLOW_PRIVATE" in problem["detail"]


def test_a_key_without_admin_cannot_manage_endpoints(hooks: TestClient, db: Database) -> None:
    from tests.conftest import make_key

    writer = make_key(db, scopes=["contacts:read", "contacts:write", "lists:manage"])
    response = hooks.get("/v1/webhook-endpoints", headers={"Authorization": f"Bearer {writer}"})
    assert response.status_code == 403


# -- deliveries ---------------------------------------------------------------------------


def test_a_delivery_is_the_feed_event_signed_per_standard_webhooks(
    hooks: TestClient, receiver: Receiver
) -> None:
    endpoint = subscribe(hooks, receiver.url)
    contact = add_contact(hooks, "+12125550100", first_name="Ada")
    got = receiver.wait_for(1)[0]
    body = verified(endpoint["secret"], got)
    event = hooks.get("/v1/events", params={"types": "contact.created"}).json()["data"][0]
    assert body == event
    assert body["data"]["id"] == contact["id"]
    assert got.id == f"evt_{event['id']}"
    assert got.headers["content-type"] == "application/json"
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 60
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 32).verify(got.body, got.headers)
    [delivery] = settled(hooks, endpoint["id"], 1)
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 1
    assert delivery["response_status"] == 200
    assert delivery["duration_ms"] >= 0
    assert delivery["event_type"] == "contact.created"


def test_filters_choose_the_event_types_and_lists(hooks: TestClient, receiver: Receiver) -> None:
    chosen = create_list(hooks, name="chosen")
    other = create_list(hooks, name="other")
    subscribe(hooks, receiver.url, events=["contact.created"], list_ids=[chosen["id"]])
    add_contact(hooks, "+12125550100", list_id=other["id"])
    mine = add_contact(hooks, "+12125550101", list_id=chosen["id"])
    hooks.patch(f"/v1/contacts/{mine['id']}", json={"first_name": "Changed"})
    last = add_contact(hooks, "+12125550102", list_id=chosen["id"])
    got = receiver.wait_for(2)
    assert [r.json["data"]["id"] for r in got] == [mine["id"], last["id"]]
    assert {r.json["type"] for r in got} == {"contact.created"}


def test_failures_are_retried_with_the_same_webhook_id(
    hooks: TestClient, receiver: Receiver
) -> None:
    receiver.answer = lambda got: (500, {}) if len(receiver.received) <= 2 else (200, {})
    endpoint = subscribe(hooks, receiver.url)
    add_contact(hooks, "+12125550100")
    got = receiver.wait_for(3)
    assert len({r.id for r in got}) == 1
    [delivery] = settled(hooks, endpoint["id"], 1)
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 3
    assert delivery["error"] is None  # the error of the attempt that got through


def test_429_waits_as_long_as_retry_after_says(hooks: TestClient, receiver: Receiver) -> None:
    receiver.answer = lambda got: (
        (429, {"Retry-After": "1"}) if len(receiver.received) == 1 else (200, {})
    )
    subscribe(hooks, receiver.url)
    add_contact(hooks, "+12125550100")
    started = time.monotonic()
    receiver.wait_for(2)
    # The schedule alone would retry after 5 ms; Retry-After asked for a second.
    assert time.monotonic() - started >= 0.9


def test_redirects_are_not_followed(hooks: TestClient, receiver: Receiver) -> None:
    receiver.answer = lambda got: (307, {"Location": "http://127.0.0.1:1/elsewhere"})
    endpoint = subscribe(hooks, receiver.url)
    add_contact(hooks, "+12125550100")
    receiver.wait_for(2)  # retried, never sent elsewhere
    found = deliveries(hooks, endpoint["id"])
    assert "redirects are not followed" in found[0]["error"]
    assert all(r.headers.get("host", "").startswith("127.0.0.1") for r in receiver.received)


def test_410_disables_the_endpoint_with_an_event(hooks: TestClient, receiver: Receiver) -> None:
    receiver.answer = lambda got: (410, {})
    endpoint = subscribe(hooks, receiver.url)
    add_contact(hooks, "+12125550100")
    settled(hooks, endpoint["id"], 1)
    deadline = time.monotonic() + 10
    while hooks.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()["enabled"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    shown = hooks.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()
    assert "410" in shown["disabled_reason"]
    disabled = hooks.get("/v1/events", params={"types": "webhook_endpoint.disabled"}).json()
    assert disabled["data"][0]["data"]["id"] == endpoint["id"]
    assert len(receiver.received) == 1  # 410 is final: no retry


@pytest.mark.parametrize(
    "down", [2.0, pytest.param(60.0, marks=pytest.mark.slow)], ids=["2s", "a-minute"]
)
def test_a_receiver_that_was_down_gets_everything_in_order_per_contact(
    hooks: TestClient, receiver: Receiver, down: float
) -> None:
    # The schedule is shortened a thousandfold: tries at 0, 0.005, 0.3, 2.1, 9.3, 27, 63 s...
    down_until = time.monotonic() + down
    receiver.answer = lambda got: (503, {}) if time.monotonic() < down_until else (200, {})
    endpoint = subscribe(hooks, receiver.url)
    contacts = [add_contact(hooks, f"+1212555010{i}") for i in range(3)]
    for round_ in range(3):
        for contact in contacts:
            hooks.patch(f"/v1/contacts/{contact['id']}", json={"title": f"round {round_}"})
    expected = hooks.get("/v1/events", params={"types": "contact.created,contact.updated"})
    want = {e["id"] for e in expected.json()["data"]}
    found = settled(hooks, endpoint["id"], len(want), timeout=60 + 2 * down)
    assert {d["status"] for d in found} == {"delivered"}
    assert {int(got.id.removeprefix("evt_")) for got in receiver.received} == want
    for contact in contacts:
        # Every attempt, failed or not, in arrival order: a contact's later event is never
        # tried before its earlier one got through.
        mine = [
            int(got.id.removeprefix("evt_"))
            for got in receiver.received
            if got.json["contact_id"] == contact["id"]
        ]
        assert mine == sorted(mine), mine  # attempts of one contact's events never overtake


def test_rotating_the_secret_signs_with_both_for_a_day(
    hooks: TestClient, receiver: Receiver
) -> None:
    endpoint = subscribe(hooks, receiver.url)
    rotated = hooks.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret").json()
    until = dt.datetime.fromisoformat(rotated["previous_secret_valid_until"])
    assert dt.timedelta(hours=23) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=24)
    add_contact(hooks, "+12125550100")
    got = receiver.wait_for(1)[0]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert verified(rotated["secret"], got) == verified(endpoint["secret"], got)


def test_replay_sends_an_event_again_or_everything_since(
    hooks: TestClient, receiver: Receiver
) -> None:
    endpoint = subscribe(hooks, receiver.url)
    add_contact(hooks, "+12125550100")
    add_contact(hooks, "+12125550101")
    first, second = receiver.wait_for(2)
    replay = f"/v1/webhook-endpoints/{endpoint['id']}/replay"
    event_id = int(first.id.removeprefix("evt_"))
    assert hooks.post(replay, json={"event_id": event_id}).json() == {"queued": 1}
    assert receiver.wait_for(3)[2].id == first.id
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    # Older than the endpoint too: the default list's list.created, made at bootstrap.
    assert hooks.post(replay, json={"since": since}).json() == {"queued": 3}
    again = [r.json["type"] for r in receiver.wait_for(6)[3:]]
    assert sorted(again) == ["contact.created", "contact.created", "list.created"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"event_id": 999999}, "event_id"), ({}, "event_id"), ({"event_id": "x"}, "event_id")],
)
def test_a_bad_replay_names_its_field(hooks: TestClient, body: dict[str, Any], field: str) -> None:
    endpoint = subscribe(hooks, "https://crm.example.com/hook")
    response = hooks.post(f"/v1/webhook-endpoints/{endpoint['id']}/replay", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["name"] == field


def test_the_highlevel_format_sends_highlevels_own_bodies(
    hooks: TestClient, receiver: Receiver
) -> None:
    workspace = hooks.get("/v1/workspaces").json()["data"][0]
    hooks.patch(f"/v1/workspaces/{workspace['id']}", json={"aliases": {"highlevel": "loc-7"}})
    endpoint = subscribe(hooks, receiver.url, format="highlevel")
    create_list(hooks, name="not sent: lists are not contacts")
    contact = add_contact(hooks, "+12125550100", first_name="Ada", last_name="Lovelace")
    url = f"/v1/contacts/{contact['id']}"
    hooks.patch(url, json={"tags": ["vip"]})
    hooks.patch(url, json={"dnc": True})
    hooks.delete(url)
    got = receiver.wait_for(5)
    bodies = [verified(endpoint["secret"], r) for r in got]
    assert [b["type"] for b in bodies] == [
        "ContactCreate",
        "ContactTagUpdate",
        "ContactUpdate",
        "ContactDndUpdate",
        "ContactDelete",
    ]
    created = bodies[0]
    assert created["locationId"] == "loc-7"
    assert created["id"] == str(contact["id"])
    assert created["firstName"] == "Ada"
    assert created["lastName"] == "Lovelace"
    assert created["phone"] == "+12125550100"
    assert bodies[1]["tags"] == ["vip"]
    assert bodies[3]["dnd"] is True


def test_two_servers_on_one_database_send_each_event_once(
    hooks: TestClient, db_url: str, receiver: Receiver, tmp_path: Path
) -> None:
    """Two apps with their own connections and delivery workers (as two processes would
    be) share the deliveries: each is leased, and sent, by exactly one of them."""
    other_db = Database(db_url)
    settings = Settings(data_dir=tmp_path / "other", webhooks_allow_private=True)
    try:
        with TestClient(create_app(settings, db=other_db)):
            subscribe(hooks, receiver.url)
            for i in range(60):
                add_contact(hooks, f"+121255501{i:02d}")
            receiver.wait_for(60)
            settled(hooks, hooks.get("/v1/webhook-endpoints").json()["data"][0]["id"], 60)
    finally:
        other_db.close()
    ids = [r.id for r in receiver.received]
    assert len(ids) == len(set(ids)) == 60


def test_metrics_count_attempts_the_lag_and_the_backlog(
    hooks: TestClient, receiver: Receiver
) -> None:
    def scrape() -> str:
        response = hooks.get("/metrics")
        assert response.status_code == 200, response.text
        return response.text

    before = scrape()
    receiver.answer = lambda got: (500, {})
    failing = subscribe(hooks, receiver.url)
    add_contact(hooks, "+12125550100")
    receiver.wait_for(1)
    backlog = {"endpoint_id": str(failing["id"])}
    text = scrape()
    assert sample(text, "dialbook_webhook_pending_deliveries", **backlog) == 1
    assert sample(text, "dialbook_webhook_oldest_pending_seconds", **backlog) >= 0
    receiver.answer = lambda got: (200, {})
    settled(hooks, failing["id"], 1)
    deadline = time.monotonic() + 30
    while sample(text := scrape(), "dialbook_webhook_delivery_lag_seconds_count") == sample(
        before, "dialbook_webhook_delivery_lag_seconds_count"
    ):  # counted just after the answers are stored
        assert time.monotonic() < deadline
        time.sleep(0.02)
    for result in ("failed", "delivered"):
        name = "dialbook_webhook_attempts_total"
        assert sample(text, name, result=result) > sample(before, name, result=result)
    assert f'endpoint_id="{failing["id"]}"' not in text  # nothing pending any more
