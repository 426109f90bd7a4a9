"""Rate limits shared by every server process on PostgreSQL: one row per API key.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 18:20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus
from dialbook.db.types import Id, UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("key_id", Id, nullable=False),
        sa.Column("tat", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "key_id", name="pk_rate_limits"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_rate_limits_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
    )
    citus.distribute(op.get_bind(), reference=[], tenants=["rate_limits"])


def downgrade() -> None:
    op.drop_table("rate_limits")
