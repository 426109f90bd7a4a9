"""The scrape's reads: one transaction over the caller's workspace."""

from __future__ import annotations

from dialbook.db import Conn
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.metrics.schemas import WorkspaceGauges
from dialbook.webhooks import service as webhook_service
from dialbook.workspaces.schemas import Caller


def workspace_gauges(conn: Conn, *, caller: Caller) -> WorkspaceGauges:
    found = list_service.stats(conn, workspace_id=caller.workspace_id, ids=None)
    return WorkspaceGauges(
        lists=[found[id] for id in sorted(found)],
        webhooks=webhook_service.backlog(conn, caller=caller, now=clock.now()),
    )
