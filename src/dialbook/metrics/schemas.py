from __future__ import annotations

from msgspec import Struct

from dialbook.lists.schemas import ListStats
from dialbook.webhooks.schemas import Backlog


class WorkspaceGauges(Struct, kw_only=True):
    """What a scrape reads from the database, for the caller's workspace only."""

    lists: list[ListStats]
    webhooks: list[Backlog]
