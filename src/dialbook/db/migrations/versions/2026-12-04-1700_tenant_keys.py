"""tenant keys: every key of a tenant table includes workspace_id (Citus-ready)

Both backends: import_rejects gets workspace_id (from its import); contact_phones,
contact_tags and contact_external_ids get primary keys (repeated index rows are dropped
first) in place of the indexes they replace; suppressions' unique (list, number) includes
workspace_id; the contacts indexes the queue and list counts read start with workspace_id.

PostgreSQL: the tenant tables are keyed (workspace_id, id), their foreign keys to each other
include workspace_id on both sides, and the (workspace_id, id) indexes that the keys now
are go. Where the database has the citus extension, the tables are distributed
(db/citus.py) before those foreign keys are made, the order Citus accepts. SQLite keeps
``id`` keys and single-column foreign keys (tables.schema_for).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The tables of this revision (later revisions distribute the tables they add themselves).
REFERENCE = ("workspaces", "api_keys", "call_zones")
TENANTS = (
    "lists",
    "custom_fields",
    "contacts",
    "contact_phones",
    "contact_tags",
    "contact_external_ids",
    "contact_events",
    "suppression_lists",
    "suppressions",
    "dial_attempts",
    "imports",
    "import_rejects",
    "idempotency_keys",
)
KEYED_BY_ID = (
    "lists",
    "custom_fields",
    "contacts",
    "contact_events",
    "suppression_lists",
    "suppressions",
    "dial_attempts",
    "imports",
    "import_rejects",
    "idempotency_keys",
)
# (table, new primary key, the index it replaces)
INDEX_TABLES = (
    ("contact_phones", ("workspace_id", "number", "contact_id"), ("workspace_id", "number")),
    ("contact_tags", ("workspace_id", "tag", "contact_id"), ("workspace_id", "tag", "contact_id")),
    (
        "contact_external_ids",
        ("workspace_id", "provider", "external_id", "contact_id"),
        ("workspace_id", "provider", "external_id"),
    ),
)
# (table, column, referred table): foreign keys between tenant tables, all ON DELETE CASCADE.
FOREIGN_KEYS = (
    ("contacts", "list_id", "lists"),
    ("contact_phones", "contact_id", "contacts"),
    ("contact_tags", "contact_id", "contacts"),
    ("contact_external_ids", "contact_id", "contacts"),
    ("suppressions", "suppression_list_id", "suppression_lists"),
    ("dial_attempts", "contact_id", "contacts"),
    ("imports", "list_id", "lists"),
    ("import_rejects", "import_id", "imports"),
)
QUEUE_COLUMNS = (
    "status", "zone_id", "queue_rank", "due_at", "id", "dnc", "dnd_call", "attempts",
    "dial_number",
)  # fmt: skip
LEASED = "status = 'leased'"


def _ix(table: str, columns: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"

    with op.batch_alter_table("import_rejects") as batch:
        batch.add_column(sa.Column("workspace_id", Id, nullable=True))
    op.execute(
        "UPDATE import_rejects SET workspace_id ="
        " (SELECT imports.workspace_id FROM imports WHERE imports.id = import_rejects.import_id)"
    )
    with op.batch_alter_table("import_rejects") as batch:
        batch.alter_column("workspace_id", existing_type=Id, nullable=False)

    for table, key, replaced in INDEX_TABLES:
        _drop_repeats(table, key, postgresql)
        with op.batch_alter_table(table) as batch:
            batch.drop_index(_ix(table, replaced))
            batch.create_primary_key(f"pk_{table}", list(key))

    with op.batch_alter_table("suppressions") as batch:
        batch.drop_constraint("uq_suppressions_suppression_list_id_number", type_="unique")
        batch.create_unique_constraint(
            "uq_suppressions_workspace_id_suppression_list_id_number",
            ["workspace_id", "suppression_list_id", "number"],
        )

    op.drop_index("ix_contacts_list_id_id", table_name="contacts")
    op.create_index(
        "ix_contacts_workspace_id_list_id_id", "contacts", ["workspace_id", "list_id", "id"]
    )
    op.drop_index("ix_contacts_leases", table_name="contacts")
    op.create_index(
        "ix_contacts_leases",
        "contacts",
        ["workspace_id", "list_id", "lease_expires_at"],
        sqlite_where=sa.text(LEASED),
        postgresql_where=sa.text(LEASED),
    )
    op.drop_index("ix_contacts_queue_by_zone", table_name="contacts")
    op.create_index(
        "ix_contacts_queue_by_zone", "contacts", ["workspace_id", "list_id", *QUEUE_COLUMNS]
    )

    if not postgresql:
        return
    for table, column, referred in FOREIGN_KEYS:
        op.drop_constraint(f"fk_{table}_{column}_{referred}", table, type_="foreignkey")
    for table in KEYED_BY_ID:
        op.drop_constraint(f"pk_{table}", table, type_="primary")
        op.create_primary_key(f"pk_{table}", table, ["workspace_id", "id"])
    for table in ("contacts", "imports", "dial_attempts"):
        op.drop_index(f"ix_{table}_workspace_id_id", table_name=table)
    # Citus: reference and distributed tables first, the foreign keys between them after.
    citus.distribute(op.get_bind(), reference=REFERENCE, tenants=TENANTS)
    for table, column, referred in FOREIGN_KEYS:
        op.create_foreign_key(
            f"fk_{table}_workspace_id_{referred}",
            table,
            referred,
            ["workspace_id", column],
            ["workspace_id", "id"],
            ondelete="CASCADE",
        )


def _drop_repeats(table: str, key: tuple[str, ...], postgresql: bool) -> None:
    """Index rows repeated under the new key (a contact with the same tag twice): one stays."""
    if postgresql:
        same = " AND ".join(f"a.{c} = b.{c}" for c in key)
        op.execute(f"DELETE FROM {table} a USING {table} b WHERE a.ctid > b.ctid AND {same}")
    else:
        op.execute(
            f"DELETE FROM {table} WHERE rowid NOT IN"
            f" (SELECT min(rowid) FROM {table} GROUP BY {', '.join(key)})"
        )


def downgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if citus.installed(bind):
        raise RuntimeError("The tables are distributed by Citus: downgrading is not supported.")
    if postgresql:
        for table, _column, referred in FOREIGN_KEYS:
            op.drop_constraint(f"fk_{table}_workspace_id_{referred}", table, type_="foreignkey")
        for table in ("contacts", "imports", "dial_attempts"):
            op.create_index(f"ix_{table}_workspace_id_id", table, ["workspace_id", "id"])
        for table in KEYED_BY_ID:
            op.drop_constraint(f"pk_{table}", table, type_="primary")
            op.create_primary_key(f"pk_{table}", table, ["id"])
        for table, column, referred in FOREIGN_KEYS:
            op.create_foreign_key(
                f"fk_{table}_{column}_{referred}",
                table,
                referred,
                [column],
                ["id"],
                ondelete="CASCADE",
            )

    op.drop_index("ix_contacts_queue_by_zone", table_name="contacts")
    op.create_index("ix_contacts_queue_by_zone", "contacts", ["list_id", *QUEUE_COLUMNS])
    op.drop_index("ix_contacts_leases", table_name="contacts")
    op.create_index(
        "ix_contacts_leases",
        "contacts",
        ["list_id", "lease_expires_at"],
        sqlite_where=sa.text(LEASED),
        postgresql_where=sa.text(LEASED),
    )
    op.drop_index("ix_contacts_workspace_id_list_id_id", table_name="contacts")
    op.create_index("ix_contacts_list_id_id", "contacts", ["list_id", "id"])

    with op.batch_alter_table("suppressions") as batch:
        batch.drop_constraint(
            "uq_suppressions_workspace_id_suppression_list_id_number", type_="unique"
        )
        batch.create_unique_constraint(
            "uq_suppressions_suppression_list_id_number", ["suppression_list_id", "number"]
        )
    for table, _key, replaced in INDEX_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_index(_ix(table, replaced), list(replaced))
    with op.batch_alter_table("import_rejects") as batch:
        batch.drop_column("workspace_id")
