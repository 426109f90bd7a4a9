"""events: the event log (transactional outbox) replaces contact_events

One ``events`` table holds every change of a workspace (contacts, lists, suppressions,
imports, the queue) for the feed, the stream, webhooks and a contact's history;
``event_horizons`` remembers how far retention has pruned. The rows of contact_events are
kept as contact events (create -> contact.created, ...). On Citus both new tables are
distributed by workspace_id like the others.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db import citus
from dialbook.db.types import Id, Json, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TYPES = {
    "create": "contact.created",
    "import": "contact.created",
    "update": "contact.updated",
    "delete": "contact.deleted",
    "outcome": "queue.outcome_recorded",
}


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "events",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("list_id", Id),
        sa.Column("contact_id", Id),
        sa.Column("version", sa.Integer()),
        sa.Column("key_id", Id),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("changes", Json),
        sa.Column("data", Json),
        sa.PrimaryKeyConstraint(
            *(["workspace_id", "id"] if postgresql else ["id"]), name="pk_events"
        ),
    )
    op.create_index(
        "ix_events_workspace_id_contact_id_id", "events", ["workspace_id", "contact_id", "id"]
    )
    op.create_index("ix_events_workspace_id_at", "events", ["workspace_id", "at"])
    if not postgresql:
        op.create_index("ix_events_workspace_id_id", "events", ["workspace_id", "id"])
    op.create_table(
        "event_horizons",
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("pruned_through", Id, nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_event_horizons"),
    )
    citus.distribute(op.get_bind(), reference=[], tenants=["events", "event_horizons"])
    cases = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in _TYPES.items())
    op.execute(
        "INSERT INTO events (workspace_id, type, at, contact_id, key_id, actor, changes)"
        f" SELECT workspace_id, CASE action {cases} ELSE 'contact.updated' END, at, contact_id,"
        " key_id, CASE WHEN key_id IS NULL THEN 'system' ELSE 'key:' || key_id END, changes"
        " FROM contact_events ORDER BY id"
    )
    op.drop_table("contact_events")


def downgrade() -> None:
    """contact_events as revision 0002 left it, with the contact events; the rest is lost."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "contact_events",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("contact_id", Id, nullable=False),
        sa.Column("key_id", Id),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", Json),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint(
            *(["workspace_id", "id"] if postgresql else ["id"]), name="pk_contact_events"
        ),
    )
    op.create_index(
        "ix_contact_events_workspace_id_contact_id_id",
        "contact_events",
        ["workspace_id", "contact_id", "id"],
    )
    actions = " ".join(
        f"WHEN '{new}' THEN '{old}'" for old, new in _TYPES.items() if old != "import"
    )
    op.execute(
        "INSERT INTO contact_events (workspace_id, contact_id, key_id, action, changes, at)"
        f" SELECT workspace_id, contact_id, key_id, CASE type {actions} END, changes, at"
        f" FROM events WHERE type IN ({', '.join(repr(t) for t in set(_TYPES.values()))})"
        " AND contact_id IS NOT NULL ORDER BY id"
    )
    op.drop_table("event_horizons")
    op.drop_table("events")
