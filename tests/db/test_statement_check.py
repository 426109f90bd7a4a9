"""The statement rule's checker (db/statement_check.py): what it catches, what it lets
through, and that the engine installs it on PostgreSQL for every statement sent, the
driver-level cursors and COPY included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from dialbook.db import Database, bulk, statement_check
from dialbook.db.statement_check import TenancyViolation, problems
from dialbook.db.tables import contact_tags
from dialbook.db.tenancy import CHECK_VARIABLE


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("SELECT id FROM contacts WHERE list_id = $1", "contacts is not pinned"),
        (
            "SELECT c.id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id"
            " WHERE p.workspace_id = $1",
            "contacts (c) is not pinned",
        ),
        (
            "INSERT INTO import_rejects (import_id, line, errors) VALUES ($1, $2, $3)",
            "INSERT INTO import_rejects does not list workspace_id",
        ),
        ("INSERT INTO contact_tags VALUES ($1, $2, $3)", "does not list workspace_id"),
        ("COPY contact_phones (contact_id, number) FROM STDIN", "does not list workspace_id"),
        ("COPY contacts TO STDOUT", "copies every workspace's rows"),
        # A pin that an OR can undo is no pin.
        ("SELECT id FROM contacts WHERE workspace_id = $1 OR id = $2", "contacts is not pinned"),
        ("SELECT id FROM contacts WHERE workspace_id = NULL", "contacts is not pinned"),
        ("SELECT id FROM contacts WHERE workspace_id = ANY($1)", "contacts is not pinned"),
        # Every scope: subqueries, CTEs, set operations, INSERT ... SELECT.
        (
            "SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND NOT EXISTS"
            " (SELECT 1 FROM suppressions s WHERE s.number = c.dial_number)",
            "suppressions (s) is not pinned",
        ),
        (
            "SELECT id FROM contacts WHERE workspace_id = $1 AND id IN"
            " (SELECT contact_id FROM contact_tags WHERE tag = $2)",
            "contact_tags is not pinned",
        ),
        ("WITH x AS (SELECT id FROM contacts WHERE list_id = $1) SELECT id FROM x", "contacts"),
        (
            "SELECT id FROM lists WHERE workspace_id = $1"
            " UNION ALL SELECT id FROM contacts WHERE list_id = $2",
            "contacts is not pinned",
        ),
        (
            "INSERT INTO contact_events (workspace_id, contact_id, action, at)"
            " SELECT workspace_id, id, $1, $2 FROM contacts WHERE id = ANY($3)",
            "contacts is not pinned",
        ),
        (
            "UPDATE contacts SET status = 'queued' FROM lists l"
            " WHERE contacts.workspace_id = $1 AND l.id = contacts.list_id",
            "lists (l) is not pinned",
        ),
        ("DELETE FROM idempotency_keys WHERE expires_at <= $1", "idempotency_keys is not"),
        ("UPDATE lists SET workspace_id = $1 WHERE workspace_id = $2", "changes workspace_id"),
        ("SELECT FROM WHERE", "cannot parse"),
    ],
)
def test_statements_that_break_the_rule_are_caught(sql: str, problem: str) -> None:
    found = problems(sql)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM contacts WHERE workspace_id = $1 AND list_id = $2",
        "SELECT id FROM contacts WHERE workspace_id = 7",
        "SELECT id FROM contacts c WHERE $1::bigint = c.workspace_id",
        # Joined on workspace_id to a pinned table, in either order.
        "SELECT c.id FROM contact_phones p JOIN contacts c ON c.workspace_id = p.workspace_id"
        " AND c.id = p.contact_id WHERE p.workspace_id = $1 AND p.number = $2",
        "SELECT c.id FROM contacts c, lists l WHERE l.workspace_id = c.workspace_id"
        " AND c.workspace_id = $1",
        # A correlated subquery pinned through its enclosing query's pinned table.
        "SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND NOT EXISTS"
        " (SELECT 1 FROM suppressions s WHERE s.workspace_id = c.workspace_id)",
        # The claim: LATERAL, FOR UPDATE SKIP LOCKED, a function in FROM.
        "SELECT x.id FROM unnest($1::int[]) AS z(zone) CROSS JOIN LATERAL (SELECT c.id"
        " FROM contacts c WHERE c.workspace_id = $2 AND c.list_id = $3 AND c.zone_id = z.zone"
        " AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = $2"
        " AND s.number = c.dial_number) FOR UPDATE OF c SKIP LOCKED) AS x LIMIT $4",
        "INSERT INTO import_rejects (workspace_id, import_id, line) VALUES ($1, $2, $3)",
        "INSERT INTO contact_events (workspace_id, contact_id) SELECT workspace_id, id"
        " FROM contacts WHERE workspace_id = $1 AND id = ANY($2)",
        "COPY contact_phones (contact_id, workspace_id, number, position) FROM STDIN",
        "DELETE FROM contact_tags WHERE workspace_id = $1 AND contact_id = $2",
        # Reference tables need no pin; statements on no table need none either.
        "SELECT k.id FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id"
        " WHERE k.key_hash = $1",
        "SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, $1)",
        "SAVEPOINT dialbook_job",
        "TRUNCATE contacts",
        # The marker: a deliberate cross-tenant statement, listed in docs/scaling.md.
        "DELETE /* cross-tenant: a purge */ FROM idempotency_keys WHERE expires_at <= $1",
    ],
)
def test_statements_that_follow_the_rule_pass(sql: str) -> None:
    assert problems(sql) == ()


@pytest.mark.postgres
def test_every_statement_sent_is_checked(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the engine: SQLAlchemy Core, a driver cursor and COPY (db/bulk.py)."""
    monkeypatch.setenv(CHECK_VARIABLE, "enforce")
    checked = Database(postgres_url)
    rows = [{"contact_id": 1, "tag": f"t{i}"} for i in range(bulk.COPY_FROM)]  # COPY
    try:
        with checked.write_engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # nothing to pin
            with pytest.raises(TenancyViolation, match="contacts is not pinned"):
                conn.execute(text("SELECT id FROM contacts WHERE list_id = :l"), {"l": 1})
            conn.rollback()
            with pytest.raises(TenancyViolation, match="contacts is not pinned"):
                bulk.query(conn, "SELECT id FROM contacts WHERE id = ?", [1])
            conn.rollback()
            with pytest.raises(TenancyViolation, match="COPY contact_tags does not list"):
                bulk.insert_rows(conn, contact_tags, rows)
            conn.rollback()
            with pytest.raises(TenancyViolation, match="does not list workspace_id"):
                bulk.insert_one(conn, contact_tags, rows[0])
            conn.rollback()
    finally:
        checked.close()
        statement_check.take()  # provoked on purpose: not this test's failure


