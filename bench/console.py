"""The console's pages on a large list: server time, idle and while an import runs.

The list is built as for the claim benchmark (``claims.build``, not measured). The app runs
in this process behind Starlette's test client (no sockets: the figure is the server's
time for the page, rendering included); a console admin is signed in. Measured, p50 of
``pages`` requests each:

- the lists screen (``/console/lists``: the lists, whose rows then ask for their counts);
- the lists screen's counts row of the large list (``/console/lists/{id}/counts``: its
  contacts by status, by time zone, attempts; the page's heavy part, with the same target);
- a contact search by phone, typed as people type it (``/console/contacts?phone=``);
- the contact page (every field, the history, "callable now?");
- the lists screen's "callable now" cell of the large list (the queue's preview, which
  the page asks for after it is shown): reported, no target.

Then a second list receives an import of ``import_rows`` generated leads through
``POST /v1/lists/{id}/imports`` (the server's background import: worker processes), and
the pages are timed again while it runs; the figure is the ratio to idle.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench import claims, data
from bench.common import Result, Target, fmt, log, percentile

PAGE_MS = 150.0
BUSY_RATIO = 2.0
PASSWORD = "bench password 1"


def _signed_in(client: Any) -> None:
    import re

    form = client.get("/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/console/login",
        data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def _times(client: Any, paths: list[str]) -> tuple[list[float], int]:
    """Milliseconds per request, and how many did not answer 200."""
    times, bad = [], 0
    for path in paths:
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        bad += answer.status_code != 200
    return times, bad


def _pages(built: claims.Built, count: int) -> dict[str, list[str]]:
    rng = random.Random(3)
    picks = [rng.randrange(built.contacts) for _ in range(count)]
    first = built.db.run_read(_first_contact_id, workspace_id=built.caller.workspace_id)
    return {
        "lists screen": ["/console/lists"] * count,
        "lists screen's counts row": [f"/console/lists/{built.list_id}/counts"] * count,
        "contact search by phone": [
            f"/console/contacts?phone={quote(claims.number(i)[1])}" for i in picks
        ],
        "contact page": [f"/console/contacts/{first + i}" for i in picks],
    }


def _first_contact_id(conn: Any, *, workspace_id: int) -> int:
    from dialbook.contacts import service as contact_service
    from dialbook.contacts.schemas import ContactQuery
    from dialbook.workspaces.schemas import system_caller

    found = contact_service.page(
        conn, caller=system_caller(workspace_id), query=ContactQuery(limit=1)
    )
    return int(found.data[0].id)


def measure(built: claims.Built, directory: Path, pages: int, import_rows: int) -> list[Result]:
    from starlette.testclient import TestClient

    from dialbook.app import create_app
    from dialbook.config import Settings
    from dialbook.users import service as user_service
    from dialbook.workspaces import service as workspace_service

    workspace = built.caller.workspace_id
    built.db.run_write(
        user_service.create,
        workspace_id=workspace,
        email="bench@example.com",
        role="admin",
        password=PASSWORD,
    )
    key = built.db.run_write(workspace_service.create_key, workspace_id=workspace).key
    settings = Settings(data_dir=directory / "data", database_url=f"sqlite:///{built.path}")
    size = claims._size(built)
    results: list[Result] = []
    with TestClient(create_app(settings, db=built.db)) as client:
        _signed_in(client)
        paths = _pages(built, pages)
        idle: dict[str, float] = {}
        for name, wanted in paths.items():
            _times(client, wanted[:5])  # warm-up
            times, bad = _times(client, wanted)
            idle[name] = percentile(times, 50)
            results.append(
                Result(
                    "console",
                    f"{name} on {size} p50",
                    idle[name],
                    "ms",
                    target=Target("<=", PAGE_MS, unit="ms"),
                    valid=not bad,
                    note=f"{bad} answers were not 200" if bad else "",
                    extra={"requests": len(times), "p99_ms": percentile(times, 99)},
                )
            )
        preview, bad = _times(client, [f"/console/lists/{built.list_id}/callable"] * 3)
        results.append(
            Result(
                "console",
                f"lists screen's callable-now cell of {size} (the preview), median of 3",
                percentile(preview, 50),
                "ms",
                valid=not bad,
            )
        )
        results += _while_importing(client, key, directory, paths, idle, import_rows, size)
    return results


def _while_importing(
    client: Any,
    key: str,
    directory: Path,
    paths: dict[str, list[str]],
    idle: dict[str, float],
    rows: int,
    size: str,
) -> list[Result]:
    auth = {"Authorization": f"Bearer {key}"}
    messy, clean = directory / "leads.csv", directory / "clean.csv"
    data.write(rows, messy, clean)
    target = client.post("/v1/lists", json={"name": "Bench import"}, headers=auth).json()
    with messy.open("rb") as body:
        job = client.post(
            f"/v1/lists/{target['id']}/imports",
            content=body,
            params={"filename": "leads.csv"},
            headers=auth,
        ).json()
    busy: dict[str, list[float]] = {name: [] for name in paths}
    bad = rounds = 0
    while client.get(f"/v1/imports/{job['id']}", headers=auth).json()["status"] in (
        "queued",
        "running",
    ):
        for name, wanted in paths.items():  # one of each page per round, in turn
            times, failed = _times(client, [wanted[rounds % len(wanted)]])
            busy[name] += times
            bad += failed
        rounds += 1
    status = client.get(f"/v1/imports/{job['id']}", headers=auth).json()
    results = []
    for name, times in busy.items():
        value = percentile(times, 50) / idle[name] if times else None
        results.append(
            Result(
                "console",
                f"{name} on {size} during a {rows:,}-row import, p50 / idle p50",
                value,
                "x",
                target=Target("<=", BUSY_RATIO),
                valid=bool(times) and not bad and status["status"] == "done",
                note=(
                    f"{len(times)} requests while the import ran, p50 "
                    f"{fmt(percentile(times, 50) if times else None, 'ms')}; "
                    f"import {status['status']}"
                ),
                extra={"busy_p50_ms": percentile(times, 50) if times else None},
            )
        )
    return results


def bench(
    contacts: int, *, pages: int, import_rows: int, results: list[Result] | None = None
) -> list[Result]:
    directory = Path(tempfile.mkdtemp(prefix="dialbook-bench-console-"))
    results = [] if results is None else results
    built: claims.Built | None = None
    try:
        log(f"console: building a list of {contacts:,} contacts (not measured)")
        built = claims.build(directory, contacts)
        log(f"console: {pages} requests per page, then again during a {import_rows:,}-row import")
        found = measure(built, directory, pages, import_rows)
        for result in found:
            log(f"  {result.metric}: {fmt(result.value, result.unit)}")
        results += found
    finally:
        if built is not None:
            built.db.close()
        shutil.rmtree(directory, ignore_errors=True)
    return results
