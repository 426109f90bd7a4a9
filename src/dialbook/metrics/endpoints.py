from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from starlette.responses import Response

from dialbook.http.routing import Context, Router
from dialbook.kit.metrics import CONTENT_TYPE, exposition
from dialbook.metrics import service
from dialbook.metrics.schemas import WorkspaceGauges

router = Router(tag="metrics")


@router.route("GET", "/metrics", scope="admin")
async def metrics(ctx: Context) -> Response:
    """Prometheus metrics: requests and latency by route, SQLite write batch sizes, import
    rows, webhook deliveries and lag (this process, or every process sharing
    PROMETHEUS_MULTIPROC_DIR), and the caller's workspace's contacts per list and queue
    status and webhook backlog."""
    found = await ctx.db.read(service.workspace_gauges, caller=ctx.caller)
    registry = CollectorRegistry()
    registry.register(_Gauges(found))
    return Response(exposition() + generate_latest(registry), media_type=CONTENT_TYPE)


class _Gauges:
    """The workspace's numbers as metric families (read once per scrape)."""

    def __init__(self, found: WorkspaceGauges) -> None:
        self._found = found

    def collect(self) -> Iterator[Metric]:
        contacts = GaugeMetricFamily(
            "dialbook_list_contacts",
            "Contacts in each list by queue status (the queue's depth is status queued).",
            labels=["list_id", "status"],
        )
        attempts = GaugeMetricFamily(
            "dialbook_list_attempts",
            "Dial attempts made on each list's contacts.",
            labels=["list_id"],
        )
        for stats in self._found.lists:
            for status, count in sorted(stats.by_status.items()):
                contacts.add_metric([str(stats.list_id), status], count)
            attempts.add_metric([str(stats.list_id)], stats.attempts)
        pending = GaugeMetricFamily(
            "dialbook_webhook_pending_deliveries",
            "Deliveries waiting to be sent, per endpoint.",
            labels=["endpoint_id"],
        )
        oldest = GaugeMetricFamily(
            "dialbook_webhook_oldest_pending_seconds",
            "How long the oldest waiting delivery has waited, per endpoint.",
            labels=["endpoint_id"],
        )
        for backlog in self._found.webhooks:
            pending.add_metric([str(backlog.endpoint_id)], backlog.pending)
            oldest.add_metric([str(backlog.endpoint_id)], backlog.oldest_seconds)
        yield from (contacts, attempts, pending, oldest)