@pytest.mark.postgres
def test_report_mode_records_without_raising(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHECK_VARIABLE, "report")
    statement_check.take()
    checked = Database(postgres_url)
    try:
        found = checked.run_read(bulk.query, "SELECT id FROM lists WHERE name = ?", ["x"])
    finally:
        checked.close()
    assert found == []
    recorded = statement_check.take()
    assert [f.problems for f in recorded] == [("lists is not pinned to one workspace_id",)]
    assert recorded[0].sql == "SELECT id FROM lists WHERE name = $1"


def test_every_cross_tenant_statement_is_listed_in_the_docs() -> None:
    """A statement marked cross-tenant says why, and docs/scaling.md lists it."""
    root = Path(__file__).parents[2]
    docs = (root / "docs" / "scaling.md").read_text()
    rule = {"tenancy.py", "statement_check.py"}  # where the marker is explained
    marked = {
        (path.relative_to(root).as_posix(), reason)
        for path in (root / "src").rglob("*.py")
        if path.name not in rule
        for reason in re.findall(r"/\* cross-tenant: (.+?) \*/", path.read_text())
    }
    assert {reason for _path, reason in marked} == {
        "the import worker's scan for running jobs",
        "the import worker's scan for unfinished jobs",
        "expired idempotency keys of every workspace",
        "the webhook worker's scan for enabled endpoints",
    }
    for path, reason in marked:
        assert f"| {reason} |" in docs, f"docs/scaling.md does not list {reason!r} ({path})"
