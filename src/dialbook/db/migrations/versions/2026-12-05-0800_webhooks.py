"""webhooks: endpoints a workspace's events are sent to, and the deliveries to make

Both are a workspace's tables (distributed by workspace_id on Citus). On SQLite they are
keyed by ``id`` alone, as every (workspace_id, id) table is there (tables.schema_for).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus
from dialbook.db.types import Id, Json, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    key = ["workspace_id", "id"] if postgresql else ["id"]
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("description", sa.String(500)),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("event_types", Json),
        sa.Column("list_ids", Json),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(500)),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100)),
        sa.Column("previous_secret_until", UTCDateTime),
        sa.Column("cursor", Id, nullable=False),
        sa.Column("failing_since", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint(*key, name="pk_webhook_endpoints"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_webhook_endpoints_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
    )
    if not postgresql:
        op.create_index(
            "ix_webhook_endpoints_workspace_id_id", "webhook_endpoints", ["workspace_id", "id"]
        )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("endpoint_id", Id, nullable=False),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("contact_id", Id),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("leased_until", UTCDateTime),
        sa.Column("response_status", sa.Integer()),
        sa.Column("duration_ms", sa.Integer()),
        sa.Column("error", sa.String(500)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.PrimaryKeyConstraint(*key, name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["workspace_id", "endpoint_id"] if postgresql else ["endpoint_id"],
            ["webhook_endpoints.workspace_id", "webhook_endpoints.id"]
            if postgresql
            else ["webhook_endpoints.id"],
            name="fk_webhook_deliveries_workspace_id_webhook_endpoints"
            if postgresql
            else "fk_webhook_deliveries_endpoint_id_webhook_endpoints",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["workspace_id", "endpoint_id", "status", "next_attempt_at"],
    )
    for columns in (["workspace_id", "endpoint_id", "contact_id", "id"],
                    ["workspace_id", "endpoint_id", "id"]):  # fmt: skip
        op.create_index(f"ix_webhook_deliveries_{'_'.join(columns)}", "webhook_deliveries", columns)
    citus.distribute(
        op.get_bind(), reference=[], tenants=["webhook_endpoints", "webhook_deliveries"]
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
