"""console: users and their sign-in sessions

``users`` is a reference table (like ``api_keys``: sign-in finds a user by email before the
workspace is known); ``console_sessions`` is a workspace's table (distributed by
workspace_id on Citus), keyed by ``id`` alone on SQLite as every (workspace_id, id) table
is there (tables.schema_for).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus
from dialbook.db.types import Id, UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "users",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("password_changed_at", UTCDateTime, nullable=False),
        sa.Column("disabled_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_users_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_users_workspace_id", "users", ["workspace_id"])
    key = ["workspace_id", "id"] if postgresql else ["id"]
    op.create_table(
        "console_sessions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint(*key, name="pk_console_sessions"),
        sa.UniqueConstraint(
            "workspace_id", "token_hash", name="uq_console_sessions_workspace_id_token_hash"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_console_sessions_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_console_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index(
        "ix_console_sessions_workspace_id_user_id", "console_sessions", ["workspace_id", "user_id"]
    )
    citus.distribute(op.get_bind(), reference=["users"], tenants=["console_sessions"])


def downgrade() -> None:
    op.drop_table("console_sessions")
    op.drop_table("users")
