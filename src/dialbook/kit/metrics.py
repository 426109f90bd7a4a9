"""The process's Prometheus instruments (prometheus-client), in a registry of our own.

The code that does the work counts here — the HTTP middleware, SQLite's writer, the
importer, the webhook worker — and ``GET /metrics`` exposes it. Several server processes
share their counts when ``PROMETHEUS_MULTIPROC_DIR`` names an empty directory before they
start: each process then writes its values to files there and a scrape sums them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

CONTENT_TYPE = CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry()

HTTP_REQUESTS = Counter(
    "dialbook_http_requests",
    "Requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "dialbook_http_request_duration_seconds",
    "Time from a request's arrival to its last byte, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
WRITE_BATCH = Histogram(
    "dialbook_db_write_batch_size",
    "Writes committed in one transaction by the group commit.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
    registry=REGISTRY,
)
WRITE_BATCH_RERUNS = Counter(
    "dialbook_db_write_batch_reruns",
    "Group commits rolled back and run again with a savepoint per write, because a write failed.",
    registry=REGISTRY,
)
IMPORT_ROWS = Counter(
    "dialbook_import_rows",
    "Rows of lead files imported by this process, by outcome (rate() gives rows per second).",
    ["outcome"],
    registry=REGISTRY,
)
WEBHOOK_ATTEMPTS = Counter(
    "dialbook_webhook_attempts",
    "Webhook delivery attempts, by result (delivered, failed).",
    ["result"],
    registry=REGISTRY,
)
WEBHOOK_LAG = Histogram(
    "dialbook_webhook_delivery_lag_seconds",
    "Time from an event to its successful delivery.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0),
    registry=REGISTRY,
)


def exposition() -> bytes:
    """The instruments in Prometheus' text format: this process's, or every process's when
    they share a multiprocess directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)
