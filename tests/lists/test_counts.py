"""A list's counts (the console's lists screen): contacts by status and by calling zone,
and attempts, in one pass; the same figures as the metrics' per-status counts and the
list's contact count, on SQLite and PostgreSQL."""

from __future__ import annotations

from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListCounts, ListStats
from dialbook.queue import service as queue_service
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list

WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ALL_DAY = {"days": WEEK, "start": "00:00", "end": "23:59"}


def _counts(db: Database, caller: Caller, id: int) -> ListCounts:
    return db.run_read(list_service.counts, workspace_id=caller.workspace_id, id=id)


def test_a_lists_counts_by_status_zone_and_attempts(
    api: TestClient, db: Database, caller: Caller
) -> None:
    lst = create_list(api, name="Counted", calling_window=ALL_DAY)
    other = create_list(api, name="Elsewhere")
    zones = ["America/Chicago", "America/Chicago", "America/Chicago", "Europe/Berlin", None]
    # (without a time zone: New York's, from the number's area code)
    for n, zone in enumerate(zones):
        body = {"list_id": lst["id"], "phones": [f"+1212555012{n}"], "timezone": zone}
        assert api.post("/v1/contacts", json=body).status_code == 201
    assert api.post("/v1/contacts", json={"list_id": other["id"], "phones": ["+12125550199"]})
    claimed = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 2}).json()
    assert len(claimed["leases"]) == 2
    lease = claimed["leases"][0]["lease_id"]
    api.post(f"/v1/queue/leases/{lease}/outcome", json={"outcome": "no_answer"})  # an attempt

    found = _counts(db, caller, lst["id"])
    assert found.contacts == 5
    assert found.stats == ListStats(
        list_id=lst["id"], by_status={"queued": 4, "leased": 1}, attempts=1
    )
    named = db.run_read(queue_service.named_zones, list_id=lst["id"], tallies=found.zones)
    assert [(z.zones, z.contacts) for z in named] == [
        (["America/Chicago"], 3), (["America/New_York"], 1), (["Europe/Berlin"], 1),
    ]  # the largest first  # fmt: skip
    # The same figures as the other ways of counting them.
    every = db.run_read(list_service.stats, workspace_id=caller.workspace_id, ids=None)
    assert every[lst["id"]] == found.stats
    got = db.run_read(list_service.get, workspace_id=caller.workspace_id, id=lst["id"])
    assert got.contact_count == found.contacts

    # Deleting contacts and moving one to another list change them at once.
    first = api.get("/v1/contacts", params={"list_id": lst["id"], "limit": 2}).json()["data"]
    assert api.delete(f"/v1/contacts/{first[0]['id']}").status_code == 204
    moved = api.patch(f"/v1/contacts/{first[1]['id']}", json={"list_id": other["id"]})
    assert moved.status_code == 200, moved.text
    after = _counts(db, caller, lst["id"])
    assert after.contacts == 3
    assert sum(after.stats.by_status.values()) == 3
    assert _counts(db, caller, other["id"]).contacts == 2


def test_an_empty_list_counts_nothing(api: TestClient, db: Database, caller: Caller) -> None:
    lst = create_list(api, name="Empty")
    found = _counts(db, caller, lst["id"])
    assert found == ListCounts(
        contacts=0, stats=ListStats(list_id=lst["id"], by_status={}, attempts=0), zones=[]
    )
