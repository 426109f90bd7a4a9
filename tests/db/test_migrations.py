"""Migrating a database that holds data: the tenant keys (0002) on both backends."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

from dialbook.db import citus, migrate
from dialbook.db import engine as engines
from dialbook.db.tables import schema_for
from tests.conftest import POSTGRES_ADMIN_URL, POSTGRES_SKIP_REASON

NOW = "2026-11-30 12:00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Iterator[str]:
    """A new, empty database of its own (migrations are run by the test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if POSTGRES_ADMIN_URL is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    admin = make_url(engines.normalize_url(POSTGRES_ADMIN_URL))
    name = f"dialbook_migrate_{os.getpid()}_{worker_id}"
    engine = engines.create(admin.render_as_string(hide_password=False), pool_size=1)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _fill_0001(conn: Connection) -> None:
    """One workspace's rows as revision 0001 stored them, with an index row repeated."""
    statements = [
        f"INSERT INTO workspaces (id, name, created_at) VALUES (7, 'w', '{NOW}')",
        "INSERT INTO lists (id, workspace_id, name, is_default, duplicate_key, duplicate_scope,"
        f" queue_mode, retry_minutes, created_at, updated_at) VALUES (3, 7, 'Leads', true,"
        f" 'phone', 'list', 'immediate', 60, '{NOW}', '{NOW}')",
        "INSERT INTO contacts (id, workspace_id, list_id, phones, dnc, dnd, tags, custom_fields,"
        " external_refs, status, attempts, created_at, updated_at, version, queue_rank,"
        f" dnd_call) VALUES (5, 7, 3, '[]', false, '{{}}', '[\"a\"]', '{{}}', '[]', 'queued', 0,"
        f" '{NOW}', '{NOW}', 1, -1, false)",
        "INSERT INTO contact_tags (contact_id, workspace_id, tag) VALUES (5, 7, 'a'), (5, 7, 'a')",
        "INSERT INTO imports (id, workspace_id, list_id, status, filename, path, options,"
        " rows_read, created, updated, skipped, rejected, last_line, bytes_total, bytes_done,"
        f" created_at, updated_at) VALUES (9, 7, 3, 'done', 'a.csv', '/a.csv', '{{}}', 2, 0, 0,"
        f" 0, 2, 2, 10, 10, '{NOW}', '{NOW}')",
        "INSERT INTO import_rejects (import_id, line, errors) VALUES (9, 1, '[]'), (9, 2, '[]')",
    ]
    for statement in statements:
        conn.execute(text(statement))


def _schema_diff(url: str, backend: str) -> list[object]:
    engine = engines.create(url, pool_size=0)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff: list[object] = compare_metadata(context, schema_for(backend))
            keys = {name: inspect(conn).get_pk_constraint(name)["constrained_columns"]
                    for name in ("contacts", "contact_tags")}  # fmt: skip
    finally:
        engine.dispose()
    expected = {"contacts": ["id"] if backend == "sqlite" else ["workspace_id", "id"],
                "contact_tags": ["workspace_id", "tag", "contact_id"]}  # fmt: skip
    return diff if keys == expected else [*diff, keys]


def test_the_tenant_keys_migrate_data_and_back(empty_url: str) -> None:
    backend = "sqlite" if engines.is_sqlite(empty_url) else "postgresql"
    migrate.upgrade(empty_url, "0001")
    # Rows in the old schema, read across workspaces: not the application's statements.
    engine = engines.create(empty_url, pool_size=0, writer=True, check_statements=False)
    try:
        with engine.begin() as conn:
            _fill_0001(conn)
        migrate.upgrade(empty_url)
        with engine.connect() as conn:
            rejects = conn.execute(text("SELECT workspace_id, line FROM import_rejects")).all()
            tags = conn.execute(text("SELECT workspace_id, contact_id, tag FROM contact_tags"))
            assert sorted(rejects) == [(7, 1), (7, 2)]  # from their import
            assert tags.all() == [(7, 5, "a")]  # the repeated index row is gone
            assert citus.distribute(conn) == []  # no citus extension here: nothing to do
        assert _schema_diff(empty_url, backend) == []

        command.downgrade(migrate.config(empty_url), "0001")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM import_rejects")).scalar() == 2
        migrate.upgrade(empty_url)
        assert _schema_diff(empty_url, backend) == []
    finally:
        engine.dispose()


def _contact(id: int, **columns: str) -> str:
    names = ", ".join(columns)
    values = ", ".join(columns.values())
    return (
        "INSERT INTO contacts (id, workspace_id, list_id, dnc, dnd, tags, custom_fields,"
        f" external_refs, status, attempts, created_at, updated_at, version, queue_rank,"
        f" dnd_call, {names}) VALUES ({id}, 7, 3, false, '{{}}', '[]', '{{}}', '[]', 'queued',"
        f" 0, '{NOW}', '{NOW}', 1, -1, false, {values})"
    )


def test_states_become_codes_and_fixed_offset_zones_real_zones(empty_url: str) -> None:
    migrate.upgrade(empty_url, "0003")
    engine = engines.create(empty_url, pool_size=0, writer=True, check_statements=False)
    ny = """'[{"number": "+12124561234", "raw": "x", "type": "mobile", "country": "US"}]'"""
    berlin = """'[{"number": "+49301234567", "raw": "x", "type": "mobile", "country": "DE"}]'"""
    two = (
        """'[{"number": "+15555550100", "raw": "x", "type": "mobile", "valid": false},"""
        """ {"number": "+12124561234", "raw": "x", "type": "mobile", "valid": true}]'"""
    )
    try:
        with engine.begin() as conn:
            for statement in [
                f"INSERT INTO workspaces (id, name, created_at) VALUES (7, 'w', '{NOW}')",
                "INSERT INTO lists (id, workspace_id, name, is_default, duplicate_key,"
                " duplicate_scope, queue_mode, retry_minutes, created_at, updated_at,"
                f" default_timezone, default_region) VALUES (3, 7, 'Leads', true, 'phone',"
                f" 'list', 'immediate', 60, '{NOW}', '{NOW}', 'UTC', 'GB')",
                _contact(1, phones=ny, state="'Florida'", timezone="'America/New_York'",
                         timezone_source="'phone'",
                         timezone_candidates="""'["America/New_York"]'"""),
                _contact(2, phones=ny, state="'FL '", country="'US'", timezone="'EST'",
                         timezone_source="'given'", timezone_candidates="""'["EST"]'"""),
                _contact(3, phones=ny, timezone="'Etc/GMT+7'", timezone_source="'given'",
                         timezone_candidates="""'["Etc/GMT+7"]'"""),
                _contact(4, phones=berlin, state="'Bayern'", country="'DE'", timezone="'UTC'",
                         timezone_source="'list_default'", timezone_candidates="""'["UTC"]'"""),
                _contact(5, phones=two, dial_number="'+15555550100'"),
            ]:  # fmt: skip
                conn.execute(text(statement))
        migrate.upgrade(empty_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.id, state, timezone, timezone_source, z.key, dial_number"
                    " FROM contacts c"
                    " LEFT JOIN call_zones z ON z.id = c.zone_id ORDER BY c.id"
                )
            ).all()
            default = conn.execute(text("SELECT default_timezone FROM lists")).scalar()
        assert default == "Europe/London"  # UTC for a list of British numbers
        # Migration 0016 adds the area code's state (+1 212: New York) to the zone keys.
        assert [tuple(row) for row in rows] == [
            (1, "FL", "America/New_York", "phone", "America/New_York@FL+NY", "+12124561234"),
            (2, "FL", "America/New_York", "given", "America/New_York@FL+NY", "+12124561234"),
            # GMT-7 fits Denver and Phoenix: the zone is inferred from the phone again.
            (3, None, "America/New_York", "phone", "America/New_York@NY", "+12124561234"),
            (4, "Bayern", "Europe/Berlin", "phone", "Europe/Berlin", "+49301234567"),
            # The first number is not a valid one: the second is dialed.
            (5, None, None, None, None, "+12124561234"),
        ]
    finally:
        engine.dispose()


