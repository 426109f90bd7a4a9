"""Contacts counted by list, status and calling zone: the console's lists screen counts a
list (contacts by status, by time zone, attempts) in one walk of this narrow index, a
quarter of the queue index's size (1M contacts: ~110 ms instead of ~155 ms on SQLite).
And external ids by id alone: a search by external id names no provider, so the primary
key (workspace, provider, external id) could not find it without reading every one.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 01:30
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_COUNTS = "ix_contacts_counts"
_EXTERNAL = "ix_contact_external_ids_workspace_id_external_id_contact_id"


def upgrade() -> None:
    op.create_index(
        _COUNTS, "contacts", ["workspace_id", "list_id", "status", "zone_id", "attempts"]
    )
    op.create_index(
        _EXTERNAL, "contact_external_ids", ["workspace_id", "external_id", "contact_id"]
    )


def downgrade() -> None:
    op.drop_index(_EXTERNAL, table_name="contact_external_ids")
    op.drop_index(_COUNTS, table_name="contacts")
