"""consent, reassigned numbers and do-not-call registries

Lists get ``require_consent_for_mobile``, ``block_reassigned`` and
``registry_max_age_days``. Contacts get the dialed phone's consent, whether it is a mobile
and its latest reassigned-number result (``dial_consent``, ``dial_consent_at``,
``dial_mobile``, ``dial_reassigned``: derived on every write, like ``dial_number``).
Contacts stored before have no consent or checks yet; their ``dial_mobile`` is set here,
so that ``require_consent_for_mobile`` stops their mobiles too. ``dnc_registries`` and
``dnc_registry_numbers`` hold a workspace's copy of a do-not-call registry (distributed by
workspace_id on Citus).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.contacts.normalize import is_mobile
from dialbook.db import citus
from dialbook.db.types import Id, Json, UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_BATCH = 1000
_contacts = sa.table(
    "contacts",
    sa.column("workspace_id", sa.BigInteger),
    sa.column("id", sa.BigInteger),
    sa.column("phones", Json),
    sa.column("dial_number", sa.String),
    sa.column("dial_mobile", sa.Boolean),
)


def upgrade() -> None:
    # Plain ADD COLUMNs with constant defaults (filling the rows there are): on SQLite, a
    # batch that copied the tables would drop them, and their foreign keys would cascade.
    for name in ("require_consent_for_mobile", "block_reassigned"):
        op.add_column("lists", sa.Column(name, sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("lists", sa.Column("registry_max_age_days", sa.Integer(), nullable=True))
    op.add_column("contacts", sa.Column("dial_consent", sa.String(40), nullable=True))
    op.add_column("contacts", sa.Column("dial_consent_at", UTCDateTime, nullable=True))
    op.add_column(
        "contacts", sa.Column("dial_mobile", sa.Boolean(), nullable=False, server_default="0")
    )
    op.add_column("contacts", sa.Column("dial_reassigned", sa.String(10), nullable=True))
    _mark_mobiles(op.get_bind())

    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "dnc_registries",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("imported_at", UTCDateTime, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint(
            *(["workspace_id", "id"] if postgresql else ["id"]), name="pk_dnc_registries"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_dnc_registries_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("workspace_id", "name", name="uq_dnc_registries_workspace_id_name"),
    )
    # No foreign keys (tables.py says why).
    op.create_table(
        "dnc_registry_numbers",
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("registry_id", Id, nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace_id", "number", "registry_id", name="pk_dnc_registry_numbers"
        ),
    )
    citus.distribute(
        op.get_bind(), reference=[], tenants=["dnc_registries", "dnc_registry_numbers"]
    )


def _mark_mobiles(conn: sa.Connection) -> None:
    """``dial_mobile`` of every contact whose dialed phone is (or may be) a mobile."""
    after: tuple[int, int] = (-1, -1)
    while True:
        rows = conn.execute(
            sa.select(
                _contacts.c.workspace_id,
                _contacts.c.id,
                _contacts.c.phones,
                _contacts.c.dial_number,
            )  # fmt: skip
            .where(
                _contacts.c.dial_number.is_not(None),
                sa.or_(
                    _contacts.c.workspace_id > after[0],
                    sa.and_(_contacts.c.workspace_id == after[0], _contacts.c.id > after[1]),
                ),
            )
            .order_by(_contacts.c.workspace_id, _contacts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        after = (rows[-1].workspace_id, rows[-1].id)
        for row in rows:
            dialed = next((p for p in row.phones or [] if p["number"] == row.dial_number), None)
            if dialed is not None and is_mobile(dialed):
                conn.execute(
                    _contacts.update()
                    .where(_contacts.c.workspace_id == row.workspace_id, _contacts.c.id == row.id)
                    .values(dial_mobile=True)
                )


def downgrade() -> None:
    op.drop_table("dnc_registry_numbers")
    op.drop_table("dnc_registries")
    # Plain DROP COLUMNs (SQLite 3.35+), for the reason of the ADD COLUMNs above.
    for name in ("dial_reassigned", "dial_mobile", "dial_consent_at", "dial_consent"):
        op.execute(f"ALTER TABLE contacts DROP COLUMN {name}")
    for name in ("registry_max_age_days", "block_reassigned", "require_consent_for_mobile"):
        op.execute(f"ALTER TABLE lists DROP COLUMN {name}")
