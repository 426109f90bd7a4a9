"""Built-in US state rules and frequency caps, through the API, at fixed instants, on
SQLite and PostgreSQL: claims, the preview and GET /v1/contacts/{id}/callable agree.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.kit import clock
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import ClaimRequest
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list

UTC = dt.UTC
LOADED = dt.datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # Monday: the contacts are made here
ALWAYS = {"start": "00:00", "end": "23:59"}  # the list's own window: every hour, every day


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@dataclass
class Case:
    id: str
    phone: str
    at: dt.datetime
    callable: bool
    zone: str = "America/New_York"
    fields: dict[str, Any] = field(default_factory=dict)
    window: dict[str, Any] = field(default_factory=lambda: dict(ALWAYS))
    compliance: dict[str, Any] | None = None
    reason: str | None = None
    source: dict[str, Any] | None = None  # the reason's source: these keys
    cites: str | None = None  # in the reason's detail
    next_at: dt.datetime | None = None


FL = {"kind": "state_rule", "state": "FL"}
CASES = [
    # Florida: 08:00-20:00 (Fla. Stat. § 501.616(6)(a)).
    Case("florida-19:59", "+13055550100", utc(2026, 6, 3, 23, 59), True),
    Case(
        "florida-20:00", "+13055550100", utc(2026, 6, 4, 0, 0), False,
        reason="outside_calling_hours", source=FL, cites="501.616",
        next_at=utc(2026, 6, 4, 12, 0),  # Thursday 08:00 EDT
    ),
    # Texas: Sunday from noon (Tex. Bus. & Com. Code § 301.051).
    Case(
        "texas-sunday-11:59", "+15125550100", utc(2026, 6, 7, 16, 59), False,
        zone="America/Chicago", reason="outside_calling_hours",
        source={"kind": "state_rule", "state": "TX"}, cites="301.051",
        next_at=utc(2026, 6, 7, 17, 0),
    ),
    Case("texas-sunday-12:00", "+15125550100", utc(2026, 6, 7, 17, 0), True,
         zone="America/Chicago"),
    # No calls on Sunday in Alabama, Louisiana, Mississippi; Monday is fine.
    *[
        Case(
            f"{state}-sunday", phone, utc(2026, 6, 7, 17, 0), False, zone="America/Chicago",
            reason="outside_calling_hours", source={"kind": "state_rule", "state": state},
            next_at=utc(2026, 6, 8, 13, 0),  # Monday 08:00 CDT
        )
        for state, phone in (("AL", "+12055550100"), ("LA", "+15045550100"),
                             ("MS", "+16015550100"))
    ],
    Case("AL-monday", "+12055550100", utc(2026, 6, 8, 17, 0), True, zone="America/Chicago"),
    # Rhode Island: Saturday 10:00-17:00 only; no Sunday.
    Case(
        "RI-saturday-09:59", "+14015550100", utc(2026, 6, 6, 13, 59), False,
        reason="outside_calling_hours", source={"kind": "state_rule", "state": "RI"},
        cites="5-61", next_at=utc(2026, 6, 6, 14, 0),
    ),
    Case("RI-saturday-10:00", "+14015550100", utc(2026, 6, 6, 14, 0), True),
    Case("RI-saturday-16:59", "+14015550100", utc(2026, 6, 6, 20, 59), True),
    Case(
        "RI-saturday-17:00", "+14015550100", utc(2026, 6, 6, 21, 0), False,
        reason="outside_calling_hours", source={"kind": "state_rule", "state": "RI"},
        next_at=utc(2026, 6, 8, 13, 0),  # not Sunday: Monday 09:00 EDT
    ),
    Case("RI-weekday-17:30", "+14015550100", utc(2026, 6, 3, 21, 30), True),
    # Restricted holidays: Thanksgiving in Alabama, and Friday 3 July 2026 (4 July is a
    # Saturday: observed the Friday before, Ala. Code § 1-3-8).
    Case(
        "AL-thanksgiving", "+12055550100", utc(2026, 11, 26, 18, 0), False,
        zone="America/Chicago", reason="holiday",
        source={"kind": "state_rule", "state": "AL"}, cites="Thanksgiving Day",
        next_at=utc(2026, 11, 27, 14, 0),  # Friday 08:00 CST
    ),
    Case(
        "AL-independence-observed", "+12055550100", utc(2026, 7, 3, 17, 0), False,
        zone="America/Chicago", reason="holiday", source={"kind": "state_rule", "state": "AL"},
        cites="Independence Day (observed)",
    ),
    # The area code's state is stricter than the address's: Florida's hours apply.
    Case(
        "area-code-over-address", "+13055550101", utc(2026, 6, 4, 0, 30), False,
        fields={"state": "New York", "country": "US"}, reason="outside_calling_hours",
        source=FL,
    ),
    # The address's state is stricter than the area code's: Texas on a Sunday morning.
    Case(
        "address-over-area-code", "+12125550100", utc(2026, 6, 7, 16, 0), False,
        zone="America/Chicago", fields={"state": "TX", "country": "US"},
        reason="outside_calling_hours", source={"kind": "state_rule", "state": "TX"},
    ),
    # An operator override stricter than the built-in rule wins...
    Case(
        "override-stricter", "+13055550100", utc(2026, 6, 3, 17, 0), False,
        window={**ALWAYS, "state_overrides": {"FL": {"start": "09:00", "end": "12:00"}}},
        reason="outside_calling_hours",
        source={"kind": "state_override", "state": "FL"},
        next_at=utc(2026, 6, 4, 13, 0),  # Thursday 09:00 EDT
    ),
    # ... and so does the built-in rule when it is the stricter one.
    Case(
        "built-in-stricter", "+13055550100", utc(2026, 6, 4, 0, 30), False,
        window={**ALWAYS, "state_overrides": {"FL": {"start": "07:00", "end": "23:00"}}},
        reason="outside_calling_hours", source=FL, next_at=utc(2026, 6, 4, 12, 0),
    ),
    # Turned off: only the list's own window.
    Case("turned-off", "+13055550100", utc(2026, 6, 4, 0, 30), True,
         compliance={"us_state_rules": False}),
]  # fmt: skip


def post(api: TestClient, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = api.post(path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def claim(api: TestClient, list_id: int, count: int = 10) -> list[Any]:
    body = {"count": count, "agent": "test", "lease_seconds": 60}
    leases: list[Any] = post(api, f"/v1/lists/{list_id}/queue/claim", body)["leases"]
    return leases


def check(api: TestClient, contact_id: int) -> dict[str, Any]:
    response = api.get(f"/v1/contacts/{contact_id}/callable")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def preview(api: TestClient, list_id: int) -> dict[str, Any]:
    found: dict[str, Any] = api.get(f"/v1/lists/{list_id}/queue/preview").json()
    return found


def make_contact(api: TestClient, list_id: int, phone: str, **fields: Any) -> int:
    found = post(api, "/v1/contacts", {"list_id": list_id, "phones": [phone], **fields}, 201)
    return int(found["id"])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_state_rules_table(api: TestClient, case: Case) -> None:
    with clock.frozen(LOADED):
        settings: dict[str, Any] = {"calling_window": case.window}
        if case.compliance is not None:
            settings["compliance"] = case.compliance
        list_id = int(create_list(api, **settings)["id"])
        contact_id = make_contact(api, list_id, case.phone, timezone=case.zone, **case.fields)
    with clock.frozen(case.at):
        found = check(api, contact_id)
        counted = preview(api, list_id)
        leases = claim(api, list_id)
    assert found["callable"] is case.callable, found
    assert counted["callable"] == len(leases) == (1 if case.callable else 0)
    if case.callable:
        assert found["reasons"] == []
        return
    (reason,) = found["reasons"]
    assert reason["reason"] == case.reason
    assert counted["excluded"] == {case.reason: 1}
    assert case.source is not None
    assert {k: reason["source"].get(k) for k in case.source} == case.source
    if reason["source"]["kind"] == "state_rule":  # the rule cites its source
        assert reason["source"]["url"].startswith("http")
        assert reason["source"]["law"] in reason["detail"]
        assert reason["source"]["url"] in reason["detail"]
        version = api.get("/v1/compliance/us-state-rules").json()["version"]
        assert reason["source"]["rules_version"] == version
    if case.cites:
        assert case.cites in reason["detail"]
    if case.next_at:
        assert found["next_callable_at"] == case.next_at.isoformat().replace("+00:00", "Z")


def test_rules_file_is_served_with_a_version_and_a_source_for_every_rule(
    api: TestClient,
) -> None:
    found = api.get("/v1/compliance/us-state-rules")
    assert found.status_code == 200, found.text
    rules = found.json()
    assert rules["version"]
    assert {"FL", "OK", "MD", "TX", "AL", "LA", "MS", "RI"} <= set(rules["states"])
    for state, rule in rules["states"].items():
        assert rule["law"], state
        assert rule["url"].startswith("http"), state
        assert rule["effective"], state
    for state in ("FL", "OK", "MD"):
        assert rules["states"][state]["cap"] == {"count": 3, "hours": 24, "scope": "number"}
    assert rules["states"]["TX"]["hours"][1] == {"days": ["sun"], "start": "12:00", "end": "21:00"}
    api.headers["Authorization"] = "Bearer nope"
    assert api.get("/v1/compliance/us-state-rules").status_code == 401


def test_lists_apply_the_state_rules_unless_turned_off(api: TestClient) -> None:
    created = create_list(api)
    assert created["compliance"] == {"us_state_rules": True, "max_calls_per_number": None}
    cap = {"count": 2, "hours": 48}
    changed = api.patch(
        f"/v1/lists/{created['id']}",
        json={"compliance": {"us_state_rules": False, "max_calls_per_number": cap}},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["compliance"] == {"us_state_rules": False, "max_calls_per_number": cap}
    bad = api.patch(
        f"/v1/lists/{created['id']}",
        json={"compliance": {"max_calls_per_number": {"count": 0, "hours": 24}}},
    )
    assert bad.status_code == 422, bad.text
    assert "max_calls_per_number" in bad.text
    assert api.get(f"/v1/lists/{created['id']}").json()["compliance"]["max_calls_per_number"] == cap


# -- frequency caps -------------------------------------------------------------------------


def outcome(api: TestClient, lease: Any) -> None:
    post(api, f"/v1/queue/leases/{lease['lease_id']}/outcome", {"outcome": "no_answer"})


def test_the_fourth_florida_call_in_24_hours_is_not_handed_out(api: TestClient) -> None:
    with clock.frozen(LOADED):
        list_id = int(create_list(api, calling_window=ALWAYS, retry_minutes=1)["id"])
        contact_id = make_contact(api, list_id, "+13055550100", timezone="America/New_York")
    first = utc(2026, 6, 3, 17, 0)  # Wednesday 13:00 EDT
    for hour in range(3):
        with clock.frozen(first + dt.timedelta(hours=hour)):
            (lease,) = claim(api, list_id)
            outcome(api, lease)
    fourth = first + dt.timedelta(hours=3)
    with clock.frozen(fourth):
        found = check(api, contact_id)
        counted = preview(api, list_id)
        assert claim(api, list_id) == []
    assert counted["callable"] == 0
    assert counted["excluded"] == {"frequency_cap": 1}
    (reason,) = found["reasons"]
    assert reason["reason"] == "frequency_cap"
    assert reason["source"]["kind"] == "state_rule"
    assert reason["source"]["state"] == "FL"
    assert "501.616" in reason["detail"]
    assert "3 times in the last 24 hours" in reason["detail"]
    # The oldest call leaves the window 24 hours after it was made (13:00 EDT, in hours).
    assert found["next_callable_at"] == "2026-06-04T17:00:00Z"
    with clock.frozen(utc(2026, 6, 4, 16, 59)):
        assert claim(api, list_id) == []
    with clock.frozen(utc(2026, 6, 4, 17, 0)):
        assert len(claim(api, list_id)) == 1


def test_a_list_cap_counts_calls_from_every_list(api: TestClient) -> None:
    number = "+12125550100"  # New York: no built-in cap
    with clock.frozen(LOADED):
        other = int(create_list(api, name="Other", calling_window=ALWAYS, retry_minutes=1)["id"])
        capped = int(
            create_list(
                api,
                name="Capped",
                calling_window=ALWAYS,
                compliance={"max_calls_per_number": {"count": 2, "hours": 48}},
            )["id"]
        )
        make_contact(api, other, number, timezone="America/New_York")
        capped_id = make_contact(api, capped, number, timezone="America/New_York")
    first = utc(2026, 6, 3, 17, 0)
    for hour in range(2):
        with clock.frozen(first + dt.timedelta(hours=hour)):
            (lease,) = claim(api, other)
            outcome(api, lease)
    with clock.frozen(first + dt.timedelta(hours=2)):
        found = check(api, capped_id)
        assert claim(api, capped) == []
        assert len(claim(api, other)) == 1  # the other list has no cap
    (reason,) = found["reasons"]
    assert reason["reason"] == "frequency_cap"
    assert reason["source"] == {"kind": "list", "list_id": capped}
    assert found["next_callable_at"] == "2026-06-05T17:00:00Z"  # the first call + 48 h


def test_concurrent_claimers_never_exceed_a_cap(
    db: Database, caller: Caller, db_url: str, api: TestClient
) -> None:
    """8 claimers at once, each on its own list; every list holds the same numbers. Florida
    numbers stop at the state's 3 calls, New York ones at the lists' own cap of 4."""
    florida = [f"+1305555{i:04d}" for i in range(3)]
    new_york = [f"+1212555{i:04d}" for i in range(3)]
    cap = {"max_calls_per_number": {"count": 4, "hours": 24}}
    with clock.frozen(LOADED):
        lists = []
        for i in range(8):
            list_id = int(
                create_list(api, name=f"L{i}", calling_window=ALWAYS, compliance=cap)["id"]
            )
            lists.append(list_id)
            for number in florida + new_york:
                make_contact(api, list_id, number, timezone="America/New_York")
    now = utc(2026, 6, 3, 17, 0)
    databases = [Database(db_url) for _ in lists]
    barrier = threading.Barrier(len(databases))
    numbers: list[str] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker(database: Database, list_id: int) -> None:
        try:
            barrier.wait()
            for _ in range(2):
                got = database.run_write(
                    queue_service.claim,
                    caller=caller,
                    list_id=list_id,
                    request=ClaimRequest(count=6),
                    now=now,
                )
                with lock:
                    numbers.extend(lease.phone.number for lease in got.leases)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [
        threading.Thread(target=worker, args=pair) for pair in zip(databases, lists, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in databases:
        database.close()
    assert not failures, failures
    calls = Counter(numbers)
    assert {n: calls[n] for n in florida} == dict.fromkeys(florida, 3)
    assert {n: calls[n] for n in new_york} == dict.fromkeys(new_york, 4)
