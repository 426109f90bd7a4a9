from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactCreate
from dialbook.db import Database
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import CallingWindow, Hours, ListCreate, ListRead
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import ClaimRequest, ClaimResult, OutcomeRequest
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import SuppressionCreate
from dialbook.workspaces.schemas import Caller

UTC = dt.UTC
NOON_UTC = dt.datetime(2026, 6, 3, 16, 0, tzinfo=UTC)  # a Wednesday: 12:00 EDT, 09:00 PDT


@pytest.fixture(autouse=True)
def loaded_before_noon() -> Iterator[None]:
    """Contacts made in these tests exist before the instants the tests dial at."""
    with clock.frozen(NOON_UTC - dt.timedelta(days=1)):
        yield


def make_list(db: Database, caller: Caller, **settings: Any) -> ListRead:
    data = ListCreate(name=settings.pop("name", "Dialing"), **settings)
    return db.run_write(list_service.create, caller=caller, data=data)


def add(db: Database, caller: Caller, lst: ListRead, phone: str, **fields: Any) -> Contact:
    data = ContactCreate(list_id=lst.id, phones=[phone], **fields)
    return db.run_write(contact_service.create, caller=caller, data=data)


def claim(
    db: Database,
    caller: Caller,
    lst: ListRead,
    now: dt.datetime,
    count: int = 100,
    lease: int = 300,
) -> ClaimResult:
    return db.run_write(
        queue_service.claim,
        caller=caller,
        list_id=lst.id,
        request=ClaimRequest(count=count, lease_seconds=lease, agent="test"),
        now=now,
    )


def claimed_ids(result: ClaimResult) -> list[int]:
    return [lease.contact.id for lease in result.leases]


def outcome(
    db: Database,
    caller: Caller,
    lease_id: int,
    what: str,
    now: dt.datetime,
    retry_at: dt.datetime | None = None,
) -> Any:
    return db.run_write(
        queue_service.record_outcome,
        caller=caller,
        lease_id=lease_id,
        request=OutcomeRequest(outcome=what, retry_at=retry_at),  # type: ignore[arg-type]
        now=now,
    )


# -- the compliance property -------------------------------------------------------------

WINDOW = CallingWindow(
    days=["mon", "tue", "wed", "thu", "fri", "sat"],
    start="09:00",
    end="20:00",
    state_overrides={"CA": Hours(start="10:00", end="18:00")},
    holidays=["2026-12-25"],
)
PEOPLE: list[dict[str, Any]] = [
    {"phone": "+12125550100", "timezone": "America/New_York"},
    {"phone": "+13125550100", "timezone": "America/Chicago"},
    {"phone": "+14155550100", "timezone": "America/Los_Angeles", "state": "CA"},
    {"phone": "+16025550100", "timezone": "America/Phoenix"},
    {"phone": "+18085550100", "timezone": "Pacific/Honolulu"},
    {"phone": "+442079460958", "timezone": "Europe/London"},
    {"phone": "+4930123456", "timezone": "Europe/Berlin"},
    {"phone": "+61212345678", "timezone": "Australia/Sydney"},
    {"phone": "+919876543210", "timezone": "Asia/Kolkata"},
    # Inferred: +1 219 says Eastern, ZIP 46320 says Central: the safe window applies.
    {"phone": "+12192345678", "postal_code": "46320", "country": "US"},
    {"phone": "+12195550101", "postal_code": "46320", "country": "US", "state": "IN"},
]
DST_SWITCHES = [
    dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # US spring forward
    dt.datetime(2026, 11, 1, 6, 0, tzinfo=UTC),  # US fall back
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # EU summer time
    dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # EU winter time
    dt.datetime(2026, 4, 4, 16, 0, tzinfo=UTC),  # Australia back
    dt.datetime(2026, 12, 25, 12, 0, tzinfo=UTC),  # a holiday
]
instants = st.one_of(
    st.builds(
        lambda base, minutes: base + dt.timedelta(minutes=minutes),
        st.sampled_from(DST_SWITCHES),
        st.integers(-3 * 24 * 60, 3 * 24 * 60),
    ),
    st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(UTC),
    ),
)


def allowed_now(contact: Contact, now: dt.datetime) -> bool:
    """An independent statement of the rule, straight from the list's settings."""
    zones = contact.timezone_candidates or []
    start, end = (dt.time(10), dt.time(18)) if contact.state == "CA" else (dt.time(9), dt.time(20))
    for name in zones:
        local = now.astimezone(ZoneInfo(name))
        if local.weekday() == 6 or local.date() == dt.date(2026, 12, 25):
            return False
        if not start <= local.time() < end:
            return False
    return bool(zones)


