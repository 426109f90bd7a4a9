"""The dial queue and lookups on a large list, through the library (no HTTP).

Building the list is not measured: a few contacts per place are normalized with
``contacts.normalize.build`` and copied with a unique number each, then written with
``contacts.repository.insert_many`` in batches. Places span the US time zones and
London, Berlin and Sydney; the list's calling window is 09:00-18:00 local and the clock is
fixed at a Monday 18:00 UTC, so contacts in Hawaii, Europe and Australia are outside their
window (as a real list is at any hour). 1% are flagged do-not-call, 5% have a priority, and
1,000 numbers are on the suppression list.

Measured: ``queue.service.claim`` (count 10) many times, each in its own write transaction
(as the server runs it), p50/p99; ``queue.service.preview``; ``contacts.service.page`` with
``phone=`` (a number as people type it) p50/p99. Baselines use the same database file with
Python's sqlite3: the claim's bare SELECT ... ORDER BY ... LIMIT 10 plus the UPDATE that
leases; a COUNT(*) of the list for the preview (each pinned to the workspace, as every
statement of dialbook is: docs/scaling.md); and the bare indexed SELECT of a contact by
its E.164 number for the lookup.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import Result, Target, fmt, log, percentile
from bench.data import US

CLAIM_P99_MS = 5.0
LOOKUP_MS = 1.0
BATCH = 10_000
NOW = dt.datetime(2025, 6, 2, 18, 0, tzinfo=dt.UTC)  # a Monday: 14:00 in New York
DUE = NOW - dt.timedelta(days=1)
WINDOW = {"start": "09:00", "end": "18:00"}

# (area code, city, state, postal code): the US places of the generated lead files.
PLACES = US
ABROAD = [("GB", "London", "EC1A 1BB"), ("DE", "Berlin", "10115"), ("AU", "Sydney", "2000")]


def number(i: int) -> tuple[str, str]:
    """(E.164, as typed) of contact ``i``: unique per ``i``."""
    if i % 10 == 9:  # one in ten abroad
        n = i // 10
        country = ABROAD[n % 3][0]
        digits = f"{n:08d}"
        if country == "GB":
            return f"+44207{digits[-7:]}", f"+44 20 7{digits[-7:-4]} {digits[-4:]}"
        if country == "DE":
            return f"+4930{digits}", f"+49 30 {digits}"
        return f"+612{digits}", f"+61 2 {digits[:4]} {digits[4:]}"
    area = PLACES[i % len(PLACES)][0]
    rest = i // len(PLACES)
    exchange, line = 200 + (rest // 10000) % 800, f"{rest % 10000:04d}"
    return f"+1{area}{exchange}{line}", f"({area}) {exchange}-{line}"


def _place_key(i: int) -> tuple[str, int]:
    if i % 10 == 9:
        return "abroad", (i // 10) % 3
    return "us", i % len(PLACES)


@dataclass(slots=True)
class Built:
    db: Any  # dialbook.db.Database
    path: Path
    caller: Any
    list_id: int
    contacts: int
    seconds: float


def build(directory: Path, contacts: int) -> Built:
    from dialbook.contacts import normalize
    from dialbook.contacts import repository as contact_repository
    from dialbook.db import Database, migrate
    from dialbook.lists import service as list_service
    from dialbook.lists.schemas import CallingWindow, ListCreate
    from dialbook.onboarding import service as onboarding
    from dialbook.suppressions import service as suppression_service
    from dialbook.suppressions.schemas import SuppressionCreate
    from dialbook.workspaces import service as workspace_service
    from dialbook.workspaces.schemas import Caller

    started = time.perf_counter()
    path = directory / "dialbook.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    db = Database(url, readers=2)
    db.run_write(onboarding.bootstrap, default_region="US")
    workspace = db.run_read(workspace_service.find_workspace, name_or_id="default")
    caller = Caller(
        workspace_id=workspace.id,
        key_id=0,
        scopes=frozenset({"admin"}),
        default_region=workspace.default_region,
    )
    lst = db.run_write(
        list_service.create,
        caller=caller,
        data=ListCreate(
            name="Bench queue", default_region="US", calling_window=CallingWindow(**WINDOW)
        ),
    )
    # One normalized template per place; rows copy it with their own number.
    templates: dict[tuple[str, int], dict[str, Any]] = {}
    for i in range(len(PLACES) * 30):
        key = _place_key(i)
        if key in templates:
            continue
        e164, typed = number(i)
        if key[0] == "us":
            _area, city, state, postal = PLACES[key[1]]
            country = "US"
        else:
            country, city, postal = ABROAD[key[1]]
            state = None
        given = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phones": [typed],
            "company": "Acme Corp",
            "title": "Owner",
            "city": city,
            "state": state,
            "postal_code": postal,
            "country": country,
            "tags": ["bench"],
        }
        columns = normalize.build(given, regions=["US", "US"], definitions={})
        values = {**normalize.defaults(), **columns}
        zone = values.pop("zone_key")
        values["zone_id"] = (
            None if zone is None else db.run_write(contact_repository.zone_id, key=zone)
        )
        values.update(
            workspace_id=workspace.id,
            list_id=lst.id,
            status="queued",
            due_at=DUE,
            created_at=DUE,
            updated_at=DUE,
            version=1,
        )
        templates[key] = values
    rng = random.Random(11)
    for start in range(0, contacts, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, contacts)):
            row = dict(templates[_place_key(i)])
            e164, typed = number(i)
            row["phones"] = [{**row["phones"][0], "number": e164, "raw": typed}]
            row["dial_number"] = e164
            row["email"] = row["email_key"] = f"lead{i}@example.com"
            roll = rng.random()
            if roll < 0.01:
                row["dnc"] = True
            elif roll < 0.06:
                row["priority"] = row["queue_rank"] = rng.randint(1, 5)
            rows.append(row)
        db.run_write(contact_repository.insert_many, rows=rows)
    suppressed = [
        SuppressionCreate(number=number(i)[0])
        for i in rng.sample(range(contacts), min(1000, contacts))
    ]
    db.run_write(suppression_service.add_many, caller=caller, entries=suppressed, source="import")
    return Built(db, path, caller, lst.id, contacts, time.perf_counter() - started)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _sqlite_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def measure_claims(built: Built, count: int) -> list[Result]:
    from dialbook.queue import service as queue_service
    from dialbook.queue.schemas import ClaimRequest
    from dialbook.queue.windows import window_from

    # The baseline: the bare SELECT ... LIMIT 10 and the UPDATE that leases, in one
    # transaction that is rolled back. It runs right after each real claim, so it sees the
    # queue in the same state (every claim leaves the contacts it skipped at the head of the
    # queue, so both get slower as claims go on) and leaves it as it was.
    open_ids = built.db.run_read(queue_service.open_zone_ids, window=window_from(WINDOW), now=NOW)
    marks = ", ".join("?" for _ in open_ids)
    select = (
        "SELECT id, dial_number FROM contacts WHERE workspace_id = ? AND list_id = ? "
        "AND status = 'queued' "
        "AND due_at <= ? AND dnc = 0 AND dnd_call = 0 AND dial_number IS NOT NULL "
        f"AND zone_id IN ({marks}) ORDER BY queue_rank, due_at, id LIMIT 10"
    )
    expires = _sqlite_time(NOW + dt.timedelta(minutes=5))
    raw = sqlite3.connect(built.path, isolation_level=None)
    times: list[float] = []
    base: list[float] = []
    short = 0
    try:
        raw.execute("PRAGMA busy_timeout=30000")
        raw.execute("PRAGMA synchronous=NORMAL")
        for k in range(count):
            now = NOW + dt.timedelta(milliseconds=k)
            request = ClaimRequest(count=10, agent=f"agent-{k % 20}")
            ms, result = _timed(
                lambda now=now, request=request: built.db.run_write(
                    queue_service.claim,
                    caller=built.caller,
                    list_id=built.list_id,
                    request=request,
                    now=now,
                )
            )
            times.append(ms)
            short += len(result.leases) != 10
            started = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            later = _sqlite_time(now + dt.timedelta(milliseconds=1))
            workspace = built.caller.workspace_id
            ids = [r[0] for r in raw.execute(select, [workspace, built.list_id, later, *open_ids])]
            raw.execute(
                "UPDATE contacts SET status = 'leased', lease_expires_at = ?"
                f" WHERE workspace_id = ? AND id IN ({', '.join('?' for _ in ids)})",
                [expires, workspace, *ids],
            )
            raw.execute("ROLLBACK")
            base.append((time.perf_counter() - started) * 1000)
    finally:
        raw.close()
    note = f"{short} of {count} claims got fewer than 10 contacts" if short else ""
    tenth = max(1, count // 10)
    extra = {
        "claims": count,
        "open_zone_ids": len(open_ids),
        "first_tenth_p50_ms": percentile(times[:tenth], 50),
        "last_tenth_p50_ms": percentile(times[-tenth:], 50),
        "baseline_first_tenth_p50_ms": percentile(base[:tenth], 50),
        "baseline_last_tenth_p50_ms": percentile(base[-tenth:], 50),
    }
    results = [
        Result(
            "claim",
            f"claim 10 of {_size(built)} p50",
            percentile(times, 50),
            "ms",
            baseline=percentile(base, 50),
            baseline_name="bare SQL",
            extra=extra,
        ),
        Result(
            "claim",
            f"claim 10 of {_size(built)} p99",
            percentile(times, 99),
            "ms",
            baseline=percentile(base, 99),
            baseline_name="bare SQL",
            target=Target("<=", CLAIM_P99_MS, unit="ms"),
            valid=not short,
            note=note,
        ),
    ]
    # The preview counts the whole list.
    previews = []
    summary = ""
    for _ in range(3):
        ms, preview = _timed(
            lambda: built.db.run_read(
                queue_service.preview, caller=built.caller, list_id=built.list_id, now=NOW
            )
        )
        previews.append(ms)
        summary = preview.summary
    raw = sqlite3.connect(built.path)
    try:
        counts = [
            _timed(
                lambda: raw.execute(
                    "SELECT count(*) FROM contacts WHERE workspace_id = ? AND list_id = ?",
                    [built.caller.workspace_id, built.list_id],
                ).fetchone()
            )[0]
            for _ in range(3)
        ]
    finally:
        raw.close()
    results.append(
        Result(
            "claim",
            f"queue preview of {_size(built)}",
            statistics.median(previews),
            "ms",
            baseline=statistics.median(counts),
            baseline_name="COUNT(*)",
            note=f"median of 3; {summary}",
            extra={"runs_ms": previews},
        )
    )
    return results


def measure_lookups(built: Built, count: int) -> list[Result]:
    from dialbook.contacts import service as contact_service
    from dialbook.contacts.schemas import ContactQuery

    rng = random.Random(5)
    picks = [rng.randrange(built.contacts) for _ in range(count)]
    times: list[float] = []
    misses = 0
    for i in picks:
        query = ContactQuery(phone=number(i)[1], limit=50)
        ms, page = _timed(
            lambda query=query: built.db.run_read(
                contact_service.page, caller=built.caller, query=query
            )
        )
        times.append(ms)
        misses += len(page.data) != 1
    raw = sqlite3.connect(built.path)
    base: list[float] = []
    try:
        sql = (
            "SELECT * FROM contacts WHERE workspace_id = ? AND id IN (SELECT contact_id FROM "
            "contact_phones WHERE workspace_id = ? AND number = ?) ORDER BY id LIMIT 51"
        )
        workspace = built.caller.workspace_id
        for i in picks:
            e164 = number(i)[0]
            ms, _rows = _timed(
                lambda e164=e164: raw.execute(sql, [workspace, workspace, e164]).fetchall()
            )
            base.append(ms)
    finally:
        raw.close()
    note = f"{misses} of {count} lookups did not find exactly one contact" if misses else ""
    size = _size(built)
    return [
        Result(
            "lookup",
            f"phone lookup in {size} p50",
            percentile(times, 50),
            "ms",
            baseline=percentile(base, 50),
            baseline_name="bare SELECT",
            target=Target("<=", LOOKUP_MS, unit="ms"),
            valid=not misses,
            note=note,
            extra={"lookups": count},
        ),
        Result(
            "lookup",
            f"phone lookup in {size} p99",
            percentile(times, 99),
            "ms",
            baseline=percentile(base, 99),
            baseline_name="bare SELECT",
        ),
    ]


def _size(built: Built) -> str:
    n = built.contacts
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n:,}"


def bench(
    contacts: int,
    *,
    claims: int,
    lookups: int,
    groups: list[str],
    results: list[Result] | None = None,
) -> list[Result]:
    """Build the list once, then measure; figures are appended to ``results``."""
    directory = Path(tempfile.mkdtemp(prefix="dialbook-bench-queue-"))
    results = [] if results is None else results
    built: Built | None = None
    try:
        log(f"claim/lookup: building a list of {contacts:,} contacts (not measured)")
        built = build(directory, contacts)
        log(f"  built in {built.seconds:.1f} s ({contacts / built.seconds:,.0f} contacts/s)")
        found: list[Result] = []
        if "lookup" in groups:
            log(f"lookup: {lookups:,} phone lookups")
            found += measure_lookups(built, lookups)
        if "claim" in groups:
            log(f"claim: {claims:,} claims of 10, then the queue preview")
            found += measure_claims(built, claims)
        for result in found:
            log(
                f"  {result.metric}: {fmt(result.value, result.unit)} "
                f"(baseline {fmt(result.baseline, result.unit)})"
            )
        results += found
    finally:
        if built is not None:
            built.db.close()
        shutil.rmtree(directory, ignore_errors=True)
    return results
