"""Webhook deliveries: how fast a server sends a backlog of events to three endpoints.

A fresh ``dialbook serve`` (SQLite) imports EVENTS contacts (one contact.created event
each) while three endpoints, pointing at a local sink (bench/sink.py), are disabled; then
the three are enabled at once and the clock runs until the sink has received every event
three times. The figure is deliveries per second, over all three endpoints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import (
    CHILDREN,
    DIALBOOK,
    ROOT,
    Result,
    Target,
    dialbook_env,
    free_port,
    log,
    run_cli,
    wait_http,
)
from bench.create import Api

EVENTS = 10_000
ENDPOINTS = 3
TARGET_PER_SECOND = 1_000.0


def start_sink(work: Path) -> tuple[subprocess.Popen[Any], str]:
    """The sink on a free port; its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "bench.sink:app", "--host", "127.0.0.1",
            "--port", str(port), "--loop", "uvloop", "--http", "httptools",
            "--no-access-log", "--log-level", "warning"]  # fmt: skip
    log_file = (work / "sink.log").open("wb")
    proc = CHILDREN.start(args, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/count", proc)
    return proc, f"http://127.0.0.1:{port}"


def received(sink: str) -> int:
    with urllib.request.urlopen(f"{sink}/count", timeout=5) as answer:
        return int(json.loads(answer.read())["total"])


def bench(events: int = EVENTS, results: list[Result] | None = None) -> list[Result]:
    results = [] if results is None else results
    work = Path(tempfile.mkdtemp(prefix="dialbook-bench-webhooks-"))
    procs: list[subprocess.Popen[Any]] = []
    try:
        sink_proc, sink = start_sink(work)
        procs.append(sink_proc)
        env = dialbook_env(work / "data")
        key = run_cli(["keys", "create", "--quiet", "-s", "admin"], env).strip()
        port = free_port()
        log_file = (work / "server.log").open("wb")
        server = CHILDREN.start(
            [DIALBOOK, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level",
             "warning"], env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        procs.append(server)
        wait_http(f"http://127.0.0.1:{port}/healthz", server)
        api = Api(f"http://127.0.0.1:{port}", key)
        hooks = [
            api.ok("POST", "/v1/webhook-endpoints", {"url": f"{sink}/hook{i}",
                   "events": ["contact.created"]})["id"]
            for i in range(ENDPOINTS)
        ]  # fmt: skip
        for hook in hooks:
            api.ok("PATCH", f"/v1/webhook-endpoints/{hook}", {"enabled": False})
        lst = api.ok("POST", "/v1/lists", {"name": "Webhook bench"})
        rows = "phone,first_name\n" + "".join(
            f"+1212{2_000_000 + i:07d},Lead {i}\n" for i in range(events)
        )
        job = api.ok(
            "POST", f"/v1/lists/{lst['id']}/imports", raw=rows.encode(),
            headers={"content-type": "text/csv"},
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while api.ok("GET", f"/v1/imports/{job['id']}")["status"] not in ("done", "failed"):
            if time.monotonic() > deadline:
                raise RuntimeError("the import did not finish in 300 s")
            time.sleep(0.2)
        log(f"webhooks: {events:,} events queued; enabling {ENDPOINTS} endpoints")
        started = time.monotonic()
        for hook in hooks:
            api.ok("PATCH", f"/v1/webhook-endpoints/{hook}", {"enabled": True})
        want = events * ENDPOINTS
        deadline = time.monotonic() + 600
        while (got := received(sink)) < want:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{got:,} of {want:,} deliveries after 600 s")
            time.sleep(0.05)
        seconds = time.monotonic() - started
        rate = want / seconds
        log(f"  {want:,} deliveries in {seconds:.1f} s: {rate:,.0f}/s")
        results.append(
            Result(
                "webhooks",
                f"deliveries/s ({events:,} events x {ENDPOINTS} endpoints)",
                rate,
                "deliveries/s",
                target=Target(">=", TARGET_PER_SECOND, unit="deliveries/s"),
                extra={"seconds": seconds, "deliveries": want},
            )
        )
    except Exception as error:  # noqa: BLE001 - reported as an invalid figure
        log(f"[red]webhooks failed:[/red] {error}")
        results.append(
            Result("webhooks", "deliveries/s", None, "deliveries/s", valid=False, note=str(error))
        )
    finally:
        for proc in procs:
            CHILDREN.stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    return results