@pytest.fixture
def populated(db: Database, caller: Caller) -> tuple[ListRead, list[Contact]]:
    with clock.frozen(dt.datetime(2025, 12, 1, tzinfo=UTC)):  # loaded before any instant tried
        lst = make_list(db, caller, calling_window=WINDOW)
        people = [
            add(db, caller, lst, p["phone"], **{k: v for k, v in p.items() if k != "phone"})
            for p in PEOPLE
        ]
    return lst, people


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(now=instants)
def test_a_claim_hands_out_exactly_the_contacts_inside_their_window(
    db: Database, caller: Caller, populated: tuple[ListRead, list[Contact]], now: dt.datetime
) -> None:
    lst, people = populated
    with db.write_engine.connect() as conn, conn.begin() as transaction:
        result = queue_service.claim(
            conn, caller=caller, list_id=lst.id, request=ClaimRequest(count=100), now=now
        )
        transaction.rollback()  # every example starts from the same queue
    got = set(claimed_ids(result))
    for lease in result.leases:
        assert allowed_now(lease.contact, now), (lease.contact.timezone_candidates, now)
    assert got == {p.id for p in people if allowed_now(p, now)}


def test_the_safe_window_contact_waits_for_central_time(
    db: Database, caller: Caller, populated: tuple[ListRead, list[Contact]]
) -> None:
    lst, people = populated
    gary = people[-2]
    assert gary.timezone_candidates == ["America/New_York", "America/Chicago"]
    at_9_eastern = dt.datetime(2026, 6, 3, 13, 0, tzinfo=UTC)  # 08:00 in Gary
    assert gary.id not in claimed_ids(claim(db, caller, lst, at_9_eastern))
    assert gary.id in claimed_ids(claim(db, caller, lst, at_9_eastern + dt.timedelta(hours=1)))


# -- order, leases, outcomes --------------------------------------------------------------


def test_order_is_hot_leads_then_priority_then_age(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller)
    made = [
        add(db, caller, lst, f"+1212555010{i}", timezone="America/New_York", priority=p)
        for i, p in enumerate([5, None, 1, None, 3])
    ]
    order = claimed_ids(claim(db, caller, lst, NOON_UTC))
    assert order == [made[1].id, made[3].id, made[2].id, made[4].id, made[0].id]


def test_leases_are_exclusive_and_expire(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller)
    contact = add(db, caller, lst, "+12125550100", timezone="America/New_York")
    first = claim(db, caller, lst, NOON_UTC, lease=60)
    assert claimed_ids(first) == [contact.id]
    assert first.leases[0].phone.number == "+12125550100"
    assert claimed_ids(claim(db, caller, lst, NOON_UTC + dt.timedelta(seconds=59))) == []
    again = claim(db, caller, lst, NOON_UTC + dt.timedelta(seconds=61))
    assert claimed_ids(again) == [contact.id]
    from dialbook.errors import Conflict

    with pytest.raises(Conflict, match="handed out again"):
        outcome(db, caller, first.leases[0].lease_id, "answered", NOON_UTC)
    outcome(db, caller, again.leases[0].lease_id, "answered", NOON_UTC)


def test_retries_wait_and_attempts_run_out(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller, max_attempts=2, retry_minutes=30)
    contact = add(db, caller, lst, "+12125550100", timezone="America/New_York")
    first = claim(db, caller, lst, NOON_UTC).leases[0]
    result = outcome(db, caller, first.lease_id, "no_answer", NOON_UTC)
    assert (result.status, result.attempts) == ("queued", 1)
    assert result.due_at == NOON_UTC + dt.timedelta(minutes=30)
    assert claimed_ids(claim(db, caller, lst, NOON_UTC + dt.timedelta(minutes=29))) == []
    second = claim(db, caller, lst, NOON_UTC + dt.timedelta(minutes=31)).leases[0]
    assert outcome(db, caller, second.lease_id, "busy", NOON_UTC).status == "exhausted"
    assert claimed_ids(claim(db, caller, lst, NOON_UTC + dt.timedelta(days=1))) == []
    stored = db.run_read(contact_service.get, caller=caller, id=contact.id)
    assert (stored.attempts, stored.last_outcome, stored.status) == (2, "busy", "exhausted")
    assert stored.last_dial_at is not None


