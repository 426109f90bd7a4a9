"""All SQL for import jobs, their rejected rows and the rows kept with warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select, update

from dialbook.db import Conn
from dialbook.db.tables import import_rejects, import_templates, import_warnings, imports
from dialbook.kit.rows import as_dict

_COLUMNS = [c for c in imports.c if c.name not in ("workspace_id",)]


def insert_job(conn: Conn, *, values: dict[str, Any]) -> dict[str, Any]:
    return as_dict(conn.execute(insert(imports).values(**values).returning(*_COLUMNS)).one())


def _job(workspace_id: int, id: int) -> Any:
    return (imports.c.workspace_id == workspace_id) & (imports.c.id == id)


def get_job(conn: Conn, *, workspace_id: int, id: int) -> dict[str, Any] | None:
    row = conn.execute(select(*_COLUMNS).where(_job(workspace_id, id))).one_or_none()
    return None if row is None else as_dict(row)


def update_job(conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any]) -> None:
    conn.execute(update(imports).where(_job(workspace_id, id)).values(**values))


def list_jobs(conn: Conn, *, workspace_id: int, list_id: int, limit: int) -> list[dict[str, Any]]:
    """A list's imports, newest first."""
    rows = conn.execute(
        select(*_COLUMNS)
        .where(imports.c.workspace_id == workspace_id, imports.c.list_id == list_id)
        .order_by(imports.c.id.desc())
        .limit(limit)
    )
    return [as_dict(row) for row in rows]


def mark_undone(conn: Conn, *, workspace_id: int, id: int, now: dt.datetime) -> bool:
    """Mark a finished job undone; False when it is not finished (or already undone)."""
    result = conn.execute(
        update(imports)
        .where(_job(workspace_id, id), imports.c.status.in_(("done", "failed")))
        .values(status="undone", updated_at=now)
    )
    return result.rowcount > 0


def _claimable(now: dt.datetime, dead: list[str]) -> Any:
    """Waiting, or running under a lease that has run out (no lease: a job left running
    before leases existed) or held by a process known to be gone."""
    lapsed = (
        imports.c.lease_until.is_(None)
        | (imports.c.lease_until <= now)
        | imports.c.runner.in_(dead)
    )
    return (imports.c.status == "queued") | ((imports.c.status == "running") & lapsed)


def runners(conn: Conn) -> list[str]:
    """The runs that hold running jobs, in every workspace."""
    rows = conn.execute(
        select(imports.c.runner)
        .prefix_with("/* cross-tenant: the import worker's scan for running jobs */")
        .where(imports.c.status == "running")
        .distinct()
    ).scalars()
    return [r for r in rows if r]


def unfinished(conn: Conn, *, now: dt.datetime, dead: list[str]) -> list[tuple[int, int]]:
    """(workspace_id, id) of the jobs waiting, or running under a lapsed lease, in every
    workspace: claiming and running each is then one workspace's business."""
    rows = conn.execute(
        select(imports.c.workspace_id, imports.c.id)
        .prefix_with("/* cross-tenant: the import worker's scan for unfinished jobs */")
        .where(_claimable(now, dead))
        .order_by(imports.c.id)
    )
    return [(int(workspace_id), int(id)) for workspace_id, id in rows]


def claim(
    conn: Conn,
    *,
    workspace_id: int,
    id: int,
    runner: str,
    now: dt.datetime,
    until: dt.datetime,
    dead: list[str],
    force: bool,
) -> bool:
    """Take the job for ``runner`` until ``until``; False when another process holds it.

    One conditional UPDATE: on PostgreSQL a second taker waits for the first one's row lock,
    then finds the condition false (a fresh lease), so exactly one process wins."""
    query = update(imports).where(_job(workspace_id, id))
    if not force:
        query = query.where(_claimable(now, dead))
    result = conn.execute(
        query.values(
            status="running",
            runner=runner,
            lease_until=until,
            started_at=func.coalesce(imports.c.started_at, now),
            error=None,
            updated_at=now,
        )
    )
    return result.rowcount > 0


def _held(workspace_id: int, id: int, runner: str) -> Any:
    return _job(workspace_id, id) & (imports.c.status == "running") & (imports.c.runner == runner)


def renew(conn: Conn, *, workspace_id: int, id: int, runner: str, until: dt.datetime) -> bool:
    """Extend ``runner``'s lease; False when the job is no longer its (taken over, undone,
    finished). On PostgreSQL the row stays locked to the end of the caller's transaction,
    so no other process can take the job over while that transaction writes."""
    result = conn.execute(
        update(imports).where(_held(workspace_id, id, runner)).values(lease_until=until)
    )
    return result.rowcount > 0


def update_held(
    conn: Conn, *, workspace_id: int, id: int, runner: str, values: dict[str, Any]
) -> bool:
    """``update_job`` only while ``runner`` holds the job; whether it did."""
    result = conn.execute(update(imports).where(_held(workspace_id, id, runner)).values(**values))
    return result.rowcount > 0


def insert_rejects(conn: Conn, *, workspace_id: int, rows: list[dict[str, Any]]) -> None:
    if rows:
        rows = [{**row, "workspace_id": workspace_id} for row in rows]
        conn.execute(insert(import_rejects), rows)


def insert_warnings(conn: Conn, *, workspace_id: int, rows: list[dict[str, Any]]) -> None:
    if rows:
        rows = [{**row, "workspace_id": workspace_id} for row in rows]
        conn.execute(insert(import_warnings), rows)


def warnings(
    conn: Conn, *, workspace_id: int, import_id: int, after_line: int, limit: int
) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(import_warnings.c.line, import_warnings.c.warnings)
        .where(
            import_warnings.c.workspace_id == workspace_id,
            import_warnings.c.import_id == import_id,
            import_warnings.c.line > after_line,
        )
        .order_by(import_warnings.c.line)
        .limit(limit)
    )
    return [as_dict(row) for row in rows]


def rejects(
    conn: Conn, *, workspace_id: int, import_id: int, after_line: int, limit: int
) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(import_rejects.c.line, import_rejects.c.original, import_rejects.c.errors)
        .where(
            import_rejects.c.workspace_id == workspace_id,
            import_rejects.c.import_id == import_id,
            import_rejects.c.line > after_line,
        )
        .order_by(import_rejects.c.line)
        .limit(limit)
    )
    return [as_dict(row) for row in rows]


_TEMPLATE = [c for c in import_templates.c if c.name != "workspace_id"]


def templates(conn: Conn, *, workspace_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(*_TEMPLATE)
        .where(import_templates.c.workspace_id == workspace_id)
        .order_by(import_templates.c.name)
    )
    return [as_dict(row) for row in rows]


def template(conn: Conn, *, workspace_id: int, id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(*_TEMPLATE).where(
            import_templates.c.workspace_id == workspace_id, import_templates.c.id == id
        )
    ).one_or_none()
    return None if row is None else as_dict(row)


def save_template(
    conn: Conn, *, workspace_id: int, name: str, mapping: list[list[str]], now: dt.datetime
) -> dict[str, Any]:
    """Insert the template, or replace the mapping of the one with that name."""
    named = (import_templates.c.workspace_id == workspace_id) & (import_templates.c.name == name)
    replaced = conn.execute(
        update(import_templates).where(named).values(mapping=mapping, updated_at=now)
    )
    if not replaced.rowcount:
        conn.execute(
            insert(import_templates).values(
                workspace_id=workspace_id, name=name, mapping=mapping, created_at=now,
                updated_at=now,
            )
        )  # fmt: skip
    return as_dict(conn.execute(select(*_TEMPLATE).where(named)).one())
