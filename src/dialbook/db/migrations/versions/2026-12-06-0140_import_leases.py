"""A running import's lease: the process running it renews ``lease_until``; once it has
passed, any server process takes the job over (an import outlives kill -9 of its server
on another process, not only on a restart).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 01:30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db.types import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35): a batch copy of the table would drop it first,
    # and the cascade would take the import's rejected rows with it.
    op.drop_column("imports", "lease_until")