def test_callback_at_the_time_asked(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller)
    add(db, caller, lst, "+12125550100", timezone="America/New_York")
    lease = claim(db, caller, lst, NOON_UTC).leases[0]
    later = NOON_UTC + dt.timedelta(hours=3)
    assert outcome(db, caller, lease.lease_id, "callback", NOON_UTC, retry_at=later).due_at == later
    assert claimed_ids(claim(db, caller, lst, later - dt.timedelta(minutes=1))) == []
    assert len(claim(db, caller, lst, later).leases) == 1


def test_a_dnc_request_suppresses_the_number_everywhere(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller)
    other = make_list(db, caller, name="Other")
    add(db, caller, lst, "+12125550100", timezone="America/New_York")
    twin = add(db, caller, other, "+12125550100", timezone="America/New_York")
    lease = claim(db, caller, lst, NOON_UTC).leases[0]
    assert outcome(db, caller, lease.lease_id, "dnc_request", NOON_UTC).status == "dnc"
    check = db.run_read(suppression_service.check, caller=caller, number="212-555-0100")
    assert check.suppressed
    assert check.entries[0].source == "dnc_request"
    assert twin.id not in claimed_ids(claim(db, caller, other, NOON_UTC))


def test_suppression_is_checked_at_claim_time_and_expires(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller)
    contact = add(db, caller, lst, "+12125550100", timezone="America/New_York")
    db.run_write(
        suppression_service.add,
        caller=caller,
        data=SuppressionCreate(number="(212) 555-0100", expires_at=NOON_UTC + dt.timedelta(days=1)),
    )
    assert claimed_ids(claim(db, caller, lst, NOON_UTC)) == []
    assert claimed_ids(claim(db, caller, lst, NOON_UTC + dt.timedelta(days=1, hours=1))) == [
        contact.id
    ]


def test_dnc_flag_and_call_dnd_exclude_but_sms_dnd_does_not(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller)
    add(db, caller, lst, "+12125550100", timezone="America/New_York", dnc=True)
    add(db, caller, lst, "+12125550101", timezone="America/New_York", dnd={"call": "active"})
    add(db, caller, lst, "+12125550102", timezone="America/New_York", dnd={"call": "permanent"})
    ok = add(
        db,
        caller,
        lst,
        "+12125550103",
        timezone="America/New_York",
        dnd={"sms": "active", "call": "inactive"},
    )
    assert claimed_ids(claim(db, caller, lst, NOON_UTC)) == [ok.id]


def test_held_contacts_wait_for_publish(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller, queue_mode="on_publish")
    contact = add(db, caller, lst, "+12125550100", timezone="America/New_York")
    assert claimed_ids(claim(db, caller, lst, NOON_UTC)) == []
    db.run_write(contact_service.publish_list, caller=caller, id=lst.id)
    assert claimed_ids(claim(db, caller, lst, NOON_UTC)) == [contact.id]


def test_contacts_without_a_zone_are_not_dialed_unless_the_list_says_how(
    db: Database, caller: Caller
) -> None:
    lst = make_list(db, caller)
    toll_free = add(db, caller, lst, "+18005550100")
    assert toll_free.timezone is None
    assert claimed_ids(claim(db, caller, lst, NOON_UTC)) == []
    fallback = make_list(db, caller, name="With default", default_timezone="America/Denver")
    contact = add(db, caller, fallback, "+18005550100")
    assert (contact.timezone, contact.timezone_source) == ("America/Denver", "list_default")
    assert claimed_ids(claim(db, caller, fallback, NOON_UTC)) == [contact.id]


def test_preview_counts_every_reason(db: Database, caller: Caller) -> None:
    lst = make_list(db, caller, max_attempts=1)
    add(db, caller, lst, "+12125550100", timezone="America/New_York")  # callable
    add(db, caller, lst, "+12125550101", timezone="America/New_York")  # callable
    add(db, caller, lst, "+12125550102", timezone="America/New_York", dnc=True)
    add(db, caller, lst, "+12125550103", timezone="Asia/Tokyo")  # 01:00 there
    add(db, caller, lst, "+18005550100")  # no zone
    db.run_write(
        suppression_service.add, caller=caller, data=SuppressionCreate(number="+12125550101")
    )
    result = db.run_read(queue_service.preview, caller=caller, list_id=lst.id, now=NOON_UTC)
    assert (result.total, result.callable) == (5, 1)
    assert result.excluded == {
        "do_not_call": 1,
        "suppressed": 1,
        "outside_calling_hours": 1,
        "no_timezone": 1,
    }
    assert result.summary.startswith("1 of 5 callable now; ")
    lease = claim(db, caller, lst, NOON_UTC).leases[0]
    assert (
        db.run_read(queue_service.preview, caller=caller, list_id=lst.id, now=NOON_UTC).excluded[
            "leased"
        ]
        == 1
    )
    outcome(db, caller, lease.lease_id, "no_answer", NOON_UTC)
    after = db.run_read(queue_service.preview, caller=caller, list_id=lst.id, now=NOON_UTC)
    assert after.excluded["finished"] == 1  # max_attempts 1: exhausted


