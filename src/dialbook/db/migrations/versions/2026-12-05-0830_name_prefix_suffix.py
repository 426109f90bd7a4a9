"""contacts: name_prefix and name_suffix

The title ("Dr.") and suffix ("Jr.") a full name was given with, split off by the name
parser (or given), so a greeting can use them and the first name stays a first name.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("name_prefix", sa.String(100), nullable=True))
        batch.add_column(sa.Column("name_suffix", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("name_suffix")
        batch.drop_column("name_prefix")
