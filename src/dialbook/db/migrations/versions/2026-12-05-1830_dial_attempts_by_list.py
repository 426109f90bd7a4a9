"""Dial attempts by list and time: the console's queue monitor counts a list's claims and
outcomes of the day from one index range instead of every attempt of the workspace.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 14:00
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_INDEX = "ix_dial_attempts_workspace_id_list_id_claimed_at"


def upgrade() -> None:
    op.create_index(_INDEX, "dial_attempts", ["workspace_id", "list_id", "claimed_at"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="dial_attempts")
