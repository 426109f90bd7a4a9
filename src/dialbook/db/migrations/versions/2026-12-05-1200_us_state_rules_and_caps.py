"""US state rules and frequency caps: lists.compliance, an index to count calls per number

- ``lists.compliance`` (JSON): ``us_state_rules`` (the built-in US state rules; NULL, as on
  every existing list, reads as on: the safer default) and ``max_calls_per_number``.
- ``dial_attempts (workspace_id, number, claimed_at)``: a claim counts the calls to a number
  in a rolling window with one short index range.
- Data: contacts with a US phone get the area codes' states in their zone key (the stricter
  of the address's state and the phones' states applies), read with the same pure functions
  the application uses.

Downgrade drops the column and the index; zone keys keep their extra states (valid keys).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialbook.db.types import Json
from dialbook.normalize import zone_keys
from dialbook.normalize.area_codes import phone_states

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_BATCH = 2000
_INDEX = "ix_dial_attempts_workspace_id_number_claimed_at"

_contacts = sa.table(
    "contacts",
    sa.column("workspace_id", sa.BigInteger),
    sa.column("id", sa.BigInteger),
    sa.column("phones", Json),
    sa.column("zone_id", sa.Integer),
)
_zones = sa.table("call_zones", sa.column("id", sa.Integer), sa.column("key", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("lists", recreate="never") as batch:
        batch.add_column(sa.Column("compliance", Json, nullable=True))
    op.create_index(_INDEX, "dial_attempts", ["workspace_id", "number", "claimed_at"])
    _add_area_code_states(op.get_bind())


def _add_area_code_states(conn: sa.Connection) -> None:
    keys = {int(i): str(k) for i, k in conn.execute(sa.select(_zones.c.id, _zones.c.key))}
    ids = {k: i for i, k in keys.items()}
    after = (0, 0)
    while True:
        rows = conn.execute(
            sa.select(
                _contacts.c.workspace_id, _contacts.c.id, _contacts.c.phones, _contacts.c.zone_id
            )
            .where(
                _contacts.c.zone_id.is_not(None),
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
            extra = phone_states(row.phones or [])
            zones, states = zone_keys.parse_zone_key(keys[row.zone_id])
            if not extra - set(states):
                continue
            key = zone_keys.zone_key(zones, *states, *sorted(extra))
            assert key is not None
            if key not in ids:
                conn.execute(sa.insert(_zones).values(key=key))
                ids[key] = int(
                    conn.execute(sa.select(_zones.c.id).where(_zones.c.key == key)).scalar_one()
                )
                keys[ids[key]] = key
            conn.execute(
                _contacts.update()
                .where(_contacts.c.workspace_id == row.workspace_id, _contacts.c.id == row.id)
                .values(zone_id=ids[key])
            )


def downgrade() -> None:
    op.drop_index(_INDEX, "dial_attempts")
    # In place (SQLite 3.35+): a copied `lists` table would cascade its drop to the contacts.
    with op.batch_alter_table("lists", recreate="never") as batch:
        batch.drop_column("compliance")