def _attempt(id: int, contact_id: int, number: str, outcome: str, claimed_at: str) -> str:
    return (
        "INSERT INTO dial_attempts (id, workspace_id, list_id, contact_id, number, claimed_at,"
        f" lease_expires_at, outcome) VALUES ({id}, 7, 3, {contact_id}, '{number}',"
        f" '{claimed_at}', '{claimed_at}', '{outcome}')"
    )


def test_existing_contacts_get_their_numbers_dialing_state(empty_url: str) -> None:
    migrate.upgrade(empty_url, "0015")
    engine = engines.create(empty_url, pool_size=0, writer=True, check_statements=False)
    a, b, invalid = "+12124561234", "+12124561235", "+15555550100"

    def phones(*numbers: str) -> str:
        found = [{"number": n, "raw": n, "type": "mobile", "valid": n != invalid} for n in numbers]
        return f"'{json.dumps(found)}'"

    try:
        with engine.begin() as conn:
            for statement in [
                f"INSERT INTO workspaces (id, name, created_at) VALUES (7, 'w', '{NOW}')",
                "INSERT INTO lists (id, workspace_id, name, is_default, duplicate_key,"
                " duplicate_scope, queue_mode, retry_minutes, created_at, updated_at)"
                f" VALUES (3, 7, 'Leads', true, 'phone', 'list', 'immediate', 60, '{NOW}',"
                f" '{NOW}')",
                # Twice unanswered on its first number: the second is next.
                _contact(1, phones=phones(a, b), dial_number=f"'{a}'"),
                _attempt(1, 1, a, "no_answer", "2026-11-30 10:00:00"),
                _attempt(2, 1, a, "no_answer", "2026-11-30 11:00:00"),
                # Only an invalid number: it has one to dial now, marked invalid.
                _contact(2, phones=phones(invalid), dial_number="NULL"),
                # A wrong number: done.
                _contact(3, phones=phones(b), dial_number=f"'{b}'"),
                _attempt(3, 3, b, "wrong_number", "2026-11-30 12:00:00"),
            ]:  # fmt: skip
                conn.execute(text(statement))
        migrate.upgrade(empty_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, phones, dial_number, dial_number_valid FROM contacts ORDER BY id")
            ).all()
            listed = conn.execute(text("SELECT phone_order, dial_invalid_numbers FROM lists")).one()
        assert (listed[0], bool(listed[1])) == ("as_given", False)
        found = {
            row[0]: (
                [p["dialing"] for p in (json.loads(row[1]) if isinstance(row[1], str) else row[1])],
                row[2],
                bool(row[3]),
            )
            for row in rows
        }
        fresh = {"attempts": 0, "last_outcome": None, "last_dial_at": None, "done": False}
        assert found == {
            1: ([{"attempts": 2, "last_outcome": "no_answer",
                  "last_dial_at": "2026-11-30T11:00:00Z", "done": False}, fresh], b, True),
            2: ([fresh], invalid, False),
            3: ([{"attempts": 1, "last_outcome": "wrong_number",
                  "last_dial_at": "2026-11-30T12:00:00Z", "done": True}], None, True),
        }  # fmt: skip
        backend = "sqlite" if engines.is_sqlite(empty_url) else "postgresql"
        assert _schema_diff(empty_url, backend) == []
        command.downgrade(migrate.config(empty_url), "0015")
        migrate.upgrade(empty_url)
    finally:
        engine.dispose()


