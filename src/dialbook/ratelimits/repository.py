from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from dialbook.db import Conn
from dialbook.db.tables import rate_limits as R


def take(
    conn: Conn,
    *,
    workspace_id: int,
    key_id: int,
    now: dt.datetime,
    interval: dt.timedelta,
    latest: dt.datetime,
) -> bool:
    """Count one request of the key when its theoretical arrival time is at most
    ``latest``; False (and nothing changed) when it is later: over the limit."""
    statement = (
        insert(R)
        .values(workspace_id=workspace_id, key_id=key_id, tat=now + interval)
        .on_conflict_do_update(
            index_elements=[R.c.workspace_id, R.c.key_id],
            set_={"tat": func.greatest(R.c.tat, now) + interval},
            where=R.c.tat <= latest,
        )
        .returning(R.c.tat)
    )
    return conn.execute(statement).first() is not None


def arrival(conn: Conn, *, workspace_id: int, key_id: int) -> dt.datetime | None:
    return conn.execute(
        select(R.c.tat).where(R.c.workspace_id == workspace_id, R.c.key_id == key_id)
    ).scalar()
