"""Number cycling: a contact is dialed number by number, and invalid numbers only when the
list allows them. Through the public API, at fixed instants, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.testclient import TestClient

from dialbook.kit import clock
from tests.conftest import create_list

UTC = dt.UTC
LOADED = dt.datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # Monday, 12:00 EDT
ALL_DAY = {"start": "00:00", "end": "23:59"}
NY = {"timezone": "America/New_York"}
A, B, C = "+12125550100", "+12125550101", "+12125550102"
INVALID = "+15555550100"  # area code 555: libphonenumber does not know it as valid
INVALID_2 = "+15555550101"


def at(minutes: int) -> Any:
    """A fixed instant, ``minutes`` after the contacts were loaded."""
    return clock.frozen(LOADED + dt.timedelta(minutes=minutes))


def post(api: TestClient, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = api.post(path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def dialing_list(api: TestClient, **settings: Any) -> int:
    return int(create_list(api, calling_window=ALL_DAY, retry_minutes=30, **settings)["id"])


def contact(api: TestClient, list_id: int, phones: list[Any], **fields: Any) -> int:
    body = {"list_id": list_id, "phones": phones, **NY, **fields}
    return int(post(api, "/v1/contacts", body, 201)["id"])


def claim_one(api: TestClient, list_id: int) -> dict[str, Any] | None:
    leases = post(api, f"/v1/lists/{list_id}/queue/claim", {"count": 10})["leases"]
    assert len(leases) <= 1
    return leases[0] if leases else None


def outcome(api: TestClient, lease: dict[str, Any], what: str) -> Any:
    return post(api, f"/v1/queue/leases/{lease['lease_id']}/outcome", {"outcome": what})


def dialing(api: TestClient, contact_id: int) -> dict[str, dict[str, Any]]:
    found = api.get(f"/v1/contacts/{contact_id}").json()
    return {phone["number"]: phone["dialing"] for phone in found["phones"]}


def preview(api: TestClient, list_id: int) -> dict[str, Any]:
    result: dict[str, Any] = api.get(f"/v1/lists/{list_id}/queue/preview").json()
    return result


def test_bad_numbers_move_to_the_next_until_every_number_is_done(api: TestClient) -> None:
    with at(0):
        list_id = dialing_list(api)
        cid = contact(api, list_id, [A, B, C])
        first = claim_one(api, list_id)
        assert first is not None
        assert (first["phone"]["number"], first["number_reason"]) == (A, "first")
        moved = outcome(api, first, "wrong_number")
        assert (moved["status"], moved["number"], moved["next_number"]) == ("queued", A, B)
        assert moved["number_dialing"]["done"] is True
    with at(1):  # a bad number: the next one is due at once
        second = claim_one(api, list_id)
        assert second is not None
        assert (second["phone"]["number"], second["number_reason"]) == (
            B,
            "next_after_wrong_number",
        )
        outcome(api, second, "disconnected")
    with at(2):
        third = claim_one(api, list_id)
        assert third is not None
        assert (third["phone"]["number"], third["number_reason"]) == (C, "next_after_disconnected")
        last = outcome(api, third, "failed")
        assert (last["status"], last["next_number"]) == ("exhausted", None)
    with at(3):
        assert claim_one(api, list_id) is None
        assert preview(api, list_id)["excluded"] == {"finished": 1}
        why = api.get(f"/v1/contacts/{cid}/callable").json()
        # Every reason: finished, and no number is left to dial.
        assert [r["reason"] for r in why["reasons"]] == ["finished", "no_phone"]
        assert why["number"] is None
    found = api.get(f"/v1/contacts/{cid}").json()
    assert (found["status"], found["attempts"], found["last_outcome"]) == ("exhausted", 3, "failed")
    assert dialing(api, cid) == {
        A: {"attempts": 1, "last_outcome": "wrong_number",
            "last_dial_at": "2026-06-01T16:00:00Z", "done": True},
        B: {"attempts": 1, "last_outcome": "disconnected",
            "last_dial_at": "2026-06-01T16:01:00Z", "done": True},
        C: {"attempts": 1, "last_outcome": "failed",
            "last_dial_at": "2026-06-01T16:02:00Z", "done": True},
    }  # fmt: skip
    # The outcome event says which number changed, how, and which one is next.
    events = api.get("/v1/events", params={"types": "queue.outcome_recorded"}).json()["data"]
    assert [(e["data"]["number"], e["data"]["next_number"]) for e in events] == [
        (A, B),
        (B, C),
        (C, None),
    ]
    first_event = events[0]
    assert first_event["data"]["number_dialing"]["last_outcome"] == "wrong_number"
    before, after = first_event["changes"]["phones"]
    assert (before[0]["dialing"]["attempts"], after[0]["dialing"]["attempts"]) == (0, 1)


def test_no_answer_rotates_and_a_working_line_is_dialed_again(api: TestClient) -> None:
    with at(0):
        list_id = dialing_list(api)
        cid = contact(api, list_id, [A, B])
        lease = claim_one(api, list_id)
        assert lease is not None
        retried = outcome(api, lease, "no_answer")
        assert (retried["status"], retried["next_number"]) == ("queued", B)
        assert retried["due_at"] == "2026-06-01T16:30:00Z"  # the list's retry_minutes
        assert claim_one(api, list_id) is None  # not due yet
    with at(30):
        lease = claim_one(api, list_id)
        assert lease is not None
        assert (lease["phone"]["number"], lease["number_reason"]) == (B, "next_after_no_answer")
        outcome(api, lease, "busy")
    with at(60):  # busy: someone is on that line, so it is dialed again
        lease = claim_one(api, list_id)
        assert lease is not None
        assert (lease["phone"]["number"], lease["number_reason"]) == (B, "same_number")
        outcome(api, lease, "no_answer")
    with at(90):  # each number once more, in turn
        lease = claim_one(api, list_id)
        assert lease is not None
        assert (lease["phone"]["number"], lease["number_reason"]) == (A, "next_after_no_answer")
    assert {n: d["attempts"] for n, d in dialing(api, cid).items()} == {A: 1, B: 2}


def test_mobile_first_and_a_change_of_order(api: TestClient) -> None:
    home, mobile = {"number": A, "type": "home"}, {"number": B, "type": "mobile"}
    with at(0):
        list_id = dialing_list(api, phone_order="mobile_first")
        assert api.get(f"/v1/lists/{list_id}").json()["phone_order"] == "mobile_first"
        cid = contact(api, list_id, [home, mobile])
        assert api.get(f"/v1/contacts/{cid}/callable").json()["number"] == B
        changed = api.patch(f"/v1/lists/{list_id}", json={"phone_order": "as_given"})
        assert changed.status_code == 200, changed.text
        assert api.get(f"/v1/contacts/{cid}/callable").json()["number"] == A
        api.patch(f"/v1/lists/{list_id}", json={"phone_order": "mobile_first"})
        lease = claim_one(api, list_id)
        assert lease is not None
        assert (lease["phone"]["number"], lease["number_reason"]) == (B, "mobile_first")
        outcome(api, lease, "wrong_number")
    with at(1):
        lease = claim_one(api, list_id)
        assert lease is not None
        assert (lease["phone"]["number"], lease["number_reason"]) == (A, "next_after_wrong_number")
    bad = api.patch(f"/v1/lists/{list_id}", json={"phone_order": "landline_first"})
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["name"] == "phone_order"


def test_a_number_kept_through_a_change_of_phones_keeps_its_state(api: TestClient) -> None:
    with at(0):
        list_id = dialing_list(api)
        cid = contact(api, list_id, [A, B])
        lease = claim_one(api, list_id)
        assert lease is not None
        outcome(api, lease, "wrong_number")
        changed = api.patch(f"/v1/contacts/{cid}", json={"phones": [C, A]})
        assert changed.status_code == 200, changed.text
        state = dialing(api, cid)
        assert state[A]["done"] is True
        assert state[C] == {
            "attempts": 0, "last_outcome": None, "last_dial_at": None, "done": False
        }  # fmt: skip
        assert api.get(f"/v1/contacts/{cid}/callable").json()["number"] == C
        dialing_given = api.patch(
            f"/v1/contacts/{cid}", json={"phones": [{"number": C, "dialing": {"attempts": 9}}]}
        )
        assert dialing_given.status_code == 422  # written by outcomes only


def test_invalid_numbers_are_skipped_unless_the_list_allows_them(api: TestClient) -> None:
    with at(0):
        list_id = dialing_list(api)
        skipped = contact(api, list_id, [INVALID, A])
        only_invalid = contact(api, list_id, [INVALID_2])
        contact(api, list_id, [], first_name="Nobody")
        counts = preview(api, list_id)
        assert (counts["callable"], counts["excluded"]) == (
            1,
            {"invalid_number": 1, "no_phone": 1},
        )
        why = api.get(f"/v1/contacts/{only_invalid}/callable").json()
        assert (why["callable"], why["number"]) == (False, INVALID_2)
        [reason] = why["reasons"]
        assert (reason["reason"], reason["source"]) == (
            "invalid_number",
            {"kind": "list", "list_id": list_id},
        )
        assert why["next_callable_at"] is None
        lease = claim_one(api, list_id)
        assert lease is not None
        assert lease["contact"]["id"] == skipped
        assert (lease["phone"]["number"], lease["number_reason"]) == (A, "first")
        # The valid number fails: only the invalid one is left, which this list never dials.
        assert outcome(api, lease, "failed")["status"] == "exhausted"
        allowed = api.patch(f"/v1/lists/{list_id}", json={"dial_invalid_numbers": True})
        assert allowed.json()["dial_invalid_numbers"] is True
        assert preview(api, list_id)["callable"] == 1
        assert api.get(f"/v1/contacts/{only_invalid}/callable").json()["callable"] is True
        lease = claim_one(api, list_id)
        assert lease is not None
        assert lease["contact"]["id"] == only_invalid
        assert (lease["phone"]["number"], lease["number_reason"]) == (INVALID_2, "invalid_allowed")


def test_suppression_applies_to_the_number_dialed_now(api: TestClient) -> None:
    with at(0):
        list_id = dialing_list(api)
        contact(api, list_id, [A, B])
        post(api, "/v1/suppressions", {"number": B}, 201)
        lease = claim_one(api, list_id)
        assert lease is not None
        outcome(api, lease, "disconnected")
    with at(1):  # the next number is suppressed: not handed out
        assert claim_one(api, list_id) is None
        assert preview(api, list_id)["excluded"] == {"suppressed": 1}