def test_contacts_stored_before_consent_know_whether_they_dial_a_mobile(empty_url: str) -> None:
    migrate.upgrade(empty_url, "0015")
    engine = engines.create(empty_url, pool_size=0, writer=True, check_statements=False)
    mobile = """'[{"number": "+12124561234", "raw": "x", "type": "mobile", "line_type":"""
    landline = """'[{"number": "+12124561235", "raw": "x", "type": "landline", "line_type":"""
    try:
        with engine.begin() as conn:
            for statement in [
                f"INSERT INTO workspaces (id, name, created_at) VALUES (7, 'w', '{NOW}')",
                "INSERT INTO lists (id, workspace_id, name, is_default, duplicate_key,"
                " duplicate_scope, queue_mode, retry_minutes, created_at, updated_at)"
                f" VALUES (3, 7, 'Leads', true, 'phone', 'list', 'immediate', 60, '{NOW}',"
                f" '{NOW}')",
                _contact(1, phones=mobile + """ "fixed_line_or_mobile"}]'""",
                         dial_number="'+12124561234'"),
                _contact(2, phones=landline + """ "fixed_line_or_mobile"}]'""",
                         dial_number="'+12124561235'"),
                _contact(3, phones="'[]'"),
            ]:  # fmt: skip
                conn.execute(text(statement))
        migrate.upgrade(empty_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, dial_mobile, dial_consent FROM contacts ORDER BY id")
            ).all()
            lists = conn.execute(
                text("SELECT require_consent_for_mobile, block_reassigned FROM lists")
            ).all()
        assert [(i, bool(m), c) for i, m, c in rows] == [
            (1, True, None),
            (2, False, None),
            (3, False, None),
        ]
        assert [tuple(bool(v) for v in row) for row in lists] == [(False, False)]
    finally:
        engine.dispose()
