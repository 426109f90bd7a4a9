"""Import templates: a column mapping saved under a name, to use again on the next file.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 13:10

A workspace's table, keyed by ``id`` alone on SQLite as every (workspace_id, id) table is
there (tables.schema_for).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus
from dialbook.db.types import Id, Json, UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "import_templates",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mapping", Json, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint(
            *(["workspace_id", "id"] if postgresql else ["id"]), name="pk_import_templates"
        ),
        sa.UniqueConstraint("workspace_id", "name", name="uq_import_templates_workspace_id_name"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_import_templates_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
    )
    citus.distribute(op.get_bind(), reference=[], tenants=["import_templates"])


def downgrade() -> None:
    op.drop_table("import_templates")