# -- concurrency ---------------------------------------------------------------------------


def test_concurrent_claimers_never_share_a_contact(
    db: Database, caller: Caller, db_url: str
) -> None:
    lst = make_list(db, caller)
    for i in range(60):
        add(db, caller, lst, f"+1212555{i:04d}", timezone="America/New_York")
    if db.is_sqlite:

        async def run() -> list[ClaimResult]:
            return await asyncio.gather(*[
                db.write(queue_service.claim, caller=caller, list_id=lst.id,
                         request=ClaimRequest(count=7), now=NOON_UTC)
                for _ in range(12)
            ])  # fmt: skip

        results = asyncio.run(run())
    else:
        # Separate engines (as separate server processes would have), started together.
        databases = [Database(db_url) for _ in range(6)]
        barrier = threading.Barrier(len(databases))
        results = []
        lock = threading.Lock()

        def worker(database: Database) -> None:
            barrier.wait()
            for _ in range(2):
                got = database.run_write(queue_service.claim, caller=caller, list_id=lst.id,
                                         request=ClaimRequest(count=7), now=NOON_UTC)  # fmt: skip
                with lock:
                    results.append(got)

        threads = [threading.Thread(target=worker, args=(d,)) for d in databases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for database in databases:
            database.close()
    ids = [i for result in results for i in claimed_ids(result)]
    assert len(ids) == len(set(ids)) == 60


# -- over HTTP ----------------------------------------------------------------------------


def test_queue_over_http(api: TestClient) -> None:
    window = {"start": "00:00", "end": "23:59"}
    lst = api.post(
        "/v1/lists",
        json={"name": "Now", "default_timezone": "Atlantic/Reykjavik", "calling_window": window},
    ).json()
    contact = api.post(
        "/v1/contacts", json={"list_id": lst["id"], "phones": ["+18005550100"]}
    ).json()
    assert contact["timezone"] == "Atlantic/Reykjavik"
    preview = api.get(f"/v1/lists/{lst['id']}/queue/preview").json()
    assert preview["callable"] == 1
    claimed = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 5, "agent": "a"})
    assert claimed.status_code == 200
    for lease in claimed.json()["leases"]:
        done = api.post(
            f"/v1/queue/leases/{lease['lease_id']}/outcome", json={"outcome": "answered"}
        )
        assert done.json()["status"] == "completed"
        again = api.post(
            f"/v1/queue/leases/{lease['lease_id']}/outcome", json={"outcome": "answered"}
        )
        assert again.status_code == 409
    assert (
        api.post("/v1/queue/leases/99999/outcome", json={"outcome": "answered"}).status_code == 404
    )
    bad = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 0})
    assert bad.json()["fields"][0]["name"] == "count"
    weird = api.post("/v1/queue/leases/1/outcome", json={"outcome": "exploded"})
    assert weird.status_code == 422


def test_a_callback_time_comes_back_in_utc(api: TestClient) -> None:
    window = {"start": "00:00", "end": "23:59"}
    lst = api.post(
        "/v1/lists",
        json={"name": "Now", "default_timezone": "Atlantic/Reykjavik", "calling_window": window},
    ).json()
    api.post("/v1/contacts", json={"list_id": lst["id"], "phones": ["+18005550100"]})
    [lease] = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 1}).json()["leases"]
    done = api.post(
        f"/v1/queue/leases/{lease['lease_id']}/outcome",
        json={"outcome": "callback", "retry_at": "2030-01-01T10:00:00-05:00"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["due_at"] == "2030-01-01T15:00:00Z"
    events = api.get("/v1/events", params={"types": "queue.outcome_recorded"}).json()["data"]
    assert "2030-01-01T15:00:00Z" in json.dumps(events)
    assert "-05:00" not in json.dumps(events)
