"""Import warnings: the rows an import kept with a value kept as given or ignored.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 13:00

``imports.warned`` counts them; ``import_warnings`` holds each row's line and warnings (an
unknown state kept as given, an unusable time zone ignored), as the API's
Dialbook-Warnings header reports them for one contact.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus
from dialbook.db.types import Id, Json

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (a SQLite batch copy of imports would cascade to its rejects).
    op.add_column("imports", sa.Column("warned", sa.Integer(), nullable=False, server_default="0"))
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "import_warnings",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("import_id", Id, nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("warnings", Json, nullable=False),
        sa.PrimaryKeyConstraint(
            *(["workspace_id", "id"] if postgresql else ["id"]), name="pk_import_warnings"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "import_id"] if postgresql else ["import_id"],
            ["imports.workspace_id", "imports.id"] if postgresql else ["imports.id"],
            name="fk_import_warnings_workspace_id_imports"
            if postgresql
            else "fk_import_warnings_import_id_imports",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_import_warnings_import_id_line", "import_warnings", ["import_id", "line"])
    citus.distribute(op.get_bind(), reference=[], tenants=["import_warnings"])


def downgrade() -> None:
    op.drop_table("import_warnings")
    op.execute("ALTER TABLE imports DROP COLUMN warned")  # plain (SQLite 3.35+), as above
