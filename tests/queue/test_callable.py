"""One callable rule: the preview, a claim and GET /v1/contacts/{id}/callable agree.

Everything goes through the public API, at fixed instants, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.kit import clock
from tests.conftest import create_list

UTC = dt.UTC
LOADED = dt.datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # Monday, 12:00 EDT: the data is made here
NOON_UTC = dt.datetime(2026, 6, 3, 16, 0, tzinfo=UTC)  # Wednesday: 12:00 EDT, 09:00 PDT
SUNDAY = dt.datetime(2026, 6, 7, 16, 0, tzinfo=UTC)
HOLIDAY = dt.datetime(2026, 7, 3, 16, 0, tzinfo=UTC)  # the list's holiday, a Friday
WINDOW = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    "start": "09:00",
    "end": "20:00",
    "state_overrides": {"FL": {"start": "13:00", "end": "20:00"}},
    "holidays": ["2026-07-03"],
}
INSTANTS = [
    NOON_UTC,
    dt.datetime(2026, 6, 3, 23, 30, tzinfo=UTC),  # 19:30 EDT, 16:30 PDT, 08:30 in Tokyo
    dt.datetime(2026, 6, 4, 0, 30, tzinfo=UTC),  # 20:30 EDT, 17:30 PDT, 09:30 in Tokyo
    dt.datetime(2026, 6, 4, 2, 0, tzinfo=UTC),  # 22:00 EDT, 19:00 PDT
    SUNDAY,
    HOLIDAY,
]
RETRY_AT = "2026-12-02T03:00:00Z"  # 22:00 EST on a Tuesday: next callable 09:00 EST Wednesday
SUPPRESSED_UNTIL = "2026-06-05T14:00:00Z"  # Friday 10:00 EDT


@dataclass
class Book:
    list_id: int
    ids: dict[str, int]


def post(api: TestClient, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = api.post(path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def contact(api: TestClient, list_id: int, phones: list[str], **fields: Any) -> int:
    found = post(api, "/v1/contacts", {"list_id": list_id, "phones": phones, **fields}, 201)
    return int(found["id"])


def claim(api: TestClient, list_id: int, count: int = 100, lease: int = 300) -> list[Any]:
    body = {"count": count, "agent": "test", "lease_seconds": lease}
    leases: list[Any] = post(api, f"/v1/lists/{list_id}/queue/claim", body)["leases"]
    return leases


def outcome(api: TestClient, lease: Any, what: str, retry_at: str | None = None) -> Any:
    body = {"outcome": what} | ({"retry_at": retry_at} if retry_at else {})
    return post(api, f"/v1/queue/leases/{lease['lease_id']}/outcome", body)


def publish(api: TestClient, list_id: int) -> None:
    post(api, f"/v1/lists/{list_id}/publish", {})


@pytest.fixture
def book(api: TestClient) -> Book:
    """A list of every kind of contact, loaded on Monday 1 June 2026."""
    ids: dict[str, int] = {}
    with clock.frozen(LOADED):
        lst = create_list(api, calling_window=WINDOW, max_attempts=1, queue_mode="on_publish")
        list_id = int(lst["id"])
        # Contacts with a history: claimed and given outcomes on Monday.
        for name in ("retry", "completed", "exhausted", "dnc_request", "tired"):
            number = f"+1212555{len(ids):04d}"
            ids[name] = contact(api, list_id, [number], timezone="America/New_York")
        publish(api, list_id)
        by_id = {lease["contact"]["id"]: lease for lease in claim(api, list_id)}
        assert set(by_id) == set(ids.values())
        outcome(api, by_id[ids["completed"]], "answered")
        outcome(api, by_id[ids["exhausted"]], "no_answer")  # max_attempts 1: exhausted
        outcome(api, by_id[ids["dnc_request"]], "dnc_request")
        api.patch(f"/v1/lists/{list_id}", json={"max_attempts": 3})
        outcome(api, by_id[ids["retry"]], "no_answer", RETRY_AT)
        outcome(api, by_id[ids["tired"]], "no_answer", "2026-06-01T16:05:00Z")
    with clock.frozen(LOADED + dt.timedelta(minutes=10)):
        (again,) = claim(api, list_id)
        assert again["contact"]["id"] == ids["tired"]
        outcome(api, again, "no_answer", "2026-06-01T16:15:00Z")  # two attempts
        assert api.patch(f"/v1/lists/{list_id}", json={"max_attempts": 2}).status_code == 200
    with clock.frozen(LOADED + dt.timedelta(hours=1)):
        ny = {"timezone": "America/New_York"}
        ids["ny"] = contact(api, list_id, ["+12125550100"], **ny)
        ids["ny_sms_dnd"] = contact(api, list_id, ["+12125550101"], dnd={"sms": "active"}, **ny)
        ids["la"] = contact(api, list_id, ["+13105550100"], timezone="America/Los_Angeles")
        ids["tokyo"] = contact(api, list_id, ["+81312345678"], timezone="Asia/Tokyo")
        ids["florida"] = contact(api, list_id, ["+13055550100"], state="FL", **ny)
        # +1 219 says Eastern, ZIP 46320 Central: both windows must be open.
        ids["two_zones"] = contact(
            api, list_id, ["+12192345678"], postal_code="46320", country="US"
        )
        ids["dnc"] = contact(api, list_id, ["+12125550102"], dnc=True, **ny)
        ids["call_dnd"] = contact(api, list_id, ["+12125550103"], dnd={"call": "active"}, **ny)
        # The number dialed is the second (the first is not a valid number): suppressing it
        # stops the contact; suppressing the first does not.
        ids["suppressed"] = contact(api, list_id, ["+15555550100", "+12125550110"], **ny)
        ids["first_suppressed"] = contact(api, list_id, ["+15555550101", "+12125550111"], **ny)
        ids["suppressed_until"] = contact(api, list_id, ["+12125550112"], **ny)
        ids["invalid_number"] = contact(api, list_id, ["+15555550102"], **ny)
        ids["no_phone"] = contact(api, list_id, [], first_name="Nobody", **ny)
        ids["no_zone"] = contact(api, list_id, ["+18005550100"])
        post(api, "/v1/suppressions", {"number": "+12125550110"}, 201)
        post(api, "/v1/suppressions", {"number": "+15555550101"}, 201)
        body = {"number": "+12125550112", "expires_at": SUPPRESSED_UNTIL}
        post(api, "/v1/suppressions", body, 201)
        publish(api, list_id)
        ids["held"] = contact(api, list_id, ["+12125550120"], **ny)  # not published
    with clock.frozen(LOADED + dt.timedelta(hours=1, minutes=1)):
        # A lease that runs out unanswered: still "leased", callable again once expired.
        (stale,) = claim(api, list_id, count=1, lease=300)
        assert stale["contact"]["id"] == ids["ny"]
    return Book(list_id, ids)


def check(api: TestClient, contact_id: int) -> dict[str, Any]:
    response = api.get(f"/v1/contacts/{contact_id}/callable")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


@pytest.mark.parametrize("now", INSTANTS, ids=lambda t: t.strftime("%a-%m-%d-%H%M"))
def test_preview_claim_and_callable_agree(api: TestClient, book: Book, now: dt.datetime) -> None:
    with clock.frozen(now):
        live = claim(api, book.list_id, count=1, lease=600)  # a live lease, where one may be
        preview = api.get(f"/v1/lists/{book.list_id}/queue/preview").json()
        checks = {cid: check(api, cid) for cid in book.ids.values()}
        leases = claim(api, book.list_id)
        after = api.get(f"/v1/lists/{book.list_id}/queue/preview").json()
    callable_ids = {cid for cid, found in checks.items() if found["callable"]}
    assert preview["callable"] == len(leases) == len(callable_ids)
    assert {lease["contact"]["id"] for lease in leases} == callable_ids
    for lease in leases:
        assert checks[lease["contact"]["id"]]["number"] == lease["phone"]["number"]
    # The preview counts each contact under the first reason /callable gives.
    first = collections.Counter(
        found["reasons"][0]["reason"] for found in checks.values() if not found["callable"]
    )
    assert preview["excluded"] == dict(first)
    assert preview["total"] == len(book.ids)
    assert after["callable"] == 0
    if live:
        assert checks[live[0]["contact"]["id"]]["reasons"][0]["reason"] == "leased"
    # Whatever the instant, these are never callable, and the first-phone suppression
    # (not the number dialed) never stops a contact.
    never = {"dnc", "call_dnd", "suppressed", "no_phone", "invalid_number", "no_zone", "held"}
    never.add("completed")
    assert not callable_ids & {book.ids[name] for name in never | {"exhausted", "tired"}}
    if now == NOON_UTC:
        expected = {"ny", "ny_sms_dnd", "la", "two_zones", "first_suppressed"}
        assert callable_ids | {live[0]["contact"]["id"]} == {book.ids[n] for n in expected}
    if now in (SUNDAY, HOLIDAY):
        assert not callable_ids
        assert not live


def reasons(found: dict[str, Any]) -> list[str]:
    return [reason["reason"] for reason in found["reasons"]]


def test_callable_answers_each_reason_with_its_source_and_next_time(
    api: TestClient, book: Book
) -> None:
    ids = book.ids
    with clock.frozen(NOON_UTC):
        found = {name: check(api, cid) for name, cid in ids.items()}
    ny = found["ny"]  # its lease ran out on Monday: callable, as a claim would release it
    assert api.get(f"/v1/contacts/{ids['ny']}").json()["status"] == "leased"
    assert ny["callable"] is True
    assert ny["reasons"] == []
    assert ny["number"] == "+12125550100"
    assert ny["next_callable_at"] == "2026-06-03T16:00:00Z"
    assert ny["local_times"] == [{"zone": "America/New_York", "time": "2026-06-03T12:00:00-04:00"}]
    # outside the window: Tokyo at 01:00; the next opening is 09:00 there.
    tokyo = found["tokyo"]
    assert reasons(tokyo) == ["outside_calling_hours"]
    assert tokyo["reasons"][0]["source"] == {"kind": "calling_window", "list_id": book.list_id}
    assert tokyo["reasons"][0]["local_times"][0]["time"] == "2026-06-04T01:00:00+09:00"
    assert "09:00-20:00" in tokyo["reasons"][0]["detail"]
    assert tokyo["next_callable_at"] == "2026-06-04T00:00:00Z"
    # Florida's override: 13:00 Eastern.
    florida = found["florida"]
    assert reasons(florida) == ["outside_calling_hours"]
    assert florida["reasons"][0]["source"] == {
        "kind": "state_override",
        "list_id": book.list_id,
        "state": "FL",
    }
    assert florida["next_callable_at"] == "2026-06-03T17:00:00Z"
    # Two zones: 12:00 Eastern, 11:00 Central; both listed.
    assert [t["zone"] for t in found["two_zones"]["local_times"]] == [
        "America/Chicago",
        "America/New_York",
    ]
    # suppressed: on the number dialed, with its list; the first phone's entry does not count.
    suppressed = found["suppressed"]
    assert reasons(suppressed) == ["suppressed"]
    assert suppressed["number"] == "+12125550110"
    assert suppressed["reasons"][0]["source"]["kind"] == "suppression_list"
    assert suppressed["reasons"][0]["source"]["suppression_list_id"] > 0
    assert suppressed["next_callable_at"] is None  # no expiry
    assert found["first_suppressed"]["callable"] is True
    assert found["first_suppressed"]["number"] == "+12125550111"
    until = found["suppressed_until"]
    assert reasons(until) == ["suppressed"]
    assert until["next_callable_at"] == SUPPRESSED_UNTIL
    # Contact flags and statuses: nothing time will lift.
    for name, reason in [
        ("dnc", "do_not_call"),
        ("call_dnd", "do_not_call"),
        ("dnc_request", "do_not_call"),
        ("no_phone", "no_phone"),
        ("invalid_number", "invalid_number"),
        ("no_zone", "no_timezone"),
        ("held", "held"),
        ("completed", "finished"),
        ("exhausted", "finished"),
        ("tired", "max_attempts"),
    ]:
        assert reasons(found[name])[0] == reason, name
        assert found[name]["callable"] is False
        assert found[name]["next_callable_at"] is None
    assert found["no_phone"]["number"] is None
    assert found["call_dnd"]["reasons"][0]["detail"] == "do-not-call: call DND is active"
    assert found["held"]["reasons"][0]["source"] == {"kind": "list", "list_id": book.list_id}
    assert found["tired"]["reasons"][0]["detail"] == "2 attempts of the list's 2"
    # A retry due at 22:00 Eastern: callable at the next opening, 09:00 the day after.
    retry = found["retry"]
    assert reasons(retry) == ["retry_later"]
    assert retry["next_callable_at"] == "2026-12-02T14:00:00Z"


def test_callable_for_a_leased_contact_a_holiday_and_a_sunday(api: TestClient, book: Book) -> None:
    with clock.frozen(NOON_UTC):
        (lease,) = claim(api, book.list_id, count=1, lease=600)
        leased = check(api, lease["contact"]["id"])
    assert reasons(leased) == ["leased"]
    assert leased["reasons"][0]["source"] == {"kind": "lease", "lease_id": lease["lease_id"]}
    assert leased["next_callable_at"] == "2026-06-03T16:10:00Z"  # when the lease runs out
    with clock.frozen(HOLIDAY):
        holiday = check(api, book.ids["ny"])
    assert reasons(holiday) == ["holiday"]
    assert holiday["reasons"][0]["source"] == {
        "kind": "holiday",
        "list_id": book.list_id,
        "date": "2026-07-03",
    }
    assert holiday["next_callable_at"] == "2026-07-04T13:00:00Z"  # Saturday 09:00 EDT
    with clock.frozen(SUNDAY):
        sunday = check(api, book.ids["la"])
    assert reasons(sunday) == ["outside_calling_hours"]
    assert sunday["next_callable_at"] == "2026-06-08T16:00:00Z"  # Monday 09:00 PDT


def test_callable_of_an_unknown_contact_is_404(api: TestClient) -> None:
    response = api.get("/v1/contacts/999999/callable")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
